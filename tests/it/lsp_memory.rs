//! The language server end to end over an in-memory connection: the
//! protocol's boundaries (life cycle, encodings, incremental edits, CRLF and
//! BOM, configuration, cancellation, panics, files on disk) as a client sees
//! them. What a diagnostic or a fix says is tested in `checks` and `ide`.
//!
//! Every wait is bounded, so a bug fails a test instead of hanging the suite.

use crate::support;

use std::path::Path;

use kube_lsp::api::lsp::Exit;
use lsp_server::{Connection, Notification, Request};
use serde_json::{json, Value};
use support::{file_uri, Client};

const REQUEST_CANCELED: i32 = -32800;
const METHOD_NOT_FOUND: i32 = -32601;
const INVALID_REQUEST: i32 = -32600;
const INVALID_PARAMS: i32 = -32602;
const INTERNAL_ERROR: i32 = -32603;
const SERVER_NOT_INITIALIZED: i32 = -32002;
const REQUEST_FAILED: i32 = -32803;

/// A StatefulSet whose governing Service is not headless.
const STATEFUL_SET: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  replicas: 3
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
        - name: redis
          image: redis:7
          ports:
            - name: redis
              containerPort: 6379
";

/// The Service of `STATEFUL_SET`, with no `clusterIP`.
const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector:
    app: redis
  ports:
    - name: redis
      port: 6379
";

fn broken_pair() -> String {
    format!("{STATEFUL_SET}---\n{SERVICE}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16,
}

fn initialize_params(encodings: &[&str], folders: &[&Path], options: Value) -> Value {
    let folders: Vec<Value> =
        folders.iter().map(|folder| json!({"uri": file_uri(folder), "name": folder.display().to_string()})).collect();
    json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {
            "general": {"positionEncodings": encodings},
            "workspace": {"workspaceEdit": {"documentChanges": true}, "configuration": true},
            "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}},
            "window": {"workDoneProgress": true}
        },
        "workspaceFolders": if folders.is_empty() { Value::Null } else { Value::Array(folders) },
        "initializationOptions": options,
    })
}

// Positions, computed here independently of the server.

fn units(ch: char, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => ch.len_utf8(),
        Encoding::Utf16 => ch.len_utf16(),
    }
}

/// Line starts of a text, breaking at `\n`, `\r\n` and a lone `\r`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n')) {
            starts.push(index + 1);
        }
    }
    starts
}

fn position(text: &str, offset: usize, encoding: Encoding) -> Value {
    let starts = line_starts(text);
    let line = starts.partition_point(|&start| start <= offset) - 1;
    let character: usize = text[starts[line]..offset].chars().map(|ch| units(ch, encoding)).sum();
    json!({"line": line, "character": character})
}

fn offset(text: &str, position: &Value, encoding: Encoding) -> usize {
    let starts = line_starts(text);
    let line = position["line"].as_u64().expect("line") as usize;
    let mut remaining = position["character"].as_u64().expect("character") as usize;
    let start = starts[line];
    for (index, ch) in text[start..].char_indices() {
        if remaining == 0 || ch == '\n' || ch == '\r' {
            return start + index;
        }
        remaining -= units(ch, encoding);
    }
    text.len()
}

fn range_of(text: &str, start: usize, end: usize, encoding: Encoding) -> Value {
    json!({"start": position(text, start, encoding), "end": position(text, end, encoding)})
}

fn text_at<'a>(text: &'a str, range: &Value, encoding: Encoding) -> &'a str {
    &text[offset(text, &range["start"], encoding)..offset(text, &range["end"], encoding)]
}

/// The byte offset of the `nth` (0-based) occurrence of `needle`.
fn nth_offset(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle).nth(nth).map(|(offset, _)| offset).expect("needle present")
}

/// Applies LSP text edits (all against the same text) as a client does.
fn apply_edits(text: &str, edits: &[Value], encoding: Encoding) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            (
                offset(text, &edit["range"]["start"], encoding),
                offset(text, &edit["range"]["end"], encoding),
                edit["newText"].as_str().expect("newText").to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|(start, end, _)| (*start, *end));
    let mut result = text.to_owned();
    for (start, end, new_text) in edits.into_iter().rev() {
        result.replace_range(start..end, &new_text);
    }
    result
}

/// The edits of a workspace edit to one document, in either of its forms.
fn edits_for(workspace_edit: &Value, uri: &str) -> Vec<Value> {
    if let Some(changes) = workspace_edit["documentChanges"].as_array() {
        return changes
            .iter()
            .filter(|change| change["textDocument"]["uri"] == uri)
            .flat_map(|change| change["edits"].as_array().cloned().unwrap_or_default())
            .collect();
    }
    workspace_edit["changes"][uri].as_array().cloned().unwrap_or_default()
}

/// The codes of some diagnostics, in order.
fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|diagnostic| diagnostic["code"].as_str().unwrap_or("")).collect()
}

fn has_code(code: &'static str) -> impl Fn(&[Value]) -> bool {
    move |diagnostics| codes(diagnostics).contains(&code)
}

fn is_clean(diagnostics: &[Value]) -> bool {
    diagnostics.is_empty()
}

// Life cycle.

#[test]
fn initialize_negotiates_utf8_when_offered_and_utf16_otherwise() {
    let (client, result) = Client::initialized(initialize_params(&["utf-16", "utf-8"], &[], Value::Null));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(result["capabilities"]["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    assert_eq!(result["capabilities"]["renameProvider"]["prepareProvider"], true);
    assert_eq!(result["serverInfo"]["name"], "kube-lsp");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);

    let (client, result) = Client::initialized(initialize_params(&["utf-32", "utf-16"], &[], Value::Null));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);

    let (client, result) = Client::initialized(json!({"capabilities": {}}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn folders_are_read_in_the_background_and_reported_as_progress() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("pair.yaml"), broken_pair()).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[folder.path()], Value::Null));
    // `initialized` waited for the end of the read; it was announced first.
    let created: Vec<&Request> =
        client.server_requests.iter().filter(|request| request.method == "window/workDoneProgress/create").collect();
    assert_eq!(created.len(), 1, "{:?}", client.server_requests);
    let token = created[0].params["token"].clone();
    let begin =
        client.notification("progress begin", |n| n.method == "$/progress" && n.params["value"]["kind"] == "begin");
    assert_eq!(begin.params["token"], token);
    assert_eq!(begin.params["value"]["title"], "Reading the workspace");
    let end = client.notification("progress end", |n| n.method == "$/progress" && n.params["value"]["kind"] == "end");
    assert_eq!(end.params["token"], token);
    assert_eq!(end.params["value"]["message"], "1 files");
    assert_eq!(client.symbols(), ["Service/redis", "StatefulSet/redis"]);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

