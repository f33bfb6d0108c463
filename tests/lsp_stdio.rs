//! The real binary over stdio, as an editor runs it: a whole session, and
//! malformed input. Stdout must hold nothing but well-framed JSON-RPC; the
//! process must never panic and must exit with the code the protocol asks.
//!
//! Every wait is bounded, so a bug fails a test instead of hanging the suite.

use std::io::{BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(10);

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

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// The stdout reader: `Err` with what was wrong if stdout held anything
    /// but framed JSON-RPC.
    stdout: Option<JoinHandle<Result<usize, String>>>,
    stderr: Option<JoinHandle<String>>,
    /// Messages already taken off `messages`.
    seen: Vec<Value>,
}

impl Server {
    fn spawn() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kube-lsp"))
            .env("KUBE_LSP_LOG", "debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (sender, messages) = mpsc::channel();
        let stdout = std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(&mut stdout);
            let mut count = 0;
            while let Some(message) = read_frame(&mut reader)? {
                count += 1;
                // The test may have stopped listening; the framing verdict
                // still stands.
                let _ = sender.send(message);
            }
            Ok(count)
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Server { child, stdin, messages, stdout: Some(stdout), stderr: Some(stderr), seen: Vec::new() }
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.write_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next message that `matches`; the others are kept for `finish`.
    fn wait(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(remaining) {
                Ok(message) if matches(&message) => {
                    self.seen.push(message.clone());
                    return message;
                }
                Ok(message) => self.seen.push(message),
                Err(_) => panic!("no {what} within {TIMEOUT:?}; got {:#?}", self.seen),
            }
        }
    }

    /// Waits for the process to end; returns its status, stdout's framing
    /// verdict with every message, and stderr.
    fn finish(mut self) -> (ExitStatus, Result<Vec<Value>, String>, String) {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the server did not exit within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let framing = self.stdout.take().expect("joined once").join().expect("reader does not panic");
        let stderr = self.stderr.take().expect("joined once").join().expect("reader does not panic");
        let mut seen = std::mem::take(&mut self.seen);
        seen.extend(self.messages.try_iter());
        let messages = framing.map(|_| seen);
        (status, messages, stderr)
    }
}

/// The next message on stdout, `None` at its end; an error for anything
/// but exactly `Content-Length: N\r\n\r\n` and N bytes of a JSON-RPC 2.0
/// object.
fn read_frame(reader: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut header = String::new();
    if reader.read_line(&mut header).map_err(|error| error.to_string())? == 0 {
        return Ok(None);
    }
    let length: usize = header
        .strip_prefix("Content-Length: ")
        .and_then(|rest| rest.strip_suffix("\r\n"))
        .and_then(|length| length.parse().ok())
        .ok_or_else(|| format!("bad header {header:?}"))?;
    let mut blank = String::new();
    reader.read_line(&mut blank).map_err(|error| error.to_string())?;
    if blank != "\r\n" {
        return Err(format!("no blank line after the header: {blank:?}"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|error| format!("truncated body: {error}"))?;
    let message: Value = serde_json::from_slice(&body).map_err(|error| format!("bad JSON: {error}"))?;
    if message["jsonrpc"] != "2.0" {
        return Err(format!("not JSON-RPC 2.0: {message}"));
    }
    Ok(Some(message))
}

fn initialize(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}})
}

#[test]
fn a_full_session_over_stdio_writes_only_json_rpc_and_exits_0() {
    let mut server = Server::spawn();
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

#[test]
fn malformed_input_is_skipped_and_the_server_still_answers() {
    let mut server = Server::spawn();
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
    let mut server = Server::spawn();
    server.send(initialize(1));
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let (status, messages, stderr) = server.finish();
    assert!(messages.is_ok(), "stdout is not pure JSON-RPC: {messages:?}");
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");

    let mut server = Server::spawn();
    server.send(initialize(1));
    server.close_stdin();
    let (status, messages, stderr) = server.finish();
    assert!(messages.is_ok(), "stdout is not pure JSON-RPC: {messages:?}");
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
}
