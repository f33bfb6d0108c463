//! The protocol under hostile and heavy input: bytes that are not JSON-RPC,
//! wrong `Content-Length`s, unknown methods, requests before `initialize` and
//! after `shutdown` (over stdio with the real binary); random messages with
//! random params (in memory); the stdin framing under any bytes; and a storm
//! of ten thousand incremental edits with random ranges and non-ASCII text,
//! after which the server's text must equal the client's and its
//! diagnostics those of a fresh open. Each ends with a correct hover.
//!
//! Budget: the storm is 4 runs of 10,000 edits (sent in batches of 1 to 24
//! changes per `didChange`, as a fast typist's editor does), each compared
//! with a fresh server at every quarter: under a second each in a debug
//! build. The rest is well under a second each. `PROPTEST_CASES=200` runs
//! deeper.

use crate::support;

use std::time::Instant;

use kube_lsp::api::lsp::{read_messages_from, Exit};
use lsp_server::Message;
use proptest::prelude::*;
use serde_json::{json, Value};
use support::stdio::StdioServer;
use support::{
    initialize_params, line_starts, position, position_with, Client, Rng, GOOD_PAIR, INVALID_PARAMS, INVALID_REQUEST,
    METHOD_NOT_FOUND, POD_DNS_NAME, SERVER_NOT_INITIALIZED,
};

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Random bytes that hold no `Content-Length` header, ending a line.
fn junk(rng: &mut Rng, len: usize) -> Vec<u8> {
    loop {
        let mut bytes = rng.bytes(len);
        bytes.extend_from_slice(b"\r\n");
        if !String::from_utf8_lossy(&bytes).to_ascii_lowercase().contains("content-length") {
            return bytes;
        }
    }
}

// Over stdio, with the real binary.

fn hover_params(line: usize, character: usize) -> Value {
    json!({"textDocument": {"uri": "untitled:good.yaml"}, "position": {"line": line, "character": character}})
}

#[test]
fn hostile_bytes_over_stdio_then_a_correct_hover() {
    let mut rng = Rng::new(0x5EED_1001);
    let mut server = StdioServer::spawn("info");
    let service_name = GOOD_PAIR.find("serviceName: redis").expect("serviceName") + "serviceName: re".len();
    let at = position(GOOD_PAIR, service_name);
    let (line, character) = (at["line"].as_u64().unwrap_or(0) as usize, at["character"].as_u64().unwrap_or(0) as usize);

    // Before `initialize`: junk, then a request that must be refused.
    server.write_raw(&junk(&mut rng, 3000));
    server.send(
        json!({"jsonrpc": "2.0", "id": 100, "method": "textDocument/hover", "params": hover_params(line, character)}),
    );
    // Bad JSON, a body shorter than its length says (it runs into the next
    // header), lengths that are no numbers, a JSON object that is no message.
    server.write_raw(&frame("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\""));
    let short = r#"{"jsonrpc":"2.0","id":101,"method":"initialize","params":{}}"#;
    server.write_raw(format!("Content-Length: {}\r\n\r\n{short}", short.len() - 7).as_bytes());
    server.write_raw(b"Content-Length: 99999999999999999999999999\r\n\r\nContent-Length: -5\r\n\r\n");
    server.send(json!({"jsonrpc": "2.0", "id": 102, "params": [1, 2]}));
    server.write_raw(&junk(&mut rng, 500));

    server.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "id": 103, "method": "kubeLsp/noSuchRequest", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "method": "kubeLsp/noSuchNotification", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "id": 104, "method": "textDocument/hover", "params": {"textDocument": 5}}));
    server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "untitled:good.yaml", "languageId": "yaml", "version": 1, "text": GOOD_PAIR}}}));
    // A length longer than its body: the body swallows the start of the
    // next message, which is lost; reading resumes at the header after it.
    let sacrifice = json!({"jsonrpc": "2.0", "method": "$/sacrifice"}).to_string();
    let swallowed = frame(&json!({"jsonrpc": "2.0", "id": 105, "method": "shutdown"}).to_string());
    server
        .write_raw(format!("Content-Length: {}\r\n\r\n{sacrifice}", sacrifice.len() + swallowed.len() / 2).as_bytes());
    server.write_raw(&swallowed);
    server.write_raw(&junk(&mut rng, 2000));

    server.send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": hover_params(line, character)}),
    );
    server.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    server.send(
        json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": hover_params(line, character)}),
    );
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));

    assert_eq!(server.response(100)["error"]["code"], SERVER_NOT_INITIALIZED);
    assert_eq!(server.response(102)["error"]["code"], INVALID_REQUEST);
    assert_eq!(server.response(103)["error"]["code"], METHOD_NOT_FOUND);
    assert_eq!(server.response(104)["error"]["code"], INVALID_PARAMS);
    let hover = server.response(2);
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("a hover card: {hover}"));
    assert!(markdown.contains(POD_DNS_NAME) && markdown.contains("Link: healthy"), "{markdown}");
    assert_eq!(server.response(3)["result"], Value::Null);
    assert_eq!(server.response(4)["error"]["code"], INVALID_REQUEST);
    let seen = server.seen.clone();
    server.close_stdin();
    let (status, framing, stderr) = server.finish();
    assert!(framing.is_ok(), "stdout holds only JSON-RPC: {framing:?}; stderr:\n{stderr}");
    assert_eq!(status.code(), Some(0), "exit after shutdown; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for lost in [7, 101, 105] {
        assert!(!seen.iter().any(|message| message["id"] == lost), "request {lost} was not whole: {seen:#?}");
    }
}