/// A server started on `folder` with 400 more files in it: enough that the
/// read is likely still running when the test opens a file.
fn start_reading_many_files(folder: &std::path::Path) -> Client {
    for number in 0..400 {
        let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{number}}}\ndata: {{a: b}}\n");
        std::fs::write(folder.join(format!("config-{number}.yaml")), text).expect("write");
    }
    let mut client = Client::start();
    client.request("initialize", initialize_params(&["utf-16"], &[folder], Value::Null)).expect("initialize");
    client.notify("initialized", json!({}));
    client
}

#[test]
fn a_file_opened_while_the_folder_is_read_gets_no_finding_the_read_would_clear() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("service.yaml"), SERVICE).expect("write");
    let mut client = start_reading_many_files(folder.path());
    let uri = file_uri(&folder.path().join("statefulset.yaml"));
    client.open(&uri, 1, STATEFUL_SET);
    // The first diagnostics of the open file already know the Service: none
    // are published while the folder is read.
    let first = client.diagnostics(&uri, |_| true);
    let codes: Vec<&str> =
        first["diagnostics"].as_array().into_iter().flatten().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["service-not-headless"], "{first}");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_buffer_opened_and_edited_while_the_folder_is_read_wins_over_the_disk() {
    // The open file is on disk too, naming another Service: the read's copy
    // must not replace the buffer, however the files read are taken in (the
    // workspace changed under what the reading worker prepared).
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("service.yaml"), SERVICE).expect("write");
    let on_disk = STATEFUL_SET.replace("serviceName: redis", "serviceName: gone");
    std::fs::write(folder.path().join("statefulset.yaml"), &on_disk).expect("write");
    let mut client = start_reading_many_files(folder.path());
    let uri = file_uri(&folder.path().join("statefulset.yaml"));
    client.open(&uri, 1, &on_disk);
    // Typed in before the read is likely done: the Service it names now is
    // the one on disk, which is not headless.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": STATEFUL_SET}]}),
    );
    let last = client.diagnostics(&uri, |diagnostics| diagnostics.iter().all(|d| d["code"] != "service-not-found"));
    assert_eq!(last["version"], 2);
    let codes: Vec<&str> =
        last["diagnostics"].as_array().into_iter().flatten().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["service-not-headless"], "{last}");
    let symbols = client.symbols();
    assert_eq!(symbols.len(), 402, "every file read, the open one once");
    assert_eq!(symbols.iter().filter(|symbol| symbol.starts_with("StatefulSet/")).count(), 1);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_publish_left_for_later_turns_goes_on_while_the_client_is_quiet() {
    // With no time for publishing, each turn of the main loop sends one
    // file's diagnostics: the rest must follow without any further message
    // from the client.
    let folder = tempfile::tempdir().expect("temp dir");
    for number in 0..20 {
        let set = STATEFUL_SET.replace("redis", &format!("redis-{number}"));
        std::fs::write(folder.path().join(format!("set-{number}.yaml")), set).expect("write");
    }
    let options = kube_lsp::api::lsp::Options { test_requests: true, publish_budget: Some(std::time::Duration::ZERO) };
    let mut client = Client::start_with(options);
    client.request("initialize", initialize_params(&["utf-16"], &[folder.path()], Value::Null)).expect("initialize");
    client.notify("initialized", json!({}));
    for number in 0..20 {
        let uri = file_uri(&folder.path().join(format!("set-{number}.yaml")));
        let published = client.diagnostics(&uri, |_| true);
        assert_eq!(published["diagnostics"][0]["code"], "service-not-found", "{published}");
    }
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn nothing_is_published_after_shutdown() {
    // The read ends after `shutdown`: its findings are not sent, though the
    // read's progress still ends.
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("pair.yaml"), broken_pair()).expect("write");
    let mut client = start_reading_many_files(folder.path());
    assert_eq!(client.request("shutdown", Value::Null).expect("shutdown succeeds"), Value::Null);
    let after_shutdown = client.notifications.len();
    let is_end = |n: &Notification| n.method == "$/progress" && n.params["value"]["kind"] == "end";
    assert!(!client.notifications.iter().any(is_end), "the read ends after `shutdown` is answered");
    let end = client.notification("progress end", is_end);
    assert_eq!(end.params["value"]["message"], "401 files");
    // Time for the analysis the read starts, and for a publish after it.
    client.receive_for(std::time::Duration::from_millis(500));
    let late: Vec<&str> = client
        .notifications
        .iter()
        .skip(after_shutdown)
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .filter_map(|n| n.params["uri"].as_str())
        .collect();
    assert_eq!(late, Vec::<&str>::new());
    client.notify("exit", Value::Null);
    assert_eq!(client.join(), Exit::AfterShutdown);
}

#[test]
fn requests_before_initialize_and_after_shutdown_are_refused() {
    let mut client = Client::start();
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early.expect_err("an error").code, SERVER_NOT_INITIALIZED);
    // Notifications before `initialize` are dropped, not fatal.
    client.open("file:///early.yaml", 1, &broken_pair());
    client.request("initialize", json!({"capabilities": {}})).expect("initialize succeeds");
    let again = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again.expect_err("an error").code, INVALID_REQUEST);
    client.notify("initialized", json!({}));
    assert_eq!(client.request("shutdown", Value::Null).expect("shutdown succeeds"), Value::Null);
    let late = client.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(late.expect_err("an error").code, INVALID_REQUEST);
    client.notify("exit", Value::Null);
    assert_eq!(client.join(), Exit::AfterShutdown);
}

#[test]
fn exit_without_shutdown_is_reported() {
    let (mut client, _) = Client::initialized(json!({"capabilities": {}}));
    client.notify("exit", Value::Null);
    assert_eq!(client.join(), Exit::WithoutShutdown);

    // `run`, the public entry point, turns it into an error.
    let (server_side, client_side) = Connection::memory();
    let server = std::thread::spawn(move || kube_lsp::api::lsp::run(server_side));
    client_side.sender.send(Notification { method: "exit".to_owned(), params: Value::Null }.into()).expect("send");
    let result = server.join().expect("no panic");
    assert!(result.is_err());
}

