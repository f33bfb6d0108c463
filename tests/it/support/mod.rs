//! What the hardening tests share: an in-memory LSP client, a good
//! StatefulSet and headless Service whose hover proves the server still works
//! after whatever a test threw at it, positions computed independently of
//! the server, and a small seeded random generator (no extra dependency).
//!
//! Every wait is bounded, so a stalled server fails a test instead of hanging
//! the suite.

pub mod stdio;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kube_lsp::api::lsp::{serve, Exit, Options};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response, ResponseError};
use serde_json::{json, Value};

pub use stdio::TIMEOUT;

pub const INVALID_REQUEST: i32 = -32600;
pub const METHOD_NOT_FOUND: i32 = -32601;
pub const INVALID_PARAMS: i32 = -32602;
pub const SERVER_NOT_INITIALIZED: i32 = -32002;

/// A StatefulSet and its headless Service: a healthy link.
pub const GOOD_PAIR: &str = "\
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
---
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector:
    app: redis
  ports:
    - name: redis
      port: 6379
";

/// What the hover on `GOOD_PAIR`'s `serviceName` must say.
pub const POD_DNS_NAME: &str = "redis-0.redis.default.svc.cluster.local";

pub type Answer = Result<Value, ResponseError>;

// The in-memory client.

pub struct Client {
    pub connection: Connection,
    server: Option<JoinHandle<anyhow::Result<Exit>>>,
    next_id: i32,
    pub notifications: VecDeque<Notification>,
    responses: HashMap<RequestId, Response>,
    /// What the client answers to `workspace/configuration`.
    pub configuration: Value,
    /// Requests the server sent, in order.
    pub server_requests: Vec<Request>,
}

/// Set by a test that makes a handler panic on purpose.
static CAUGHT_PANICS_EXPECTED: AtomicBool = AtomicBool::new(false);

/// For a test that makes the server panic on purpose (and sees it answer an
/// internal error): from then on, a session of this test binary no longer
/// fails on the panics the log shows. Set before the panic, so that no
/// session can see the panic's log line and not the flag.
pub fn expect_caught_panics() {
    CAUGHT_PANICS_EXPECTED.store(true, Ordering::SeqCst);
}

impl Client {
    pub fn start() -> Client {
        Client::start_with(Options { test_requests: true, ..Options::default() })
    }

    /// `start` with options of its own.
    pub fn start_with(options: Options) -> Client {
        // Installed before any server runs, so that a panic the server
        // catches (and logs) anywhere in the test binary is seen.
        captured_logs();
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::Builder::new()
            .name("kube-lsp server".to_owned())
            .spawn(move || serve(server_side, options))
            .expect("spawn the server thread");
        Client {
            connection: client_side,
            server: Some(server),
            next_id: 1,
            notifications: VecDeque::new(),
            responses: HashMap::new(),
            configuration: Value::Null,
            server_requests: Vec::new(),
        }
    }

    /// Starts a server and completes the handshake; returns the
    /// `initialize` result.
    pub fn initialized(params: Value) -> (Client, Value) {
        let mut client = Client::start();
        let result = client.request("initialize", params).expect("initialize succeeds");
        client.notify("initialized", json!({}));
        client.wait_indexed();
        (client, result)
    }

    /// Waits until every read of folders that the server has begun is over
    /// (the server reads them in the background and reports it as progress),
    /// so that what follows sees every file. A client that announced no
    /// progress support gets none, and waits for nothing.
    pub fn wait_indexed(&mut self) {
        // The server handles messages in order: by the time it answers, each
        // read it began has announced its progress token.
        let _ = self.request("workspace/symbol", json!({"query": ""}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let begun: Vec<&Value> = self
                .server_requests
                .iter()
                .filter(|request| request.method == "window/workDoneProgress/create")
                .map(|request| &request.params["token"])
                .collect();
            let ended = |token: &Value| {
                self.notifications.iter().any(|notification| {
                    notification.method == "$/progress"
                        && notification.params["token"] == *token
                        && notification.params["value"]["kind"] == "end"
                })
            };
            if begun.iter().all(|token| ended(token)) {
                return;
            }
            assert!(self.receive(deadline), "the server's reads did not end within {TIMEOUT:?}");
        }
    }

    pub fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        let id = RequestId::from(self.next_id);
        self.next_id += 1;
        let request = Request { id: id.clone(), method: method.to_owned(), params };
        self.connection.sender.send(request.into()).expect("server alive");
        id
    }

    pub fn request(&mut self, method: &str, params: Value) -> Answer {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let notification = Notification { method: method.to_owned(), params };
        self.connection.sender.send(notification.into()).expect("server alive");
    }

