//! The real binary over stdio, as an editor runs it: a whole session, and
//! malformed input. Stdout must hold nothing but well-framed JSON-RPC; the
//! process must never panic and must exit with the code the protocol asks.
//!
//! Every wait is bounded, so a bug fails a test instead of hanging the suite.

use crate::support;

use serde_json::{json, Value};
use support::stdio::StdioServer;

const BROKEN_PAIR: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
---
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector:
    app: redis
";

fn initialize(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}})
}

#[test]
fn a_full_session_over_stdio_writes_only_json_rpc_and_exits_0() {
    let mut server = StdioServer::spawn("debug");
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({
        "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": "untitled:redis.yaml", "languageId": "yaml", "version": 1, "text": BROKEN_PAIR}}
    }));
    let hover_position = json!({"line": 5, "character": 17});
    server.send(json!({
        "jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": "untitled:redis.yaml"}, "position": hover_position}
    }));
    server.wait("a hover response", |message| message["id"] == 2);
    server.wait("diagnostics", |message| message["method"] == "textDocument/publishDiagnostics");
    server.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, messages, stderr) = server.finish();
    let messages = messages.unwrap_or_else(|error| panic!("stdout is not pure JSON-RPC: {error}\nstderr:\n{stderr}"));
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");

    let response = |id: i64| messages.iter().find(|message| message["id"] == id && message.get("method").is_none());
    let initialized = response(1).expect("an initialize response");
    assert_eq!(initialized["result"]["capabilities"]["positionEncoding"], "utf-16");
    let hover = response(2).expect("a hover response");
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("a hover card: {hover}"));
    assert!(markdown.contains("redis-0.redis"), "{markdown}");
    assert_eq!(response(3).expect("a shutdown response")["result"], Value::Null);
    let diagnostics = messages
        .iter()
        .find(|message| message["method"] == "textDocument/publishDiagnostics")
        .expect("diagnostics published");
    assert_eq!(diagnostics["params"]["uri"], "untitled:redis.yaml");
    assert_eq!(diagnostics["params"]["version"], 1);
    let codes: Vec<&str> = diagnostics["params"]["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .collect();
    assert_eq!(codes, ["service-not-headless", "service-not-headless"]);
}

/// `textDocument/codeLens` is written to stdout from a body the handler
/// serialised itself (`lsp::body`): the client reads an ordinary response.
#[test]
fn code_lenses_over_stdio_are_an_ordinary_response_and_resolve() {
    let mut server = StdioServer::spawn("warn");
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({
        "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": "untitled:redis.yaml", "languageId": "yaml", "version": 1, "text": BROKEN_PAIR}}
    }));
    let lenses = server.request("textDocument/codeLens", json!({"textDocument": {"uri": "untitled:redis.yaml"}}));
    assert_eq!(lenses["jsonrpc"], "2.0");
    let list = lenses["result"].as_array().unwrap_or_else(|| panic!("a list of lenses: {lenses}")).clone();
    let lines: Vec<&Value> = list.iter().map(|lens| &lens["range"]["start"]["line"]).collect();
    assert_eq!(lines, [&json!(3), &json!(17)], "{lenses}");
    let resolved = server.request("codeLens/resolve", list[1].clone());
    assert_eq!(resolved["result"]["command"]["title"], "1 reference", "{resolved}");
    let unknown = server.request("textDocument/codeLens", json!({"textDocument": {"uri": "untitled:none.yaml"}}));
    assert_eq!(unknown["result"], Value::Null, "{unknown}");
    let invalid = server.request("textDocument/codeLens", json!({"textDocument": 7}));
    assert_eq!(invalid["error"]["code"], -32602, "{invalid}");
    server.send(json!({"jsonrpc": "2.0", "id": 90, "method": "shutdown"}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, messages, stderr) = server.finish();
    messages.unwrap_or_else(|error| panic!("stdout is not pure JSON-RPC: {error}\nstderr:\n{stderr}"));
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
}