#[test]
fn unknown_methods_and_bad_params_get_errors_and_the_server_goes_on() {
    let (mut client, _) = Client::initialized(json!({"capabilities": {}}));
    let unknown = client.request("kubeLsp/noSuchThing", json!({}));
    assert_eq!(unknown.expect_err("an error").code, METHOD_NOT_FOUND);
    let bad = client.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad.expect_err("an error").code, INVALID_PARAMS);
    // Unknown and malformed notifications are ignored.
    client.notify("kubeLsp/noSuchNotification", json!({}));
    client.notify("textDocument/didOpen", json!({"textDocument": "nope"}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere.yaml", "version": 2}, "contentChanges": [{"text": "a"}]}),
    );
    assert_eq!(client.request("workspace/symbol", json!({"query": ""})).expect("symbols"), json!([]));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_panicking_handler_answers_an_internal_error_and_the_server_goes_on() {
    let (mut client, _) = Client::initialized(json!({"capabilities": {}}));
    let uri = "file:///panic/redis.yaml";
    client.open(uri, 1, &broken_pair());
    support::expect_caught_panics();
    let error = client.request("kubeLsp/testPanic", json!({})).expect_err("an error");
    assert_eq!(error.code, INTERNAL_ERROR);
    assert!(error.message.contains("panics on purpose"), "{}", error.message);
    // Still serving, with the state it had.
    client.diagnostics(uri, has_code("service-not-headless"));
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert!(symbols.is_ok(), "{symbols:?}");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_request_canceled_while_queued_is_answered_request_canceled() {
    let (mut client, _) = Client::initialized(json!({"capabilities": {}}));
    // Hold the main loop so that the next request and its cancellation are
    // both queued when it gets to them.
    let sleeping = client.send_request("kubeLsp/testSleep", json!({"ms": 300}));
    let canceled = client.send_request("workspace/symbol", json!({"query": ""}));
    client.notify("$/cancelRequest", json!({"id": canceled.to_string().parse::<i32>().expect("numeric id")}));
    let kept = client.send_request("workspace/symbol", json!({"query": ""}));
    assert_eq!(client.response(&sleeping).expect("slept"), Value::Null);
    assert_eq!(client.response(&canceled).expect_err("canceled").code, REQUEST_CANCELED);
    assert_eq!(client.response(&kept).expect("symbols"), json!([]));
    // Canceling an answered request changes nothing.
    client.notify("$/cancelRequest", json!({"id": 1}));
    assert_eq!(client.request("workspace/symbol", json!({"query": ""})).expect("symbols"), json!([]));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Diagnostics.

#[test]
fn did_open_of_a_broken_pair_publishes_service_not_headless_on_both_objects() {
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    let uri = "untitled:redis.yaml";
    let text = broken_pair();
    client.open(uri, 7, &text);
    let published = client.diagnostics(uri, has_code("service-not-headless"));
    assert_eq!(published["version"], 7);
    let diagnostics = published["diagnostics"].as_array().expect("a list");
    assert_eq!(codes(diagnostics), ["service-not-headless", "service-not-headless"], "{diagnostics:#?}");
    for diagnostic in diagnostics {
        assert_eq!(diagnostic["source"], "kube-lsp");
        assert_eq!(diagnostic["severity"], 1);
        let href = diagnostic["codeDescription"]["href"].as_str().expect("a link");
        assert!(href.ends_with("#service-not-headless"), "{href}");
        assert_eq!(text_at(&text, &diagnostic["range"], Encoding::Utf16), "redis");
    }
    // One on the StatefulSet's `serviceName`, one on the Service's name.
    assert_eq!(
        diagnostics[0]["range"],
        range_of(&text, nth_offset(&text, "redis", 1), nth_offset(&text, "redis", 1) + 5, Encoding::Utf16)
    );
    let service_name = nth_offset(&text, "name: redis\nspec:\n  selector", 0) + "name: ".len();
    assert_eq!(diagnostics[1]["range"], range_of(&text, service_name, service_name + 5, Encoding::Utf16));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_clean_buffer_is_published_empty_once_per_version() {
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    let uri = "untitled:config.yaml";
    client.open(uri, 3, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");
    let published = client.diagnostics(uri, |diagnostics| diagnostics.is_empty());
    assert_eq!(published["version"], 3);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": "kind: ConfigMap\n"}]}),
    );
    let published = client.diagnostics(uri, |diagnostics| diagnostics.is_empty());
    assert_eq!(published["version"], 4);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn files_on_disk_are_read_at_startup_and_their_cross_file_findings_published() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("statefulset.yaml"), STATEFUL_SET).expect("write");
    std::fs::create_dir(folder.path().join("services")).expect("mkdir");
    std::fs::write(folder.path().join("services/redis.yml"), SERVICE).expect("write");
    std::fs::write(folder.path().join("notes.txt"), "not yaml").expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[folder.path()], Value::Null));
    let stateful_set_uri = file_uri(&folder.path().join("statefulset.yaml"));
    let service_uri = file_uri(&folder.path().join("services/redis.yml"));
    let published = client.diagnostics(&stateful_set_uri, has_code("service-not-headless"));
    assert_eq!(published["version"], Value::Null, "a disk file has no version");
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(text_at(STATEFUL_SET, &diagnostic["range"], Encoding::Utf8), "redis");
    if let Some(related) = diagnostic["relatedInformation"].as_array() {
        assert!(related.iter().all(|related| related["location"]["uri"].is_string()));
    }
    let published = client.diagnostics(&service_uri, has_code("service-not-headless"));
    assert_eq!(text_at(SERVICE, &published["diagnostics"][0]["range"], Encoding::Utf8), "redis");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn fixing_the_service_in_one_file_republishes_the_other_file_clean() {
    let folder = tempfile::tempdir().expect("temp dir");
    let stateful_set_path = folder.path().join("statefulset.yaml");
    let service_path = folder.path().join("service.yaml");
    std::fs::write(&stateful_set_path, STATEFUL_SET).expect("write");
    std::fs::write(&service_path, SERVICE).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[folder.path()], Value::Null));
    let stateful_set_uri = file_uri(&stateful_set_path);
    let service_uri = file_uri(&service_path);
    client.diagnostics(&stateful_set_uri, has_code("service-not-headless"));

    client.open(&service_uri, 1, SERVICE);
    client.diagnostics(&service_uri, has_code("service-not-headless"));
    // Insert `  clusterIP: None` as the first entry of `spec`.
    let at = position(SERVICE, nth_offset(SERVICE, "spec:\n", 0) + "spec:\n".len(), Encoding::Utf16);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": service_uri, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": "  clusterIP: None\n"}]
        }),
    );
    let published = client.diagnostics(&stateful_set_uri, is_clean);
    assert_eq!(published["version"], Value::Null);
    let published = client.diagnostics(&service_uri, is_clean);
    assert_eq!(published["version"], 2);

    // Closing the buffer brings back the disk copy, still broken.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": service_uri}}));
    client.diagnostics(&stateful_set_uri, has_code("service-not-headless"));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