    /// Takes one message from the server, answering its requests on the way.
    fn receive(&mut self, deadline: Instant) -> bool {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match self.connection.receiver.recv_timeout(remaining) {
            Ok(Message::Response(response)) => {
                self.responses.insert(response.id.clone(), response);
            }
            Ok(Message::Notification(notification)) => self.notifications.push_back(notification),
            Ok(Message::Request(request)) => {
                let result = match request.method.as_str() {
                    "workspace/configuration" => json!([self.configuration.clone()]),
                    _ => Value::Null,
                };
                let response = Response { id: request.id.clone(), response_result: Ok(result) };
                self.connection.sender.send(response.into()).expect("server alive");
                self.server_requests.push(request);
            }
            Err(_) => return false,
        }
        true
    }

    pub fn response(&mut self, id: &RequestId) -> Answer {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(response) = self.responses.remove(id) {
                return response.response_result;
            }
            assert!(self.receive(deadline), "no response to request {id} within {TIMEOUT:?}");
        }
    }

    /// The first notification (received or to come) that `matches`; those
    /// before it are kept for later waits.
    pub fn notification(&mut self, what: &str, matches: impl Fn(&Notification) -> bool) -> Notification {
        let deadline = Instant::now() + TIMEOUT;
        let mut checked = 0;
        loop {
            if let Some(position) = self.notifications.iter().skip(checked).position(&matches) {
                return self.notifications.remove(checked + position).expect("position is in range");
            }
            checked = self.notifications.len();
            assert!(self.receive(deadline), "no {what} within {TIMEOUT:?}; got {:#?}", self.notifications);
        }
    }

    /// Takes every message the server sends for `duration` (a test that
    /// something is not sent).
    pub fn receive_for(&mut self, duration: Duration) {
        let deadline = Instant::now() + duration;
        while self.receive(deadline) {}
    }

    /// The next diagnostics published for `uri` that satisfy `matches`
    /// (earlier publications for that URI are dropped).
    pub fn diagnostics(&mut self, uri: &str, matches: impl Fn(&[Value]) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.notifications.iter().position(|notification| {
                notification.method == "textDocument/publishDiagnostics" && notification.params["uri"] == uri
            });
            match found {
                Some(position) => {
                    let notification = self.notifications.remove(position).expect("position is in range");
                    let diagnostics = notification.params["diagnostics"].as_array().cloned().unwrap_or_default();
                    if matches(&diagnostics) {
                        return notification.params;
                    }
                }
                None => assert!(
                    self.receive(deadline),
                    "no matching diagnostics for {uri} within {TIMEOUT:?}; got {:#?}\nerrors logged:\n{}",
                    self.notifications,
                    logged(&captured_logs())
                        .lines()
                        .filter(|line| line.contains("ERROR"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    /// Drops the notifications received so far (a long session would keep
    /// thousands of them).
    pub fn drain(&mut self) {
        while let Ok(message) = self.connection.receiver.try_recv() {
            match message {
                Message::Response(response) => {
                    self.responses.insert(response.id.clone(), response);
                }
                Message::Notification(_) => {}
                Message::Request(request) => {
                    let response = Response { id: request.id.clone(), response_result: Ok(Value::Null) };
                    self.connection.sender.send(response.into()).expect("server alive");
                }
            }
        }
        self.notifications.clear();
    }

    pub fn open(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}}),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    }

    /// The server's text of a document (`kubeLsp/testDocumentText`).
    pub fn server_text(&mut self, uri: &str) -> Option<String> {
        let text = self.request("kubeLsp/testDocumentText", json!({"textDocument": {"uri": uri}})).expect("text");
        text.as_str().map(str::to_owned)
    }

    /// Every `Kind/name` the server's workspace symbols list.
    pub fn symbols(&mut self) -> Vec<String> {
        let symbols = self.request("workspace/symbol", json!({"query": ""})).expect("workspace symbols");
        let mut names: Vec<String> = symbols
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|symbol| symbol["name"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        names
    }

    /// The hover at a byte offset of `text`, the document's text on the
    /// client's side (UTF-16 positions).
    pub fn hover(&mut self, uri: &str, text: &str, offset: usize) -> Answer {
        self.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position(text, offset)}))
    }

    /// The proof that the server survived: a hover on `GOOD_PAIR`'s
    /// `serviceName` value (in `uri`) lists the pods' DNS names and says the
    /// link is healthy.
    pub fn assert_hover_works(&mut self, uri: &str) {
        let offset = GOOD_PAIR.find("serviceName: redis").expect("serviceName") + "serviceName: re".len();
        let hover = self.hover(uri, GOOD_PAIR, offset).expect("a hover answer");
        let markdown = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("a hover card, got {hover}"));
        assert!(markdown.contains(POD_DNS_NAME), "{markdown}");
        assert!(markdown.contains("Link: healthy"), "{markdown}");
        let start = GOOD_PAIR.find("serviceName: redis").expect("serviceName") + "serviceName: ".len();
        assert_eq!(hover["range"], range_of(GOOD_PAIR, start, start + "redis".len()), "{hover}");
    }

    /// Ends the session; asserts that no server of this test binary caught
    /// a panic so far (a caught panic is logged, not seen by the client).
    pub fn shutdown_and_exit(mut self) -> Exit {
        assert_eq!(self.request("shutdown", Value::Null).expect("shutdown succeeds"), Value::Null);
        self.notify("exit", Value::Null);
        let exit = self.join();
        if CAUGHT_PANICS_EXPECTED.load(Ordering::SeqCst) {
            return exit;
        }
        let logs = logged(&captured_logs());
        let panics: Vec<&str> = logs.lines().filter(|line| line.contains("panicked")).collect();
        assert!(panics.is_empty(), "the server caught panics:\n{}", panics.join("\n"));
        exit
    }

    pub fn join(&mut self) -> Exit {
        let server = self.server.take().expect("server not joined yet");
        let deadline = Instant::now() + TIMEOUT;
        while !server.is_finished() {
            // Keep the server's sends from piling up while it finishes.
            while self.connection.receiver.try_recv().is_ok() {}
            assert!(Instant::now() < deadline, "the server did not exit within {TIMEOUT:?}");
            std::thread::sleep(Duration::from_millis(5));
        }
        server.join().expect("the server thread does not panic").expect("the server ends without error")
    }
}