#[test]
fn malformed_input_is_skipped_and_the_server_still_answers() {
    let mut server = StdioServer::spawn("debug");
    // A header that is not one, a body that is not JSON, a length that is
    // too short (the rest of the body runs into the next header), a message
    // that is JSON but not JSON-RPC, and one that is not even UTF-8.
    server.write_raw(b"Hello there\r\n\r\n");
    server.write_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc");
    let truncated = r#"{"jsonrpc":"2.0","id":50,"method":"initialize","params":{}}"#;
    server.write_raw(format!("Content-Length: {}\r\n\r\n{truncated}", truncated.len() - 10).as_bytes());
    server.write_raw(b"Content-Length: 3\r\n\r\n\xff\xfe\xfd");
    server.send(json!({"jsonrpc": "2.0", "id": 60}));
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.write_raw(b"Content-Length: nine\r\n\r\n");
    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": ""}}));
    server.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, messages, stderr) = server.finish();
    let messages = messages.unwrap_or_else(|error| panic!("stdout is not pure JSON-RPC: {error}\nstderr:\n{stderr}"));
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");

    let response = |id: i64| messages.iter().find(|message| message["id"] == id && message.get("method").is_none());
    assert_eq!(response(60).expect("an answer to the invalid request")["error"]["code"], -32600);
    assert!(response(50).is_none(), "the truncated request is skipped");
    assert!(response(1).expect("initialize answered")["result"]["capabilities"].is_object());
    assert_eq!(response(2).expect("symbols answered")["result"], json!([]));
    assert_eq!(response(3).expect("shutdown answered")["result"], Value::Null);
}

#[test]
fn exit_without_shutdown_or_the_end_of_input_exits_1() {
    let mut server = StdioServer::spawn("debug");
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, messages, stderr) = server.finish();
    assert!(messages.is_ok(), "stdout is not pure JSON-RPC: {messages:?}");
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");

    let mut server = StdioServer::spawn("debug");
    server.send(initialize(1));
    server.close_stdin();
    let (status, messages, stderr) = server.finish();
    assert!(messages.is_ok(), "stdout is not pure JSON-RPC: {messages:?}");
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
}