/// The pair in flow style, with emoji and CJK text before the names on their
/// lines, so that every column there depends on the encoding.
const NON_ASCII_PAIR: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {annotations: {note: \"😀 中文 ✓\"}, name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: redis, image: redis}]}
---
apiVersion: v1
kind: Service
metadata: {annotations: {note: \"😀😀 日本語\"}, name: redis}
spec:
  selector: {app: redis}
";

fn incremental_edits_on_non_ascii_lines(encoding: Encoding) {
    let offered = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
    };
    let (mut client, result) = Client::initialized(initialize_params(&[offered], &[], Value::Null));
    assert_eq!(result["capabilities"]["positionEncoding"], offered);
    let uri = "untitled:non-ascii.yaml";
    let mut text = NON_ASCII_PAIR.to_owned();
    client.open(uri, 1, &text);
    let published = client.diagnostics(uri, has_code("service-not-headless"));
    for diagnostic in published["diagnostics"].as_array().expect("a list") {
        assert_eq!(text_at(&text, &diagnostic["range"], encoding), "redis", "{diagnostic}");
    }

    // Rename the Service, on its emoji line: the StatefulSet's Service is gone.
    let name = nth_offset(&text, "name: redis}\nspec:\n  selector", 0) + "name: ".len();
    let range = range_of(&text, name, name + "redis".len(), encoding);
    text.replace_range(name..name + "redis".len(), "cache");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": range, "text": "cache"}]}),
    );
    let published = client.diagnostics(uri, |diagnostics| codes(diagnostics) == ["service-not-found"]);
    assert_eq!(published["version"], 2);
    assert_eq!(text_at(&text, &published["diagnostics"][0]["range"], encoding), "redis");

    // Two changes in one notification, the second in the coordinates left by
    // the first: the name back, then `clusterIP: None` after the last line.
    let first = range_of(&text, name, name + "cache".len(), encoding);
    text.replace_range(name..name + "cache".len(), "redis");
    let end = position(&text, text.len(), encoding);
    text.push_str("  clusterIP: None\n");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [
                {"range": first, "text": "redis"},
                {"range": {"start": end, "end": end}, "text": "  clusterIP: None\n"}
            ]
        }),
    );
    let published = client.diagnostics(uri, is_clean);
    assert_eq!(published["version"], 3);

    // Replacing `None` by `none`, on the last line, brings a finding whose
    // range must land on the new text.
    let value = nth_offset(&text, "None", 0);
    let range = range_of(&text, value, value + 4, encoding);
    text.replace_range(value..value + 4, "none");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"range": range, "text": "none"}]}),
    );
    let published = client.diagnostics(uri, has_code("cluster-ip-invalid"));
    for diagnostic in published["diagnostics"].as_array().expect("a list") {
        let found = text_at(&text, &diagnostic["range"], encoding);
        assert!(["none", "redis"].contains(&found), "{found:?} for {diagnostic}");
    }
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn incremental_edits_on_non_ascii_lines_in_utf16() {
    incremental_edits_on_non_ascii_lines(Encoding::Utf16);
}

#[test]
fn incremental_edits_on_non_ascii_lines_in_utf8() {
    incremental_edits_on_non_ascii_lines(Encoding::Utf8);
}

#[test]
fn a_crlf_file_with_a_bom_on_disk_gets_ranges_without_the_bom() {
    let folder = tempfile::tempdir().expect("temp dir");
    let crlf_pair = broken_pair().replace('\n', "\r\n");
    let disk_path = folder.path().join("disk.yaml");
    // On disk, a BOM is not part of the text editors show.
    std::fs::write(&disk_path, format!("\u{FEFF}{crlf_pair}")).expect("write");
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let offered = if encoding == Encoding::Utf8 { "utf-8" } else { "utf-16" };
        let (mut client, _) = Client::initialized(initialize_params(&[offered], &[folder.path()], Value::Null));
        let published = client.diagnostics(&file_uri(&disk_path), has_code("service-not-headless"));
        assert_eq!(published["diagnostics"].as_array().map(Vec::len), Some(2));
        for diagnostic in published["diagnostics"].as_array().expect("a list") {
            assert_eq!(text_at(&crlf_pair, &diagnostic["range"], encoding), "redis");
        }
        assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
    }
}

#[test]
fn crlf_buffers_with_a_bom_take_incremental_edits() {
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let offered = if encoding == Encoding::Utf8 { "utf-8" } else { "utf-16" };
        let (mut client, _) = Client::initialized(initialize_params(&[offered], &[], Value::Null));
        // An open buffer whose text, as the client sent it, starts with a BOM
        // counts it as a character on the first line.
        let uri = "untitled:bom.yaml";
        let mut text = format!("\u{FEFF}{}", broken_pair().replace('\n', "\r\n"));
        client.open(uri, 1, &text);
        let published = client.diagnostics(uri, has_code("service-not-headless"));
        assert_eq!(published["diagnostics"].as_array().map(Vec::len), Some(2));
        for diagnostic in published["diagnostics"].as_array().expect("a list") {
            assert_eq!(text_at(&text, &diagnostic["range"], encoding), "redis");
        }
        // An edit on the first line, right after the BOM, then one that fixes
        // the Service on a CRLF line.
        let after_bom = position(&text, '\u{FEFF}'.len_utf8(), encoding);
        text.insert_str('\u{FEFF}'.len_utf8(), "# comment\r\n");
        let spec = nth_offset(&text, "spec:\r\n  selector:\r\n    app", 0) + "spec:\r\n".len();
        let at = position(&text, spec, encoding);
        text.insert_str(spec, "  clusterIP: None\r\n");
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {"range": {"start": after_bom, "end": after_bom}, "text": "# comment\r\n"},
                    {"range": {"start": at, "end": at}, "text": "  clusterIP: None\r\n"}
                ]
            }),
        );
        client.diagnostics(uri, is_clean);
        // Break the StatefulSet's name: the range must count the new line.
        let name = nth_offset(&text, "redis", 0);
        let range = range_of(&text, name, name + 5, encoding);
        text.replace_range(name..name + 5, "Redis_1");
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": range, "text": "Redis_1"}]}),
        );
        let published = client.diagnostics(uri, has_code("statefulset-name-invalid"));
        let diagnostic = published["diagnostics"]
            .as_array()
            .and_then(|diagnostics| {
                diagnostics.iter().find(|diagnostic| diagnostic["code"] == "statefulset-name-invalid")
            })
            .expect("the finding");
        assert_eq!(text_at(&text, &diagnostic["range"], encoding), "Redis_1");
        // A whole-text change that drops the BOM.
        let without_bom = text.trim_start_matches('\u{FEFF}').to_owned();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": without_bom}]}),
        );
        let published = client.diagnostics(uri, |diagnostics| {
            diagnostics.iter().all(|d| d["code"] != "service-not-headless") && !diagnostics.is_empty()
        });
        assert_eq!(published["version"], 4);
        let diagnostic = published["diagnostics"]
            .as_array()
            .and_then(|diagnostics| {
                diagnostics.iter().find(|diagnostic| diagnostic["code"] == "statefulset-name-invalid")
            })
            .expect("the finding");
        assert_eq!(text_at(&without_bom, &diagnostic["range"], encoding), "Redis_1");
        assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
    }
}

