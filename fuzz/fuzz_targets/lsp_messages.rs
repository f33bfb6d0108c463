//! Any bytes as the server's stdin: read as the stdio transport reads them
//! (junk, bad headers and bad JSON skipped), then served, after a real
//! `initialize`, by a server on an in-memory connection. A handler's panic is
//! caught by the server, but libFuzzer's panic hook aborts first, so it is
//! found all the same.
//!
//! Messages that name `file:` URIs or change the workspace folders are left
//! out: they would have the server walk the fuzzing machine's disk.

#![no_main]

use kube_lsp::api::lsp::{read_messages_from, serve, Options};
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

fuzz_target!(|bytes: &[u8]| {
    let (server_side, client_side) = Connection::memory();
    let send = |message: Message| client_side.sender.send(message).expect("the server's channel is open");
    // A client that watches files itself, so that the server starts no
    // watcher of its own on every run.
    let encoding = if bytes.first().is_some_and(|byte| byte % 2 == 0) { "utf-8" } else { "utf-16" };
    let initialize = json!({"processId": null, "rootUri": null, "capabilities": {
        "general": {"positionEncodings": [encoding]},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
    }});
    send(Request::new(RequestId::from(0), "initialize".to_owned(), initialize).into());
    send(Notification::new("initialized".to_owned(), json!({})).into());
    for message in read_messages_from(bytes) {
        let text = serde_json::to_string(&message).unwrap_or_default();
        if text.contains("file:") || text.contains("workspace/didChangeWorkspaceFolders") {
            continue;
        }
        send(message);
    }
    send(Request::new(RequestId::from(i32::MAX), "shutdown".to_owned(), json!(null)).into());
    send(Notification::new("exit".to_owned(), json!(null)).into());
    drop(client_side.sender);
    let _ = serve(server_side, Options::default());
});
