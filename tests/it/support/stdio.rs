//! The real binary over stdio, as an editor runs it: a client that writes
//! raw bytes or framed messages, and a reader that fails on anything on
//! stdout but well-framed JSON-RPC. Every wait is bounded.

use std::io::{BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::TIMEOUT;

pub struct StdioServer {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// The stdout reader: `Err` with what was wrong if stdout held anything
    /// but framed JSON-RPC.
    stdout: Option<JoinHandle<Result<usize, String>>>,
    stderr: Option<JoinHandle<String>>,
    /// Messages already taken off `messages`.
    pub seen: Vec<Value>,
}

impl StdioServer {
    /// Starts the real binary with logs at `log_level` on stderr.
    pub fn spawn(log_level: &str) -> StdioServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kube-lsp"))
            .env("KUBE_LSP_LOG", log_level)
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
        StdioServer { child, stdin, messages, stdout: Some(stdout), stderr: Some(stderr), seen: Vec::new() }
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

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next message that `matches`; the others are kept for `finish`.
    pub fn wait(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
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

    /// The response to request `id`, whenever it came.
    pub fn response(&mut self, id: i64) -> Value {
        let is_response = |message: &Value| message["id"] == id && message.get("method").is_none();
        if let Some(found) = self.seen.iter().find(|message| is_response(message)) {
            return found.clone();
        }
        self.wait(&format!("response to {id}"), is_response)
    }

    /// Waits for the process to end; returns its status, stdout's framing
    /// verdict with every message, and stderr.
    pub fn finish(mut self) -> (ExitStatus, Result<Vec<Value>, String>, String) {
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
pub fn read_frame(reader: &mut impl BufRead) -> Result<Option<Value>, String> {
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