/// A base and an overlay whose patch is edited in the editor: the base's
/// StatefulSet file, never opened, gets the overlay build's finding when
/// the patch breaks the tie, and loses it when the patch is put back.
#[test]
fn editing_a_patch_in_an_overlay_republishes_the_base_file() {
    let folder = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        let path = folder.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(&path, text).expect("write");
        path
    };
    write("base/kustomization.yaml", "resources: [redis.yaml]\n");
    let base = write(
        "base/redis.yaml",
        BROKEN_PAIR.replace("spec:\n  selector", "spec:\n  clusterIP: None\n  selector").as_str(),
    );
    write("prod/kustomization.yaml", "namePrefix: prod-\nresources: [../base]\npatches:\n  - path: service.yaml\n");
    let healthy = "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  type: ClusterIP\n";
    let patch = write("prod/service.yaml", healthy);
    let base_uri = support::file_uri(&base);
    let patch_uri = support::file_uri(&patch);

    let mut server = StdioServer::spawn("warn");
    let params = support::initialize_params(&[folder.path()], Value::Null);
    let answer = server.request("initialize", params);
    assert!(answer.get("result").is_some(), "{answer}");
    server.notify("initialized", json!({}));
    server.wait("the end of the folder read", |message| {
        message["method"] == "$/progress" && message["params"]["value"]["kind"] == "end"
    });
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": patch_uri, "languageId": "yaml", "version": 1, "text": healthy}}),
    );
    let broken = healthy.replace("type: ClusterIP", "clusterIP: 10.0.0.12");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": patch_uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let published = server.wait("the base's diagnostics", |message| {
        support::stdio::is_diagnostics(message, &base_uri)
            && message["params"]["diagnostics"].as_array().is_some_and(|list| !list.is_empty())
    });
    let diagnostic = &published["params"]["diagnostics"][0];
    assert_eq!(diagnostic["code"], "service-not-headless", "{published}");
    assert_eq!(diagnostic["range"]["start"]["line"], 5, "on the base's serviceName: {published}");
    let message = diagnostic["message"].as_str().unwrap_or_default();
    // The build is named by its folder below the workspace folder, not by
    // the temporary folder above it.
    assert!(message.starts_with("in 'prod': ") && message.contains("StatefulSet 'prod-redis'"), "{message}");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": patch_uri, "version": 3}, "contentChanges": [{"text": healthy}]}),
    );
    server.wait("the base's diagnostics cleared", |message| {
        support::stdio::is_diagnostics(message, &base_uri)
            && message["params"]["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    server.shut_down();
}

const PEERS: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 2
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec: {clusterIP: None, selector: {app: redis}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  sentinel.conf: |
    sentinel monitor main redis-0.redis 6379 2
    sentinel known-replica main redis-5.redis 6379
";

#[test]
fn a_peer_address_over_stdio_is_reported_and_renamed_with_its_stateful_set() {
    let mut server = StdioServer::spawn("info");
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let uri = "untitled:peers.yaml";
    server.send(json!({
        "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": PEERS}}
    }));
    // On the pod label of `redis-0.redis` (line 19, `    sentinel monitor main ` is 26 characters).
    server.send(json!({
        "jsonrpc": "2.0", "id": 2, "method": "textDocument/rename",
        "params": {"textDocument": {"uri": uri}, "position": {"line": 19, "character": 27}, "newName": "cache"}
    }));
    server.wait("a rename response", |message| message["id"] == 2);
    server.wait("diagnostics", |message| message["method"] == "textDocument/publishDiagnostics");
    server.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, messages, stderr) = server.finish();
    let messages = messages.unwrap_or_else(|error| panic!("stdout is not pure JSON-RPC: {error}\nstderr:\n{stderr}"));
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    let diagnostics = messages
        .iter()
        .find(|message| message["method"] == "textDocument/publishDiagnostics")
        .expect("diagnostics published");
    let found: Vec<(String, u64)> = diagnostics["params"]["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(found, [("dns-name-ordinal-out-of-range".to_owned(), 20)]);
    let rename = messages.iter().find(|message| message["id"] == 2 && message.get("method").is_none()).expect("rename");
    let changes = &rename["result"]["changes"][uri];
    let mut edited: Vec<(u64, u64, u64, String)> = changes
        .as_array()
        .unwrap_or_else(|| panic!("edits for the file: {rename}"))
        .iter()
        .map(|edit| {
            let start = &edit["range"]["start"];
            (
                start["line"].as_u64().unwrap_or_default(),
                start["character"].as_u64().unwrap_or_default(),
                edit["range"]["end"]["character"].as_u64().unwrap_or_default(),
                edit["newText"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    edited.sort();
    // The StatefulSet's name and the pod label of each address naming its pods.
    assert_eq!(
        edited,
        [(2, 17, 22, "cache".to_owned()), (19, 26, 31, "cache".to_owned()), (20, 32, 37, "cache".to_owned())]
    );
}

/// Each file opened outside every workspace folder adds its folder as a
/// root: the log says which roots, and says the settings once, since they
/// did not change.
#[test]
fn the_settings_are_logged_once_and_a_new_root_alone_logs_the_roots() {
    let folders = [tempfile::tempdir().expect("a folder"), tempfile::tempdir().expect("a folder")];
    let mut server = StdioServer::spawn("info");
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    for (number, folder) in folders.iter().enumerate() {
        let path = folder.path().join("redis.yaml");
        std::fs::write(&path, BROKEN_PAIR).expect("write the file");
        let uri = support::file_uri(&path);
        server.send(json!({
            "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": BROKEN_PAIR}}
        }));
        let id = 2 + number as i64;
        server.send(json!({
            "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 17}}
        }));
        server.wait("a hover response", |message| message["id"] == id);
    }
    server.send(json!({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, _, stderr) = server.finish();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert_eq!(stderr.matches("settings: cluster domain").count(), 1, "stderr:\n{stderr}");
    let second = folders[1].path().display().to_string();
    let roots = stderr.lines().rev().find(|line| line.contains("workspace roots: ")).unwrap_or_default();
    assert!(roots.contains(&second), "the second folder is a root: {roots}\nstderr:\n{stderr}");
}