// The stdin framing, in process.

fn request_text(id: u32) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "workspace/symbol", "params": {"query": "é😀"}}).to_string()
}

fn ids(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .map(|message| match message {
            Message::Request(request) => request.id.to_string(),
            Message::Notification(notification) => notification.method.clone(),
            Message::Response(response) => response.id.to_string(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(256), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any bytes at all: read without a panic or a hang.
    #[test]
    fn the_framing_reads_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_messages_from(&bytes);
        let mut framed = b"Content-Length: 10\r\n\r\n".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = read_messages_from(&framed);
    }

    /// Good messages between junk (that holds no header and ends its line)
    /// are all read, in order.
    #[test]
    fn the_framing_recovers_after_junk(junks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..600), 1..6)) {
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for (id, junk) in junks.iter().enumerate() {
            if String::from_utf8_lossy(junk).to_ascii_lowercase().contains("content-length") {
                continue;
            }
            stream.extend_from_slice(junk);
            stream.extend_from_slice(b"\r\n");
            stream.extend_from_slice(&frame(&request_text(id as u32)));
            expected.push(id.to_string());
        }
        prop_assert_eq!(ids(&read_messages_from(&stream)), expected);
    }

    /// A valid stream with bytes flipped, inserted or cut: read without a
    /// panic.
    #[test]
    fn the_framing_takes_a_mutated_stream(cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8)) {
        let mut stream = Vec::new();
        for id in 0..6 {
            stream.extend_from_slice(&frame(&request_text(id)));
        }
        for (at, byte, kind) in cuts {
            let at = at.index(stream.len());
            match kind {
                0 => stream[at] ^= byte | 1,
                1 => stream.insert(at, byte),
                _ => { stream.remove(at); }
            }
        }
        // Single bytes cannot make a header: no more messages than frames.
        prop_assert!(read_messages_from(&stream).len() <= 6);
    }
}

// Random messages, in memory.

/// URIs, methods and keys the random messages draw from. No `file:` URI of a
/// real folder: a message may not make the server walk the disk.
const URIS: &[&str] =
    &["untitled:a.yaml", "untitled:b.yaml", "file:///kube-lsp-fuzz-nowhere/c.yaml", "untitled:", "x:"];
const METHODS: &[&str] = &[
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "textDocument/hover",
    "textDocument/codeAction",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/rename",
    "textDocument/prepareRename",
    "textDocument/documentSymbol",
    "workspace/symbol",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWatchedFiles",
    "workspace/executeCommand",
    "$/cancelRequest",
    "$/setTrace",
    "initialize",
    "initialized",
    "kubeLsp/noSuchThing",
    "",
];
const KEYS: &[&str] = &[
    "textDocument",
    "uri",
    "text",
    "version",
    "languageId",
    "position",
    "line",
    "character",
    "range",
    "start",
    "end",
    "contentChanges",
    "context",
    "diagnostics",
    "only",
    "newName",
    "query",
    "settings",
    "kubeLsp",
    "maxFileSize",
    "rules",
    "clusterDomain",
    "defaultNamespace",
    "exclude",
    "kubernetesVersion",
    "changes",
    "type",
    "id",
    "includeDeclaration",
];
const TEXTS: &[&str] = &[
    "",
    "é",
    "😀",
    "\r\n",
    "{",
    "[[[[",
    "kind: StatefulSet\nmetadata: {name: a}\nspec: {serviceName: b}\n",
    "---\n",
    "&a [*a, *a]",
    "yaml-syntax",
    "off",
    "error",
    "**/*",
    "[",
    "\u{0}",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![Just(0i64), Just(-1), Just(i64::MAX), Just(u32::MAX as i64), 0..50i64].prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(URIS).prop_map(Value::from),
        prop::sample::select(TEXTS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|entries| {
                Value::Object(entries.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
            }),
        ]
    })
}