/// `initialize` params: UTF-16, the given folders, a client that watches
/// files itself (so the server starts no watcher of its own and every disk
/// change it sees is one a test reported) and shows progress (so that a test
/// can wait for the folders to be read).
pub fn initialize_params(folders: &[&Path], options: Value) -> Value {
    let folders: Vec<Value> =
        folders.iter().map(|folder| json!({"uri": file_uri(folder), "name": folder.display().to_string()})).collect();
    json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
            "window": {"workDoneProgress": true}
        },
        "workspaceFolders": if folders.is_empty() { Value::Null } else { Value::Array(folders) },
        "initializationOptions": options,
    })
}

pub fn file_uri(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).expect("absolute path").to_string()
}

/// A workspace folder holding `good.yaml` (`GOOD_PAIR`); returns the folder
/// and the file's URI.
pub fn workspace_with_good_pair() -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("good.yaml");
    std::fs::write(&path, GOOD_PAIR).expect("write");
    let uri = file_uri(&path);
    (folder, uri)
}

/// Tells the server that these paths changed on disk.
pub fn notify_changed(client: &mut Client, paths: &[PathBuf]) {
    let changes: Vec<Value> = paths.iter().map(|path| json!({"uri": file_uri(path), "type": 2})).collect();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": changes}));
}

/// A property's fixed budget, or `PROPTEST_CASES` from the environment for
/// a deeper run.
pub fn cases(budget: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(budget)
}

// Logs.

/// Everything the library logs in this test binary, at `info` and above.
pub fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let writer_logs = Arc::clone(&logs);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || LogWriter(Arc::clone(&writer_logs)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        logs
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What was logged so far.
pub fn logged(logs: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&logs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())).into_owned()
}

// Positions in UTF-16, computed here independently of the server.

/// Line starts of a text, breaking at `\n`, `\r\n` and a lone `\r`.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n')) {
            starts.push(index + 1);
        }
    }
    starts
}

/// The UTF-16 position of a byte offset.
pub fn position(text: &str, offset: usize) -> Value {
    let starts = line_starts(text);
    position_with(text, &starts, offset)
}

/// As `position`, with the line starts already computed.
pub fn position_with(text: &str, starts: &[usize], offset: usize) -> Value {
    let line = starts.partition_point(|&start| start <= offset) - 1;
    let character: usize = text[starts[line]..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

pub fn range_of(text: &str, start: usize, end: usize) -> Value {
    json!({"start": position(text, start), "end": position(text, end)})
}

// A seeded random generator: SplitMix64, enough for test data.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// Random chars from all of Unicode (surrogates excluded).
    pub fn unicode(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| {
                let ranges: [(u32, u32); 4] = [(0, 0x80), (0x80, 0x800), (0x800, 0xD800), (0xE000, 0x11_0000)];
                let (low, high) = ranges[self.below(ranges.len())];
                char::from_u32(low + self.below((high - low) as usize) as u32).unwrap_or('?')
            })
            .collect()
    }
}