/// A file with the broken pair and a StatefulSet whose Service is missing.
fn pair_and_orphan() -> String {
    format!(
        "{}---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: orphan\nspec:\n  serviceName: nowhere\n  selector:\n    matchLabels: {{app: orphan}}\n  template:\n    metadata:\n      labels: {{app: orphan}}\n",
        broken_pair()
    )
}

#[test]
fn initialization_options_and_configuration_changes_change_the_diagnostics() {
    let options = json!({"kubeLsp": {"rules": {"service-not-headless": "off"}}});
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[], options));
    let uri = "untitled:config.yaml";
    client.open(uri, 1, &pair_and_orphan());
    let published = client.diagnostics(uri, |diagnostics| !diagnostics.is_empty());
    assert_eq!(codes(published["diagnostics"].as_array().expect("a list")), ["service-not-found"]);

    // Pushed settings re-level the rule.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"kubeLsp": {"rules": {"service-not-headless": "hint"}}}}),
    );
    let published = client.diagnostics(uri, has_code("service-not-headless"));
    let diagnostics = published["diagnostics"].as_array().expect("a list");
    let severities: Vec<(&str, i64)> = diagnostics
        .iter()
        .map(|diagnostic| (diagnostic["code"].as_str().unwrap_or(""), diagnostic["severity"].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(severities, [("service-not-headless", 4), ("service-not-headless", 4), ("service-not-found", 2)]);

    // Empty settings make the server pull them (the client supports it).
    client.configuration = json!({"rules": {"service-not-found": "off"}});
    client.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    let published = client.diagnostics(uri, |diagnostics| !has_code("service-not-found")(diagnostics));
    assert_eq!(
        codes(published["diagnostics"].as_array().expect("a list")),
        ["service-not-headless", "service-not-headless"]
    );
    assert!(client.server_requests.iter().any(
        |request| request.method == "workspace/configuration" && request.params["items"][0]["section"] == "kubeLsp"
    ));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

/// The severity of each diagnostic of `code` in a publication.
fn severities_of(published: &Value, code: &str) -> Vec<i64> {
    published["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|diagnostic| diagnostic["code"] == code)
        .filter_map(|diagnostic| diagnostic["severity"].as_i64())
        .collect()
}

#[test]
fn the_kubernetes_version_setting_changes_the_service_name_finding() {
    // A Service name with a leading digit: refused before 1.36, accepted by
    // default on 1.36 (beta) and always from 1.37 (GA).
    let text = broken_pair()
        .replace("redis", "1redis")
        .replace("  selector:\n    app: 1redis", "  clusterIP: None\n  selector:\n    app: 1redis");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[], json!({})));
    let uri = "untitled:version.yaml";
    client.open(uri, 1, &text);
    let published = client.diagnostics(uri, has_code("service-name-invalid"));
    assert_eq!(severities_of(&published, "service-name-invalid"), [2], "unset: a warning, as for 1.33");
    assert_eq!(codes(published["diagnostics"].as_array().expect("a list")), ["service-name-invalid"]);

    let configure = |client: &mut Client, version: Value| {
        client.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"kubeLsp": {"kubernetesVersion": version}}}),
        );
    };
    configure(&mut client, json!("v1.36.2"));
    let published = client.diagnostics(uri, |diagnostics| {
        diagnostics.iter().any(|diagnostic| diagnostic["code"] == "service-name-invalid" && diagnostic["severity"] == 3)
    });
    assert_eq!(severities_of(&published, "service-name-invalid"), [3], "information on 1.36");

    configure(&mut client, json!("1.37"));
    let published = client.diagnostics(uri, is_clean);
    assert_eq!(severities_of(&published, "service-name-invalid"), Vec::<i64>::new(), "none from 1.37");

    // A bad value is shown as a settings problem and leaves the version unset.
    configure(&mut client, json!("latest"));
    let message = client.notification("a warning", |notification| notification.method == "window/showMessage");
    let shown = message.params["message"].as_str().expect("a message");
    assert!(shown.contains("`kubernetesVersion` must be a Kubernetes release"), "{shown}");
    let published = client.diagnostics(uri, has_code("service-name-invalid"));
    assert_eq!(severities_of(&published, "service-name-invalid"), [2]);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn the_configuration_file_is_read_and_editor_settings_override_it() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        folder.path().join(".kube-lsp.yaml"),
        "rules:\n  service-not-headless: warning\n  service-not-found: off\n",
    )
    .expect("write");
    let options = json!({"service-not-found": "error"});
    let options = json!({"kubeLsp": {"rules": options}});
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[folder.path()], options));
    let uri = file_uri(&folder.path().join("open.yaml"));
    client.open(&uri, 1, &pair_and_orphan());
    let published = client.diagnostics(&uri, |diagnostics| !diagnostics.is_empty());
    let severities: Vec<(&str, i64)> = published["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|diagnostic| (diagnostic["code"].as_str().unwrap_or(""), diagnostic["severity"].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(severities, [("service-not-headless", 2), ("service-not-headless", 2), ("service-not-found", 1)]);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn invalid_settings_are_shown_as_a_warning_and_the_rest_applies() {
    let options = json!({"kubeLsp": {"rules": {"nope": "error", "service-not-headless": "off"}, "colour": "blue"}});
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[], options));
    let message = client.notification("a warning", |notification| notification.method == "window/showMessage");
    assert_eq!(message.params["type"], 2, "a warning");
    let text = message.params["message"].as_str().expect("a message");
    assert!(text.contains("unknown rule `nope`") && text.contains("unknown setting `colour`"), "{text}");
    let uri = "untitled:settings.yaml";
    client.open(uri, 1, &pair_and_orphan());
    let published = client.diagnostics(uri, |diagnostics| !diagnostics.is_empty());
    assert_eq!(codes(published["diagnostics"].as_array().expect("a list")), ["service-not-found"]);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Files changing on disk.