/// A message: a request (true) or a notification, a method, params.
fn message() -> impl Strategy<Value = (bool, &'static str, Value)> {
    (any::<bool>(), prop::sample::select(METHODS), json_value())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(24), failure_persistence: None, ..ProptestConfig::default() })]

    /// Every request gets an answer that is not an internal error (no
    /// handler panicked), and afterwards a hover is right.
    #[test]
    fn random_messages_then_a_correct_hover(messages in prop::collection::vec(message(), 1..60)) {
        let (mut client, _) = Client::initialized(initialize_params(&[], Value::Null));
        let mut requests = Vec::new();
        for (is_request, method, params) in messages {
            if is_request {
                requests.push((client.send_request(method, params.clone()), method, params));
            } else {
                client.notify(method, params);
            }
        }
        for (id, method, params) in requests {
            let answer = client.response(&id);
            if let Err(error) = &answer {
                prop_assert_ne!(error.code, -32603, "`{}` with {} panicked: {}", method, params, error.message);
            }
        }
        // Settings back to the defaults, then the good pair.
        client.notify("workspace/didChangeConfiguration", json!({"settings": {"kubeLsp": {}}}));
        client.open("untitled:good.yaml", 1, GOOD_PAIR);
        client.assert_hover_works("untitled:good.yaml");
        prop_assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
    }
}

// The edit storm.

/// What the storm types: single characters of every UTF-8 length and UTF-16
/// width, the three line breaks, and pieces of manifests so that the text
/// keeps meaning something to the checks.
const TYPED: &[&str] = &[
    "a",
    "é",
    "中",
    "😀",
    "\r\n",
    "\n",
    "\r",
    " ",
    "  ",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "#",
    "redis",
    "None",
    "serviceName: redis",
    "clusterIP: None",
    "kind: Service",
    "\n---\n",
    "name: é😀",
];

/// A text's char boundaries at which an LSP position can point: not between
/// `\r` and `\n`.
fn is_position(text: &str, offset: usize) -> bool {
    text.is_char_boundary(offset)
        && !(offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n'))
}

fn random_position(text: &str, rng: &mut Rng) -> usize {
    let mut offset = rng.below(text.len() + 1);
    while !is_position(text, offset) {
        offset -= 1;
    }
    offset
}

/// Whole documents the storm pastes at line starts, so that the text keeps
/// objects (and findings) between the typing that breaks them.
const PASTED: &[&str] = &[
    "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web, namespace: é}\nspec: {serviceName: web-hs, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}}}\n",
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: web-hs, namespace: é}\nspec: {clusterIP: none, selector: {app: 中}}\n",
    "---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: redis\r\nspec:\r\n  type: NodePort\r\n",
];

/// One random change on the client's copy: its LSP form (UTF-16), applied.
fn random_change(text: &mut String, rng: &mut Rng) -> Value {
    if rng.chance(4) && text.len() < 6000 {
        // A paste at the start of a line.
        let starts = line_starts(text);
        let at = *rng.pick(&starts);
        let pasted = if rng.chance(50) {
            rng.pick(PASTED).to_string()
        } else {
            let lines: Vec<&str> = GOOD_PAIR.split_inclusive('\n').collect();
            rng.pick(&lines).to_string()
        };
        let range = json!({"start": position_with(text, &starts, at), "end": position_with(text, &starts, at)});
        text.insert_str(at, &pasted);
        return json!({"range": range, "text": pasted});
    }
    let start = random_position(text, rng);
    // Mostly short ranges; long deletions keep the text from growing.
    let reach = if text.len() > 6000 || rng.chance(5) { 400 } else { 12 };
    let mut end = (start + rng.below(reach)).min(text.len());
    while !is_position(text, end) {
        end -= 1;
    }
    let inserted: String = if text.len() > 6000 && rng.chance(70) {
        String::new()
    } else {
        (0..rng.below(4)).map(|_| *rng.pick(TYPED)).collect()
    };
    let starts = line_starts(text);
    let range = json!({"start": position_with(text, &starts, start), "end": position_with(text, &starts, end)});
    text.replace_range(start..end, &inserted);
    json!({"range": range, "text": inserted})
}

