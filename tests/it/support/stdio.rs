//! The real binary over stdio, as an editor runs it: a client that writes
//! raw bytes or framed messages, and a reader that fails on anything on
//! stdout but well-framed JSON-RPC. Every wait is bounded.
//!
//! Shared by the integration tests and `benches/lsp.rs` (through `#[path]`):
//! each message is stamped with the instant the reader took its last byte
//! off stdout (before parsing it), so a benchmark times what the editor
//! would see, not when it looked, nor how fast this client parses.

// The tests and the benchmark each use a part of this client.
#![allow(dead_code)]

use std::io::{BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any one wait may take by default: a stalled server fails the
/// test (or the benchmark) instead of hanging it.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The client's own request ids start here, far from the small ids tests
/// write by hand.
const FIRST_ID: i64 = 1_000_000;

/// What the client answers to a request from the server: its method and
/// params → the result.
pub type Responder = Box<dyn FnMut(&str, &Value) -> Value>;

pub struct StdioServer {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<(Instant, Value)>,
    /// The stdout reader: `Err` with what was wrong if stdout held anything
    /// but framed JSON-RPC.
    stdout: Option<JoinHandle<Result<usize, String>>>,
    stderr: Option<JoinHandle<String>>,
    /// Messages already taken off `messages`.
    pub seen: Vec<Value>,
    /// When each message of `seen` came off stdout.
    arrived: Vec<Instant>,
    timeout: Duration,
    next_id: i64,
    /// Answers the server's requests on the way when set; otherwise they are
    /// only kept in `seen`, for a test to look at.
    responder: Option<Responder>,
}

/// A message and the instant it came off stdout.
#[derive(Clone, Debug)]
pub struct Received {
    pub message: Value,
    pub at: Instant,
}

impl StdioServer {
    /// Starts the real binary with logs at `log_level` on stderr.
    pub fn spawn(log_level: &str) -> StdioServer {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kube-lsp"));
        command.env("KUBE_LSP_LOG", log_level);
        StdioServer::spawn_command(command)
    }

    /// Starts any language server that speaks over stdio (the benchmark
    /// runs another server this way).
    pub fn spawn_command(mut command: Command) -> StdioServer {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (sender, messages) = mpsc::channel();
        let stdout = std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(&mut stdout);
            let mut count = 0;
            while let Some((at, message)) = read_stamped_frame(&mut reader)? {
                count += 1;
                // The test may have stopped listening; the framing verdict
                // still stands.
                let _ = sender.send((at, message));
            }
            Ok(count)
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        StdioServer {
            child,
            stdin,
            messages,
            stdout: Some(stdout),
            stderr: Some(stderr),
            seen: Vec::new(),
            arrived: Vec::new(),
            timeout: TIMEOUT,
            next_id: FIRST_ID,
            responder: None,
        }
    }

    /// Every wait without a deadline of its own is bounded by `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> StdioServer {
        self.timeout = timeout;
        self
    }

    /// Answers the server's requests (`workspace/configuration`,
    /// `client/registerCapability`, ...) with `responder` while waiting.
    pub fn answering(mut self, responder: Responder) -> StdioServer {
        self.responder = Some(responder);
        self
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("flush");
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.write_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request with the next id of the client's own and returns the
    /// id, without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The response to a request, within `timeout`.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next message off stdout before `deadline`, kept in `seen`; a
    /// request of the server's is answered first when a responder is set.
    pub fn next_before(&mut self, deadline: Instant) -> Option<Received> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let (at, message) = self.messages.recv_timeout(remaining).ok()?;
        if let (Some(id), Some(method)) = (message.get("id"), message["method"].as_str()) {
            if let Some(responder) = self.responder.as_mut() {
                let result = responder(method, &message["params"]);
                let id = id.clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
            }
        }
        self.seen.push(message.clone());
        self.arrived.push(at);
        Some(Received { message, at })
    }

    /// The next message that `matches` before `deadline`, `None` after it;
    /// the others are kept for `finish`.
    pub fn wait_until(&mut self, deadline: Instant, matches: impl Fn(&Value) -> bool) -> Option<Received> {
        loop {
            let received = self.next_before(deadline)?;
            if matches(&received.message) {
                return Some(received);
            }
        }
    }

    /// Like `wait`, with the instant the message arrived.
    pub fn wait_timed(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Received {
        let timeout = self.timeout;
        match self.wait_until(Instant::now() + timeout, matches) {
            Some(received) => received,
            None => panic!("no {what} within {timeout:?}; the last messages: {:#?}", last(&self.seen, 20)),
        }
    }

    /// The next message that `matches`; the others are kept for `finish`.
    pub fn wait(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        self.wait_timed(what, matches).message
    }

    /// The first message already seen that `matches`, with its arrival.
    pub fn find_seen(&self, matches: impl Fn(&Value) -> bool) -> Option<Received> {
        let index = self.seen.iter().position(matches)?;
        Some(Received { message: self.seen[index].clone(), at: self.arrived[index] })
    }

    /// Forgets the messages seen so far (a long benchmark keeps no history).
    pub fn clear_seen(&mut self) {
        self.seen.clear();
        self.arrived.clear();
    }

    /// The response to request `id`, whenever it came, with its arrival.
    pub fn response_timed(&mut self, id: i64) -> Received {
        let is_response = |message: &Value| message["id"] == id && message.get("method").is_none();
        if let Some(found) = self.find_seen(is_response) {
            return found;
        }
        self.wait_timed(&format!("response to {id}"), is_response)
    }

    /// The response to request `id`, whenever it came.
    pub fn response(&mut self, id: i64) -> Value {
        self.response_timed(id).message
    }

    /// The `publishDiagnostics` for `uri` at `version`, whenever it came.
    pub fn diagnostics_of(&mut self, uri: &str, version: i64) -> Received {
        let matches = |message: &Value| is_diagnostics(message, uri) && message["params"]["version"] == version;
        if let Some(found) = self.find_seen(matches) {
            return found;
        }
        self.wait_timed(&format!("diagnostics of {uri} version {version}"), matches)
    }

    /// Shuts the server down the polite way, then ends it however it must:
    /// for a benchmark, which does not look at the exit.
    pub fn shut_down(mut self) {
        let id = self.send_request("shutdown", Value::Null);
        let _ = self.wait_until(Instant::now() + self.timeout, |message| message["id"] == id);
        self.notify("exit", Value::Null);
        self.close_stdin();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end; returns its status, stdout's framing
    /// verdict with every message, and stderr.
    pub fn finish(mut self) -> (ExitStatus, Result<Vec<Value>, String>, String) {
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the server did not exit within {:?}", self.timeout);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let framing = self.stdout.take().expect("joined once").join().expect("reader does not panic");
        let stderr = self.stderr.take().expect("joined once").join().expect("reader does not panic");
        let mut seen = std::mem::take(&mut self.seen);
        seen.extend(self.messages.try_iter().map(|(_, message)| message));
        let messages = framing.map(|_| seen);
        (status, messages, stderr)
    }
}

/// Whether `message` is a `publishDiagnostics` for `uri`.
pub fn is_diagnostics(message: &Value, uri: &str) -> bool {
    message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
}

fn last(messages: &[Value], count: usize) -> &[Value] {
    &messages[messages.len().saturating_sub(count)..]
}

/// The next message on stdout, `None` at its end; an error for anything
/// but exactly `Content-Length: N\r\n\r\n` and N bytes of a JSON-RPC 2.0
/// object. Stamped with the instant its last byte was read: when the
/// server's answer is in, before this client parses it (a benchmark times
/// the server; a large answer's parse here is the client's own cost).
fn read_stamped_frame(reader: &mut impl BufRead) -> Result<Option<(Instant, Value)>, String> {
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
    let at = Instant::now();
    let message: Value = serde_json::from_slice(&body).map_err(|error| format!("bad JSON: {error}"))?;
    if message["jsonrpc"] != "2.0" {
        return Err(format!("not JSON-RPC 2.0: {message}"));
    }
    Ok(Some((at, message)))
}