#[test]
fn watched_file_changes_reported_by_the_client_are_read() {
    let folder = tempfile::tempdir().expect("temp dir");
    let stateful_set_path = folder.path().join("statefulset.yaml");
    let service_path = folder.path().join("service.yaml");
    std::fs::write(&stateful_set_path, STATEFUL_SET).expect("write");
    let mut params = initialize_params(&["utf-8"], &[folder.path()], Value::Null);
    params["capabilities"]["workspace"]["didChangeWatchedFiles"] = json!({"dynamicRegistration": true});
    let (mut client, _) = Client::initialized(params);
    let stateful_set_uri = file_uri(&stateful_set_path);
    client.diagnostics(&stateful_set_uri, has_code("service-not-found"));
    let registration = client
        .server_requests
        .iter()
        .find(|request| request.method == "client/registerCapability")
        .expect("the server registers for watched files");
    assert_eq!(registration.params["registrations"][0]["method"], "workspace/didChangeWatchedFiles");

    std::fs::write(&service_path, SERVICE).expect("write");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": file_uri(&service_path), "type": 1}]}));
    client.diagnostics(&stateful_set_uri, has_code("service-not-headless"));

    std::fs::remove_file(&service_path).expect("remove");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": file_uri(&service_path), "type": 3}]}));
    client.diagnostics(&stateful_set_uri, has_code("service-not-found"));
    client.diagnostics(&file_uri(&service_path), is_clean);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn without_client_watching_the_server_watches_the_folders_itself() {
    let folder = tempfile::tempdir().expect("temp dir");
    let stateful_set_path = folder.path().join("statefulset.yaml");
    std::fs::write(&stateful_set_path, STATEFUL_SET).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[folder.path()], Value::Null));
    let stateful_set_uri = file_uri(&stateful_set_path);
    client.diagnostics(&stateful_set_uri, has_code("service-not-found"));
    assert!(client.server_requests.iter().all(|request| request.method != "client/registerCapability"));

    std::fs::create_dir(folder.path().join("services")).expect("mkdir");
    std::fs::write(folder.path().join("services/redis.yaml"), SERVICE).expect("write");
    client.diagnostics(&stateful_set_uri, has_code("service-not-headless"));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Requests.

#[test]
fn the_clusterip_quick_fix_makes_the_diagnostics_clean() {
    for document_changes in [true, false] {
        let mut params = initialize_params(&["utf-16"], &[], Value::Null);
        params["capabilities"]["workspace"]["workspaceEdit"]["documentChanges"] = json!(document_changes);
        let (mut client, _) = Client::initialized(params);
        let uri = "untitled:fix.yaml";
        let mut text = NON_ASCII_PAIR.to_owned();
        client.open(uri, 1, &text);
        let published = client.diagnostics(uri, has_code("service-not-headless"));
        let diagnostic = published["diagnostics"][0].clone();
        let actions = client
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": {"uri": uri},
                    "range": diagnostic["range"],
                    "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}
                }),
            )
            .expect("actions");
        let action = actions
            .as_array()
            .expect("a list")
            .iter()
            .find(|action| action["title"].as_str().is_some_and(|title| title.contains("clusterIP: None")))
            .unwrap_or_else(|| panic!("no `clusterIP: None` quick fix in {actions:#}"))
            .clone();
        assert_eq!(action["kind"], "quickfix");
        assert_eq!(action["diagnostics"][0]["code"], "service-not-headless");
        let edits: Vec<Value> = if document_changes {
            let change = &action["edit"]["documentChanges"][0];
            assert_eq!(change["textDocument"]["uri"], uri);
            assert_eq!(change["textDocument"]["version"], 1);
            change["edits"].as_array().expect("edits").clone()
        } else {
            action["edit"]["changes"][uri].as_array().expect("edits").clone()
        };
        text = apply_edits(&text, &edits, Encoding::Utf16);
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
        );
        client.diagnostics(uri, is_clean);

        // `only` without quick fixes gets none.
        let response = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [], "only": ["refactor"]}}),
        );
        assert_eq!(response.expect("no actions"), json!([]));
        assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
    }
}

#[test]
fn navigation_symbols_and_completion_requests_are_answered() {
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    let uri = "untitled:nav.yaml";
    let text = broken_pair();
    client.open(uri, 1, &text);
    let service_name = nth_offset(&text, "serviceName: redis", 0) + "serviceName: ".len() + 2;
    let at = position(&text, service_name, Encoding::Utf16);
    let text_document_position = json!({"textDocument": {"uri": uri}, "position": at});

    let symbols =
        client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).expect("symbols");
    let names: Vec<&str> =
        symbols.as_array().expect("a list").iter().filter_map(|symbol| symbol["name"].as_str()).collect();
    assert_eq!(names, ["StatefulSet/redis", "Service/redis"]);
    assert_eq!(symbols[0]["detail"], "default");

    let workspace_symbols = client.request("workspace/symbol", json!({"query": "svc"})).expect("symbols");
    assert_eq!(workspace_symbols[0]["name"], "Service/redis");
    assert_eq!(workspace_symbols[0]["location"]["uri"], uri);

    let hover = client.request("textDocument/hover", text_document_position.clone()).expect("a hover");
    assert_eq!(hover["contents"]["kind"], "markdown");
    let markdown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(markdown.contains("redis-0.redis.default.svc.cluster.local"), "{markdown}");
    assert_eq!(text_at(&text, &hover["range"], Encoding::Utf16), "redis");

    let service_name = nth_offset(&text, "name: redis\nspec:\n  selector", 0) + "name: ".len();
    let definition = client.request("textDocument/definition", text_document_position.clone()).expect("a definition");
    assert_eq!(definition[0]["uri"], uri);
    assert_eq!(definition[0]["range"], range_of(&text, service_name, service_name + 5, Encoding::Utf16));

    let on_service =
        json!({"textDocument": {"uri": uri}, "position": position(&text, service_name + 1, Encoding::Utf16)});
    let mut params = on_service.clone();
    params["context"] = json!({"includeDeclaration": false});
    let references = client.request("textDocument/references", params).expect("references");
    let referenced: Vec<&str> = references
        .as_array()
        .expect("a list")
        .iter()
        .map(|location| text_at(&text, &location["range"], Encoding::Utf16))
        .collect();
    assert_eq!(referenced, ["redis"]);
    let service_name_value = nth_offset(&text, "serviceName: redis", 0) + "serviceName: ".len();
    assert_eq!(references[0]["range"], range_of(&text, service_name_value, service_name_value + 5, Encoding::Utf16));

    let prepared = client.request("textDocument/prepareRename", on_service.clone()).expect("prepared");
    assert_eq!(prepared["placeholder"], "redis");
    let mut params = on_service.clone();
    params["newName"] = json!("cache");
    let rename = client.request("textDocument/rename", params).expect("a rename");
    let edits = edits_for(&rename, uri);
    let renamed = apply_edits(&text, &edits, Encoding::Utf16);
    assert_eq!(
        renamed,
        text.replace("name: redis\nspec:\n  selector", "name: cache\nspec:\n  selector")
            .replace("serviceName: redis", "serviceName: cache")
    );
    let mut params = on_service;
    params["newName"] = json!("Not_A_Name");
    let refused = client.request("textDocument/rename", params).expect_err("an invalid name");
    assert_eq!(refused.code, REQUEST_FAILED);

    let completion = client.request("textDocument/completion", text_document_position).expect("completions");
    let items = completion.as_array().expect("a list of items");
    let redis = items.iter().find(|item| item["label"] == "redis").expect("the Service is offered");
    assert_eq!(text_at(&text, &redis["textEdit"]["range"], Encoding::Utf16), "redis");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Folders.