/// The diagnostics of `version` of `uri`, once the server has settled. The
/// server publishes for a new version of a file with findings, and for one
/// whose findings changed; so a file clean now, and clean before, gets no
/// publication. To know that nothing more is coming, a marker file with a
/// finding is opened: once its diagnostics are here and a request after
/// them is answered, every publication before them is here too. (Each call
/// on one server needs a new `marker_version`: the marker's findings are
/// published again only for a new version.)
fn settled_diagnostics(client: &mut Client, uri: &str, version: i32, marker_version: i32) -> Value {
    let marker = "untitled:zz-marker.yaml";
    client.open(
        marker,
        marker_version,
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: zz-marker}\nspec: {serviceName: zz-marker-nowhere}\n",
    );
    client.diagnostics(marker, |diagnostics| diagnostics.iter().any(|d| d["code"] == "service-not-found"));
    let _ = client.server_text(marker);
    client
        .notifications
        .iter()
        .rev()
        .find(|notification| {
            notification.method == "textDocument/publishDiagnostics"
                && notification.params["uri"] == uri
                && notification.params["version"] == version
        })
        .map_or(json!([]), |notification| notification.params["diagnostics"].clone())
}

fn storm(seed: u64, bom: bool, edits: usize) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let uri = "untitled:storm.yaml";
    let initial = format!(
        "{}{GOOD_PAIR}---\n# 中文 ✓ 😀\r\napiVersion: apps/v1\r\nkind: StatefulSet\r\nmetadata: {{name: é}}\r\nspec: {{serviceName: missing}}\r\n",
        if bom { "\u{FEFF}" } else { "" }
    );
    let (mut client, _) = Client::initialized(initialize_params(&[], Value::Null));
    client.open(uri, 1, &initial);
    let mut text = initial;
    let mut rng = Rng::new(seed);
    let mut version = 1;
    let mut sent = 0;
    let mut checkpoints = 0;
    let mut diagnostics_seen = 0;
    while sent < edits {
        let batch = (1 + rng.below(24)).min(edits - sent);
        let changes: Vec<Value> = (0..batch).map(|_| random_change(&mut text, &mut rng)).collect();
        sent += batch;
        version += 1;
        if version % 64 == 0 {
            // Keep the client's inbox small, before (never after) a change
            // whose diagnostics are awaited below.
            client.drain();
        }
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        // At each quarter of the storm and at its end: the same text, and
        // the diagnostics a fresh server finds in it.
        if sent * 4 >= edits * (checkpoints + 1) {
            checkpoints += 1;
            prop_assert_eq!(client.server_text(uri), Some(text.clone()), "seed {:#x}", seed);
            let stormed = settled_diagnostics(&mut client, uri, version, checkpoints as i32);
            let (mut fresh, _) = Client::initialized(initialize_params(&[], Value::Null));
            fresh.open(uri, 1, &text);
            prop_assert_eq!(&stormed, &settled_diagnostics(&mut fresh, uri, 1, 1), "seed {:#x}", seed);
            prop_assert_eq!(fresh.shutdown_and_exit(), Exit::AfterShutdown);
            diagnostics_seen += stormed.as_array().map_or(0, Vec::len);
        }
    }
    prop_assert_eq!(checkpoints, 4);

    // The storm's text may hold another Service `redis`: closed first.
    client.close(uri);
    client.open("untitled:good.yaml", 1, GOOD_PAIR);
    client.assert_hover_works("untitled:good.yaml");
    prop_assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
    eprintln!(
        "storm of {edits} edits ({version} didChange, seed {seed:#x}, bom {bom}, {diagnostics_seen} diagnostics compared): {:?}",
        started.elapsed()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(4), max_shrink_iters: 0, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_storm_of_ten_thousand_incremental_edits(seed in any::<u64>(), bom in any::<bool>()) {
        storm(seed, bom, 10_000)?;
    }
}