#[test]
fn without_workspace_folders_the_folder_of_an_opened_file_is_read() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("service.yaml"), SERVICE).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[], Value::Null));
    let uri = file_uri(&folder.path().join("statefulset.yaml"));
    client.open(&uri, 1, STATEFUL_SET);
    let published = client.diagnostics(&uri, has_code("service-not-headless"));
    assert_eq!(published["version"], 1);
    client.diagnostics(&file_uri(&folder.path().join("service.yaml")), has_code("service-not-headless"));
    // Closing a file that is not on disk drops it and its findings.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    client.diagnostics(&uri, is_clean);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn workspace_folders_added_and_removed_are_read_and_dropped() {
    let apps = tempfile::tempdir().expect("temp dir");
    let services = tempfile::tempdir().expect("temp dir");
    std::fs::write(apps.path().join("statefulset.yaml"), STATEFUL_SET).expect("write");
    std::fs::write(services.path().join("service.yaml"), SERVICE).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&["utf-8"], &[apps.path()], Value::Null));
    let stateful_set_uri = file_uri(&apps.path().join("statefulset.yaml"));
    client.diagnostics(&stateful_set_uri, has_code("service-not-found"));
    let folder = json!({"uri": file_uri(services.path()), "name": "services"});
    client.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [folder], "removed": []}}));
    client.diagnostics(&stateful_set_uri, has_code("service-not-headless"));
    client.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [], "removed": [folder]}}));
    client.diagnostics(&stateful_set_uri, has_code("service-not-found"));
    client.diagnostics(&file_uri(&services.path().join("service.yaml")), is_clean);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn open_buffers_over_max_file_size_are_not_analysed() {
    let options = json!({"kubeLsp": {"maxFileSize": 2000}});
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[], options));
    let uri = "untitled:big.yaml";
    let small = broken_pair();
    let big = format!("{small}# {}\n", "x".repeat(3000));
    client.open(uri, 1, &big);
    // Shrinking it under the limit brings its findings...
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": small}]}),
    );
    let published = client.diagnostics(uri, has_code("service-not-headless"));
    assert_eq!(published["version"], 2);
    // ...and growing it over the limit, incrementally, takes them away.
    let grown = format!("{small}# {}\n", "y".repeat(3000));
    let end = position(&small, small.len(), Encoding::Utf16);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{"range": {"start": end, "end": end}, "text": &grown[small.len()..]}]
        }),
    );
    let published = client.diagnostics(uri, is_clean);
    assert_eq!(published["version"], 3);
    // An edit of the big text, back under the limit, applies to the text the
    // client has.
    let start = position(&grown, small.len(), Encoding::Utf16);
    let end = position(&grown, grown.len(), Encoding::Utf16);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"range": {"start": start, "end": end}, "text": ""}]}),
    );
    let published = client.diagnostics(uri, has_code("service-not-headless"));
    for diagnostic in published["diagnostics"].as_array().expect("a list") {
        assert_eq!(text_at(&small, &diagnostic["range"], Encoding::Utf16), "redis");
    }
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Inlay hints, code lens and highlights.

/// A client that can be asked to refresh its hints and lenses.
fn refreshing_params() -> Value {
    let mut params = initialize_params(&["utf-16"], &[], Value::Null);
    params["capabilities"]["workspace"]["inlayHint"] = json!({"refreshSupport": true});
    params["capabilities"]["workspace"]["codeLens"] = json!({"refreshSupport": true});
    params
}

/// Each hint as `text before it⟨label⟩`, the last word of the line up to it.
fn hints_of(text: &str, hints: &Value) -> Vec<String> {
    hints
        .as_array()
        .expect("a list of hints")
        .iter()
        .map(|hint| {
            let at = offset(text, &hint["position"], Encoding::Utf16);
            let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
            assert_eq!(hint["paddingLeft"], true, "{hint}");
            format!("{}⟨{}⟩", text[line_start..at].trim(), hint["label"].as_str().unwrap_or("?"))
        })
        .collect()
}

#[test]
fn inlay_hints_are_answered_for_the_range_and_switched_off_by_the_setting() {
    let (mut client, result) = Client::initialized(refreshing_params());
    assert_eq!(result["capabilities"]["inlayHintProvider"], true);
    let uri = "untitled:hints.yaml";
    let text = broken_pair();
    client.open(uri, 1, &text);
    let whole = range_of(&text, 0, text.len(), Encoding::Utf16);
    let hints = client.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": whole}));
    assert_eq!(
        hints_of(&text, &hints.expect("hints")),
        ["serviceName: redis⟨not headless⟩", "name: redis⟨governs redis⟩"]
    );

    // The Service's document alone: the StatefulSet's hint is outside.
    let service_start = nth_offset(&text, "---\n", 0) + 4;
    let service_only = range_of(&text, service_start, text.len(), Encoding::Utf16);
    let hints = client.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": service_only}));
    assert_eq!(hints_of(&text, &hints.expect("hints")), ["name: redis⟨governs redis⟩"]);

    // Making the Service headless changes the StatefulSet's hint.
    let fixed = text.replace(
        "spec:\n  selector:\n    app: redis\n  ports",
        "spec:\n  clusterIP: None\n  selector:\n    app: redis\n  ports",
    );
    assert_ne!(fixed, text);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let whole = range_of(&fixed, 0, fixed.len(), Encoding::Utf16);
    let hints = client.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": whole}));
    assert_eq!(
        hints_of(&fixed, &hints.expect("hints")),
        ["serviceName: redis⟨headless · redis-0…redis-2⟩", "name: redis⟨governs redis⟩"]
    );

    client.notify("workspace/didChangeConfiguration", json!({"settings": {"kubeLsp": {"inlayHints": false}}}));
    let hints = client.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": whole}));
    assert_eq!(hints.expect("an answer"), Value::Null);
    // The client is asked to drop the hints it shows.
    assert!(client.server_requests.iter().any(|request| request.method == "workspace/inlayHint/refresh"));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn code_lenses_resolve_to_the_references_view_and_are_switched_off_by_the_setting() {
    let (mut client, result) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    assert_eq!(result["capabilities"]["codeLensProvider"]["resolveProvider"], true);
    let uri = "untitled:lens.yaml";
    let text = broken_pair();
    client.open(uri, 1, &text);
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).expect("lenses");
    let lenses = lenses.as_array().expect("a list of lenses").clone();
    let named: Vec<&str> = lenses.iter().map(|lens| text_at(&text, &lens["range"], Encoding::Utf16)).collect();
    assert_eq!(named, ["redis", "redis"]);
    assert!(lenses.iter().all(|lens| lens["command"].is_null()), "resolved later: {lenses:?}");

    let service_name_value = nth_offset(&text, "serviceName: redis", 0) + "serviceName: ".len();
    let service_name = nth_offset(&text, "name: redis\nspec:\n  selector", 0) + "name: ".len();
    let expected_targets = [
        range_of(&text, service_name, service_name + 5, Encoding::Utf16),
        range_of(&text, service_name_value, service_name_value + 5, Encoding::Utf16),
    ];
    for (lens, target) in lenses.iter().zip(expected_targets) {
        let resolved = client.request("codeLens/resolve", lens.clone()).expect("a resolved lens");
        let command = &resolved["command"];
        assert_eq!(command["title"], "1 reference", "{resolved}");
        assert_eq!(command["command"], "editor.action.showReferences");
        assert_eq!(command["arguments"][0], uri);
        assert_eq!(command["arguments"][1], lens["range"]["start"]);
        assert_eq!(command["arguments"][2], json!([{"uri": uri, "range": target}]));
    }
    let stale = client.request("codeLens/resolve", json!({"range": lenses[0]["range"], "data": 999_999}));
    assert_eq!(stale.expect_err("no such file").code, REQUEST_FAILED);

    client.notify("workspace/didChangeConfiguration", json!({"settings": {"kubeLsp": {"codeLens": false}}}));
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    assert_eq!(lenses.expect("an answer"), Value::Null);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

/// The list is kept until the workspace changes (`lsp::lens_lists`): an
/// edit, or a setting, gives a new one.
#[test]
fn the_code_lens_list_follows_every_change() {
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    let uri = "untitled:lens.yaml";
    let text = broken_pair();
    client.open(uri, 1, &text);
    let lines = |client: &mut Client| -> Vec<Value> {
        let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).expect("lenses");
        lenses.as_array().expect("a list of lenses").iter().map(|lens| lens["range"]["start"]["line"].clone()).collect()
    };
    assert_eq!(lines(&mut client), [json!(3), json!(25)]);
    assert_eq!(lines(&mut client), [json!(3), json!(25)], "asked again");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": format!("# one\n# two\n{text}")}]}),
    );
    assert_eq!(lines(&mut client), [json!(5), json!(27)], "after an edit");
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"kubeLsp": {"codeLens": false}}}));
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    assert_eq!(lenses.expect("an answer"), Value::Null, "switched off");
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"kubeLsp": {"codeLens": true}}}));
    assert_eq!(lines(&mut client), [json!(5), json!(27)], "switched on again");
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn document_highlight_marks_the_service_and_the_service_names_naming_it() {
    let (mut client, result) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    assert_eq!(result["capabilities"]["documentHighlightProvider"], true);
    let uri = "untitled:highlight.yaml";
    let text = broken_pair();
    client.open(uri, 1, &text);
    let service_name_value = nth_offset(&text, "serviceName: redis", 0) + "serviceName: ".len();
    let service_name = nth_offset(&text, "name: redis\nspec:\n  selector", 0) + "name: ".len();
    let expected = json!([
        {"range": range_of(&text, service_name_value, service_name_value + 5, Encoding::Utf16), "kind": 2},
        {"range": range_of(&text, service_name, service_name + 5, Encoding::Utf16), "kind": 3},
    ]);
    for at in [service_name_value + 2, service_name + 2] {
        let params = json!({"textDocument": {"uri": uri}, "position": position(&text, at, Encoding::Utf16)});
        assert_eq!(client.request("textDocument/documentHighlight", params).expect("highlights"), expected);
    }
    // The `redis` of the container's image names no tie.
    let image = nth_offset(&text, "image: redis", 0) + "image: ".len() + 1;
    let params = json!({"textDocument": {"uri": uri}, "position": position(&text, image, Encoding::Utf16)});
    assert_eq!(client.request("textDocument/documentHighlight", params).expect("an answer"), json!([]));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Volume claims.

#[test]
fn volume_claims_hover_and_definition_over_the_protocol() {
    let (mut client, _) = Client::initialized(initialize_params(&["utf-16"], &[], Value::Null));
    let set_uri = "untitled:claims-set.yaml";
    let set = STATEFUL_SET.to_owned()
        + "  volumeClaimTemplates:\n    - metadata:\n        name: data # données\n      spec: {accessModes: [ReadWriteOnce]}\n";
    client.open(set_uri, 1, &set);
    let claim_uri = "untitled:claims-pv.yaml";
    let claim = "# Volume réservé\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-é}\nspec:\n  claimRef: {name: data-redis-1, namespace: default}\n";
    client.open(claim_uri, 1, claim);

    let template = nth_offset(&set, "name: data", 0) + "name: ".len();
    let on_template =
        json!({"textDocument": {"uri": set_uri}, "position": position(&set, template + 1, Encoding::Utf16)});
    let hover = client.request("textDocument/hover", on_template).expect("a hover");
    let markdown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(markdown.contains("- `data-redis-0`\n- `data-redis-1`\n- `data-redis-2`"), "{markdown}");
    assert_eq!(text_at(&set, &hover["range"], Encoding::Utf16), "data");

    let claim_name = nth_offset(claim, "data-redis-1", 0);
    let on_claim =
        json!({"textDocument": {"uri": claim_uri}, "position": position(claim, claim_name + 3, Encoding::Utf16)});
    let definition = client.request("textDocument/definition", on_claim).expect("a definition");
    assert_eq!(definition[0]["uri"], set_uri);
    assert_eq!(definition[0]["range"], range_of(&set, template, template + 4, Encoding::Utf16));
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}
