//! The language server's speed and memory through its real interface, next
//! to the YAML parser alone on the same bytes in the same run: machines are
//! noisy, so the ratios are what to compare, not the absolute times.
//!
//! `cargo bench --bench lsp` runs it (`KUBE_LSP_BENCH_QUICK=1` for fewer
//! iterations, `KUBE_LSP_BENCH_ONLY=files,workspaces,memory,stdio` for some
//! parts only, `KUBE_LSP_BENCH_ONLY=breakdown` for the library's steps alone, e.g.
//! under a profiler); it prints Markdown tables on stdout, progress on
//! stderr.
//!
//! - Single files of 1, 5 and 20 MiB, opened in an in-process server
//!   (`lsp_server::Connection::memory()` and `kube_lsp::api::lsp::serve`): the
//!   time from `didOpen` to the file's diagnostics, then one character typed
//!   and deleted again in a label value in the middle of the file, each
//!   keystroke timed to the diagnostics of its version.
//! - Workspaces of 100, 1,000 and 10,000 files on disk: the time from
//!   `initialized` to the first published cross-file finding, then hovers on
//!   StatefulSets' `serviceName`.
//! - The release binary over stdio: resident memory after opening the 20 MiB
//!   file; and the 5 MiB session again over stdio, JSON included, beside
//!   another server when `KUBE_LSP_BENCH_OTHER_SERVER` names its command
//!   (`benches/yamlls.sh` runs yaml-language-server that way).
//!
//! It measures; it asserts nothing, except that the server answers at all.

// A test report prints its tables and progress; only the library must not print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "support/generate.rs"]
mod generate;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kube_lsp::api::lsp::{serve, Exit, Options};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::Url;
use rayon::prelude::*;
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;
/// Every wait is bounded, so a broken server fails the run instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Raised so that the 20 MiB file is analysed (the default is 10 MiB).
const MAX_FILE_SIZE: usize = 64 * MIB;
/// Findings that only another file can explain.
const CROSS_FILE_CODES: &[&str] = &["service-not-headless", "service-not-found", "selector-mismatch"];
const SEED: u64 = 20_261_128;

/// How many times each figure is measured.
struct Iterations {
    /// The parts to run: `files`, `workspaces`, `memory`, `stdio` (the
    /// default), and `breakdown`.
    parts: Vec<String>,
    parser_runs: usize,
    opens: usize,
    keystrokes: usize,
    index_runs: usize,
    hovers: usize,
}

impl Iterations {
    fn from_env() -> Iterations {
        let quick = std::env::var_os("KUBE_LSP_BENCH_QUICK").is_some_and(|value| !value.is_empty() && value != "0");
        let parts = match std::env::var("KUBE_LSP_BENCH_ONLY") {
            Ok(parts) if !parts.trim().is_empty() => parts.split(',').map(|part| part.trim().to_owned()).collect(),
            _ => ["files", "workspaces", "memory", "stdio"].map(str::to_owned).to_vec(),
        };
        if quick {
            Iterations { parts, parser_runs: 3, opens: 1, keystrokes: 40, index_runs: 1, hovers: 100 }
        } else {
            Iterations { parts, parser_runs: 9, opens: 7, keystrokes: 300, index_runs: 5, hovers: 1000 }
        }
    }

    fn runs(&self, part: &str) -> bool {
        self.parts.iter().any(|wanted| wanted == part)
    }
}

/// One line of the table.
struct Row {
    figure: String,
    value: String,
    baseline: String,
    ratio: String,
    target: String,
    /// `None` for a figure without a target.
    pass: Option<bool>,
}

impl Row {
    fn timed(figure: String, value: Duration, baseline: Duration, target: Target) -> Row {
        Row::with_ratio(figure, value, baseline, value.as_secs_f64() / baseline.as_secs_f64(), target)
    }

    /// From runs each timed right after the parser alone on the same bytes,
    /// so that a burst of load elsewhere on the machine hits both: medians
    /// of each, and the median of the runs' own ratios.
    fn paired(figure: String, pairs: &[(Duration, Duration)], target: Target) -> Row {
        let values: Vec<Duration> = pairs.iter().map(|(value, _)| *value).collect();
        let baselines: Vec<Duration> = pairs.iter().map(|(_, baseline)| *baseline).collect();
        let mut ratios: Vec<f64> =
            pairs.iter().map(|(value, baseline)| value.as_secs_f64() / baseline.as_secs_f64()).collect();
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios[(ratios.len() - 1) / 2];
        Row::with_ratio(figure, median(&values), median(&baselines), ratio, target)
    }

    fn with_ratio(figure: String, value: Duration, baseline: Duration, ratio: f64, target: Target) -> Row {
        let (target_text, pass) = match target {
            Target::None => ("—".to_owned(), None),
            Target::Ratio(limit) => (format!("≤ {limit}×"), Some(ratio <= limit)),
            Target::Millis(limit) => (format!("≤ {limit} ms"), Some(value.as_secs_f64() * 1000.0 <= limit)),
        };
        Row {
            figure,
            value: millis(value),
            baseline: millis(baseline),
            ratio: format!("{ratio:.3}×"),
            target: target_text,
            pass,
        }
    }
}

enum Target {
    None,
    Ratio(f64),
    Millis(f64),
}

fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn main() {
    let iterations = Iterations::from_env();
    let started = Instant::now();
    let dir = tempfile::Builder::new().prefix("kube-lsp-bench").tempdir().expect("a temporary folder");
    let mut rows = Vec::new();
    let mut breakdowns = Vec::new();
    let mut workspace_breakdowns = Vec::new();

    // The library's steps alone, e.g. under a profiler.
    if iterations.runs("breakdown") {
        for size_mib in [1, 5, 20] {
            let text = generate::big_file(size_mib * MIB, SEED + size_mib as u64);
            let path = dir.path().join(format!("big-{size_mib}mib.yaml"));
            breakdowns.push((size_mib, breakdown(&path, &text, iterations.keystrokes)));
        }
    }

    // Single files.
    let sizes: &[usize] = if iterations.runs("files") { &[1, 5, 20] } else { &[] };
    for &size_mib in sizes {
        let text = generate::big_file(size_mib * MIB, SEED + size_mib as u64);
        let folder = dir.path().join(format!("single-{size_mib}"));
        std::fs::create_dir_all(&folder).expect("a folder");
        let path = folder.join(format!("big-{size_mib}mib.yaml"));
        std::fs::write(&path, &text).expect("the file is written");
        eprintln!("{size_mib} MiB file: {} bytes, {} documents", text.len(), text.matches("\n---\n").count() + 1);
        // Each open right after the parser alone on the same bytes.
        let pairs: Vec<(Duration, Duration)> = (0..iterations.opens)
            .map(|_| {
                let parser = time_parser(&text);
                (time_open(&path, &text, Encoding::Utf16).0, parser)
            })
            .collect();
        let parser = median(&pairs.iter().map(|(_, parser)| *parser).collect::<Vec<_>>());
        eprintln!("  didOpen → diagnostics, parser alone: {pairs:?}");
        let open_target = if size_mib == 5 { Target::Ratio(2.0) } else { Target::None };
        rows.push(Row::paired(format!("open a {size_mib} MiB file → its diagnostics"), &pairs, open_target));

        let encodings: &[Encoding] =
            if size_mib == 5 { &[Encoding::Utf16, Encoding::Utf8] } else { &[Encoding::Utf16] };
        for &encoding in encodings {
            let keystrokes = time_keystrokes(&path, &text, encoding, iterations.keystrokes);
            let (p50, p95) = (percentile(&keystrokes, 0.50), percentile(&keystrokes, 0.95));
            eprintln!("  keystroke ({encoding:?}): p50 {p50:?}, p95 {p95:?}, max {:?}", percentile(&keystrokes, 1.0));
            let targeted = size_mib == 5 && encoding == Encoding::Utf16;
            let name = format!("keystroke in the {size_mib} MiB file → its diagnostics ({})", encoding.label());
            let (t50, t95) =
                if targeted { (Target::Millis(5.0), Target::Millis(15.0)) } else { (Target::None, Target::None) };
            rows.push(Row::timed(format!("{name}, p50"), p50, parser, t50));
            rows.push(Row::timed(format!("{name}, p95"), p95, parser, t95));
        }
        breakdowns.push((size_mib, breakdown(&path, &text, iterations.keystrokes)));
    }

    // Workspaces.
    let counts: &[usize] = if iterations.runs("workspaces") { &[100, 1_000, 10_000] } else { &[] };
    for &file_count in counts {
        let files = generate::workspace(file_count, SEED);
        let root = dir.path().join(format!("workspace-{file_count}"));
        for file in &files {
            let path = root.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
            std::fs::write(&path, &file.text).expect("the file is written");
        }
        let bytes: usize = files.iter().map(|file| file.text.len()).sum();
        eprintln!("{file_count} files: {bytes} bytes");
        let texts: Vec<&str> = files.iter().map(|file| file.text.as_str()).collect();
        let runs = if file_count == 10_000 { iterations.index_runs } else { iterations.index_runs.max(3) };
        // Each run right after the parser alone on the same files.
        let mut pairs = Vec::new();
        let mut server = None;
        for run in 0..runs {
            let parser = time_parser_parallel(&texts);
            let (time, client) = time_index(&root);
            pairs.push((time, parser));
            if run + 1 == runs && file_count == 10_000 {
                server = Some(client);
            } else {
                client.shut_down();
            }
        }
        eprintln!(
            "  initialized → first cross-file finding, parser alone on {} threads: {pairs:?}",
            rayon::current_num_threads()
        );
        let target = if file_count == 10_000 { Target::Ratio(2.0) } else { Target::None };
        let figure = format!(
            "index {} files ({:.1} MB) → first cross-file finding (parser on {} cores)",
            thousands(file_count),
            bytes as f64 / 1e6,
            rayon::current_num_threads()
        );
        rows.push(Row::paired(figure, &pairs, target));

        workspace_breakdowns.push((file_count, workspace_breakdown(&root, iterations.index_runs)));

        if let Some(mut client) = server {
            let (p50, p95, parser_one) = time_hovers(&mut client, &root, &files, iterations.hovers);
            eprintln!("  hover: p50 {p50:?}, p95 {p95:?}; parser alone on the hovered file {parser_one:?}");
            let figure = "hover on a StatefulSet's `serviceName` in the 10,000-file workspace";
            rows.push(Row::timed(format!("{figure}, p50"), p50, parser_one, Target::None));
            rows.push(Row::timed(format!("{figure}, p95"), p95, parser_one, Target::Millis(2.0)));
            client.shut_down();
        }
    }

    // Memory, in the release binary.
    if iterations.runs("memory") {
        rows.extend(memory_rows(dir.path()));
    }

    // The same session over stdio, side by side with another server.
    if iterations.runs("stdio") {
        rows.extend(stdio_rows(dir.path(), &iterations));
    }

    println!("{}", table(&rows));
    if !breakdowns.is_empty() {
        println!("{}", breakdown_table(&breakdowns));
    }
    if !workspace_breakdowns.is_empty() {
        println!("{}", workspace_breakdown_table(&workspace_breakdowns));
    }
    eprintln!("benchmark finished in {:.0?}", started.elapsed());
}

fn memory_rows(dir: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    let text = generate::big_file(20 * MIB, SEED + 20);
    let path = dir.join("memory").join("big-20mib.yaml");
    std::fs::create_dir_all(dir.join("memory")).expect("a folder");
    std::fs::write(&path, &text).expect("the file is written");
    let memory = measure_memory(&path, &text);
    eprintln!(
        "memory: idle {} KiB, after opening {} KiB, peak {} KiB",
        memory.idle_rss_kib, memory.rss_kib, memory.peak_kib
    );
    let file_mib = text.len() as f64 / MIB as f64;
    let mib = |kib: u64| kib as f64 / 1024.0;
    rows.push(Row {
        figure: "resident memory after opening the 20 MiB file (VmRSS)".to_owned(),
        value: format!("{:.0} MiB", mib(memory.rss_kib)),
        baseline: format!("{file_mib:.0} MiB of text"),
        ratio: format!("{:.2}×", mib(memory.rss_kib) / file_mib),
        target: "≤ 120 MiB".to_owned(),
        pass: Some(mib(memory.rss_kib) <= 120.0),
    });
    rows.push(Row {
        figure: "peak resident memory while opening it (VmHWM)".to_owned(),
        value: format!("{:.0} MiB", mib(memory.peak_kib)),
        baseline: format!("{file_mib:.0} MiB of text"),
        ratio: format!("{:.2}×", mib(memory.peak_kib) / file_mib),
        target: "—".to_owned(),
        pass: None,
    });
    rows.push(Row {
        figure: "resident memory of the idle server (VmRSS)".to_owned(),
        value: format!("{:.1} MiB", mib(memory.idle_rss_kib)),
        baseline: "—".to_owned(),
        ratio: "—".to_owned(),
        target: "—".to_owned(),
        pass: None,
    });
    rows
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| figure | measured | parser alone | ratio | target | verdict |\n| --- | ---: | ---: | ---: | --- | --- |\n",
    );
    for row in rows {
        let verdict = match row.pass {
            None => "",
            Some(true) => "PASS",
            Some(false) => "MISS",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.figure, row.value, row.baseline, row.ratio, row.target, verdict
        ));
    }
    out
}

fn thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

// Statistics.

fn median(times: &[Duration]) -> Duration {
    percentile(times, 0.5)
}

/// Nearest rank.
fn percentile(times: &[Duration], fraction: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

// Where the time goes: the library's steps, called directly.

/// Medians of the steps behind an open and a keystroke (the same edit as
/// `time_keystrokes`), called on the library without the protocol: what is
/// left of the LSP figures is the protocol layer (positions, conversion of
/// findings, JSON).
struct Breakdown {
    open_analyse: Duration,
    keystroke_edit: Duration,
    index: Duration,
    checks: Duration,
}

fn breakdown(path: &Path, text: &str, keystrokes: usize) -> Breakdown {
    use kube_lsp::api::config::Config;
    use kube_lsp::api::text::TextRange;
    use kube_lsp::api::workspace::Workspace;

    let config = Config { max_file_size: MAX_FILE_SIZE as u64, ..Config::default() };
    let mut open_times = Vec::new();
    let mut workspace = Workspace::new(config.clone());
    for _ in 0..3 {
        workspace = Workspace::new(config.clone());
        let text = text.to_owned();
        let started = Instant::now();
        workspace.set_text(path.to_path_buf(), text, Some(1));
        open_times.push(started.elapsed());
    }
    let id = workspace.file_id(path).expect("the file was added");
    let label = "    tier: frontend";
    let middle = text.len() / 2;
    let offset = middle + text[middle..].find(label).expect("a web front after the middle") + label.len();
    let (mut edits, mut indexes, mut checks) = (Vec::new(), Vec::new(), Vec::new());
    for keystroke in 0..keystrokes.min(100) {
        let change = if keystroke % 2 == 0 {
            (TextRange::new(offset, offset), "x")
        } else {
            (TextRange::new(offset, offset + 1), "")
        };
        let started = Instant::now();
        workspace.edit(id, Some(keystroke as i32 + 2), &[kube_lsp::api::text::TextEdit::new(change.0, change.1)]);
        edits.push(started.elapsed());
        let started = Instant::now();
        let snapshot = workspace.snapshot();
        indexes.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(kube_lsp::api::checks::check(&snapshot));
        checks.push(started.elapsed());
    }
    Breakdown {
        open_analyse: median(&open_times),
        keystroke_edit: median(&edits),
        index: median(&indexes),
        checks: median(&checks),
    }
}

fn breakdown_table(breakdowns: &[(usize, Breakdown)]) -> String {
    let mut out = String::from(
        "| file | analyse on open (`set_text`) | keystroke: `Workspace::edit` | index (`snapshot`) | `checks::check_by_file` |\n\
         | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (size_mib, breakdown) in breakdowns {
        out.push_str(&format!(
            "| {size_mib} MiB | {} | {} | {} | {} |\n",
            millis(breakdown.open_analyse),
            millis(breakdown.keystroke_edit),
            millis(breakdown.index),
            millis(breakdown.checks)
        ));
    }
    out
}

/// Medians of the steps behind indexing a workspace, called on the library:
/// what is left of the LSP figure is the protocol layer (converting and
/// sending every file's diagnostics).
struct WorkspaceBreakdown {
    walk: Duration,
    load: Duration,
    index: Duration,
    checks: Duration,
}

fn workspace_breakdown(root: &Path, runs: usize) -> WorkspaceBreakdown {
    use kube_lsp::api::config::Config;
    use kube_lsp::api::workspace::Workspace;

    let config = Config { max_file_size: MAX_FILE_SIZE as u64, ..Config::default() };
    let (mut walks, mut loads, mut indexes, mut checks) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs.max(3) {
        let started = Instant::now();
        let paths = kube_lsp::api::loader::walk(&[root.to_path_buf()], &config);
        walks.push(started.elapsed());
        let started = Instant::now();
        let files = kube_lsp::api::loader::load_files(&paths, &config);
        let mut workspace = Workspace::new(config.clone());
        for file in files {
            workspace.insert(file);
        }
        loads.push(started.elapsed());
        let started = Instant::now();
        let snapshot = workspace.snapshot();
        indexes.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(kube_lsp::api::checks::check(&snapshot));
        checks.push(started.elapsed());
    }
    WorkspaceBreakdown { walk: median(&walks), load: median(&loads), index: median(&indexes), checks: median(&checks) }
}

fn workspace_breakdown_table(breakdowns: &[(usize, WorkspaceBreakdown)]) -> String {
    let mut out = String::from(
        "| workspace | walk (`loader::walk`) | read + analyse (`loader::load_files`, all cores) | index (`snapshot`) | `checks::check_by_file` |\n\
         | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (file_count, breakdown) in breakdowns {
        out.push_str(&format!(
            "| {} files | {} | {} | {} | {} |\n",
            thousands(*file_count),
            millis(breakdown.walk),
            millis(breakdown.load),
            millis(breakdown.index),
            millis(breakdown.checks)
        ));
    }
    out
}

// The parser alone.

/// Every event of the text, the way the server's parser reads a document, but
/// over the whole file at once and building nothing.
fn count_events(text: &str) -> usize {
    let mut parser = granit_parser::Parser::new_from_str(text);
    let mut count = 0;
    while let Some(event) = parser.next_event() {
        if event.is_err() {
            break;
        }
        count += 1;
    }
    count
}

fn time_parser(text: &str) -> Duration {
    let started = Instant::now();
    std::hint::black_box(count_events(std::hint::black_box(text)));
    started.elapsed()
}

/// The files parsed on every core (rayon's global pool).
fn time_parser_parallel(texts: &[&str]) -> Duration {
    let started = Instant::now();
    let events: usize = texts.par_iter().map(|text| count_events(text)).sum();
    std::hint::black_box(events);
    started.elapsed()
}

// The in-process client.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8 positions",
            Encoding::Utf16 => "UTF-16 positions",
        }
    }
}

struct Client {
    connection: Connection,
    server: Option<JoinHandle<anyhow::Result<Exit>>>,
    next_id: i32,
}

impl Client {
    /// A server on a thread of this process, initialized. With `folder`, it is
    /// the workspace folder; `initialized` is left to the caller.
    fn initialize(folder: Option<&Path>, encoding: Encoding) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || serve(server_side, Options::default()));
        let mut client = Client { connection: client_side, server: Some(server), next_id: 1 };
        let result = client.request("initialize", initialize_params(folder, encoding));
        let expected = match encoding {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        };
        assert_eq!(result["capabilities"]["positionEncoding"], expected, "the negotiated encoding");
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification { method: method.to_owned(), params };
        self.connection.sender.send(notification.into()).expect("the server is running");
    }

    fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        let id = RequestId::from(self.next_id);
        self.next_id += 1;
        let request = Request { id: id.clone(), method: method.to_owned(), params };
        self.connection.sender.send(request.into()).expect("the server is running");
        id
    }

    /// The result of a request; notifications on the way are dropped.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Message::Response(response) = self.receive(deadline) {
                if response.id == id {
                    return response.response_result.unwrap_or_else(|error| panic!("`{method}` failed: {error:?}"));
                }
            }
        }
    }

    /// The next message; the server's own requests are answered on the way
    /// (and returned too).
    fn receive(&mut self, deadline: Instant) -> Message {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let message = self.connection.receiver.recv_timeout(remaining).expect("the server answers in time");
        if let Message::Request(request) = &message {
            let response = Response { id: request.id.clone(), response_result: Ok(Value::Null) };
            self.connection.sender.send(response.into()).expect("the server is running");
        }
        message
    }

    /// The first `publishDiagnostics` whose params satisfy `matches`; others
    /// are dropped.
    fn diagnostics(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Message::Notification(notification) = self.receive(deadline) {
                if notification.method == "textDocument/publishDiagnostics" && matches(&notification.params) {
                    return notification.params;
                }
            }
        }
    }

    fn shut_down(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("a server thread");
        let exit = server.join().expect("the server thread ends").expect("the server ends cleanly");
        assert_eq!(exit, Exit::AfterShutdown);
    }
}

fn initialize_params(folder: Option<&Path>, encoding: Encoding) -> Value {
    let encodings = match encoding {
        Encoding::Utf8 => json!(["utf-8", "utf-16"]),
        Encoding::Utf16 => json!(["utf-16"]),
    };
    let folders = folder.map(|folder| {
        let uri = Url::from_directory_path(folder).expect("an absolute folder");
        json!([{"uri": uri, "name": "bench"}])
    });
    json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {
            "general": {"positionEncodings": encodings},
            // As VS Code does: the client watches the files.
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}, "workspaceFolders": true},
            "textDocument": {"publishDiagnostics": {"versionSupport": true, "relatedInformation": true}},
        },
        "initializationOptions": {"kubeLsp": {"maxFileSize": MAX_FILE_SIZE}},
        "workspaceFolders": folders,
    })
}

fn file_uri(path: &Path) -> Url {
    Url::from_file_path(path).expect("an absolute path")
}

/// A fresh server, `didOpen` of `text` → its diagnostics (version 1). Returns
/// the time and the client, the file still open.
fn time_open(path: &Path, text: &str, encoding: Encoding) -> (Duration, Client) {
    let mut client = Client::initialize(None, encoding);
    client.notify("initialized", json!({}));
    let uri = file_uri(path);
    let params = json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}});
    // The server is idle once it answers a request sent after `initialized`.
    client.request("workspace/symbol", json!({"query": "no-such-object"}));
    let uri_text = uri.as_str().to_owned();
    let started = Instant::now();
    client.notify("textDocument/didOpen", params);
    let published = client.diagnostics(|params| params["uri"] == uri_text.as_str() && params["version"] == 1);
    let elapsed = started.elapsed();
    assert!(
        published["diagnostics"].as_array().is_some_and(|diagnostics| !diagnostics.is_empty()),
        "the generated file has findings"
    );
    (elapsed, client)
}

/// The position of `offset` in `text`, in the client's terms.
fn position(text: &str, offset: usize, encoding: Encoding) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let character = match encoding {
        Encoding::Utf8 => offset - line_start,
        Encoding::Utf16 => text[line_start..offset].encode_utf16().count(),
    };
    json!({"line": line, "character": character})
}

/// Types `x` at the end of a label value in the middle of the file, deletes
/// it again, and so on: each keystroke timed to the diagnostics of its
/// version, the findings the same every time.
fn time_keystrokes(path: &Path, text: &str, encoding: Encoding, count: usize) -> Vec<Duration> {
    let (_, mut client) = time_open(path, text, encoding);
    let uri = file_uri(path);
    let uri_text = uri.as_str().to_owned();
    let label = "    tier: frontend";
    let middle = text.len() / 2;
    let offset = middle + text[middle..].find(label).expect("a web front after the middle") + label.len();
    let at = position(text, offset, encoding);
    let after = json!({"line": at["line"], "character": at["character"].as_u64().expect("a number") + 1});
    let warm_up = 5;
    let mut times = Vec::with_capacity(count);
    for keystroke in 0..warm_up + count {
        let version = keystroke as i32 + 2;
        let change = if keystroke % 2 == 0 {
            json!({"range": {"start": at, "end": at}, "text": "x"})
        } else {
            json!({"range": {"start": at, "end": after}, "text": ""})
        };
        let params = json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]});
        let started = Instant::now();
        client.notify("textDocument/didChange", params);
        client.diagnostics(|params| params["uri"] == uri_text.as_str() && params["version"] == version);
        if keystroke >= warm_up {
            times.push(started.elapsed());
        }
    }
    client.shut_down();
    times
}

/// A fresh server on the workspace folder `root`: `initialized` → the first
/// published finding that needs another file.
fn time_index(root: &Path) -> (Duration, Client) {
    let mut client = Client::initialize(Some(root), Encoding::Utf16);
    let started = Instant::now();
    client.notify("initialized", json!({}));
    client.diagnostics(|params| {
        params["diagnostics"].as_array().is_some_and(|diagnostics| {
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic["code"].as_str().is_some_and(|code| CROSS_FILE_CODES.contains(&code)))
        })
    });
    let elapsed = started.elapsed();
    // Whatever else was published comes before the answer to this.
    client.request("workspace/symbol", json!({"query": "no-such-object"}));
    (elapsed, client)
}

/// Hovers on the `serviceName` values of StatefulSets spread over the
/// workspace: p50, p95, and the parser alone on one StatefulSet file.
fn time_hovers(
    client: &mut Client,
    root: &Path,
    files: &[generate::GeneratedFile],
    count: usize,
) -> (Duration, Duration, Duration) {
    let targets: Vec<(Url, Value)> = files
        .iter()
        .filter(|file| file.path.ends_with("-statefulset.yaml"))
        .map(|file| {
            let key = "  serviceName: ";
            let offset = file.text.find(key).expect("a serviceName") + key.len() + 2;
            (file_uri(&root.join(&file.path)), position(&file.text, offset, Encoding::Utf16))
        })
        .collect();
    let warm_up = 20;
    let mut times = Vec::with_capacity(count);
    let stride = 7919; // a prime: the hovers visit files all over the workspace
    for hover in 0..warm_up + count {
        let (uri, position) = &targets[(hover * stride) % targets.len()];
        let params = json!({"textDocument": {"uri": uri}, "position": position});
        let started = Instant::now();
        let result = client.request("textDocument/hover", params);
        let elapsed = started.elapsed();
        assert!(result["contents"]["value"].as_str().is_some_and(|text| !text.is_empty()), "a hover: {result}");
        if hover >= warm_up {
            times.push(elapsed);
        }
    }
    let one = files.iter().find(|file| file.path.ends_with("-statefulset.yaml")).expect("a StatefulSet file");
    let repeats = 1000;
    let started = Instant::now();
    for _ in 0..repeats {
        std::hint::black_box(count_events(std::hint::black_box(&one.text)));
    }
    let parser_one = started.elapsed() / repeats;
    (percentile(&times, 0.5), percentile(&times, 0.95), parser_one)
}

// Servers over stdio: the release binary, and optionally another server.

struct Memory {
    idle_rss_kib: u64,
    rss_kib: u64,
    peak_kib: u64,
}

fn frame(message: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(message).expect("serialisable");
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(&body);
    framed
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `VmRSS` and `VmHWM` of a process, in KiB.
fn status_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/<pid>/status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The settings a server may ask for with `workspace/configuration`: schemas
/// off for yaml-language-server, so that it checks syntax only and never
/// reaches for the network.
fn configuration_section(section: Option<&str>) -> Value {
    match section {
        Some("yaml") => {
            json!({"validate": true, "hover": true, "completion": true, "schemaStore": {"enable": false}, "schemas": {}})
        }
        Some("kubeLsp") => json!({"maxFileSize": MAX_FILE_SIZE}),
        _ => Value::Null,
    }
}

/// A language server in a child process, spoken to over stdio; its requests
/// are answered on the way.
struct StdioClient {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: mpsc::Receiver<Value>,
    reader: Option<JoinHandle<()>>,
    next_id: i64,
}

impl StdioClient {
    fn spawn(command: &[String]) -> StdioClient {
        let (program, args) = command.split_first().expect("a command");
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start `{}`: {error}", command.join(" ")));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = mpsc::channel::<Value>();
        let reader = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        StdioClient { child, stdin, messages, reader: Some(reader), next_id: 1 }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(&frame(message)).expect("the server reads its input");
        stdin.flush().expect("the server reads its input");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|message| message["id"] == id && message.get("method").is_none())
    }

    /// The next message that `matches`; the server's requests are answered
    /// on the way.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.messages.recv_timeout(TIMEOUT).expect("the server answers in time");
            if let (Some(id), Some(method)) = (message.get("id"), message["method"].as_str()) {
                let result = match method {
                    "workspace/configuration" => Value::Array(
                        message["params"]["items"]
                            .as_array()
                            .map(|items| {
                                items.iter().map(|item| configuration_section(item["section"].as_str())).collect()
                            })
                            .unwrap_or_default(),
                    ),
                    _ => Value::Null,
                };
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
                continue;
            }
            if matches(&message) {
                return message;
            }
        }
    }

    fn shut_down(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

fn stdio_initialize(client: &mut StdioClient) {
    let mut params = initialize_params(None, Encoding::Utf16);
    params["capabilities"]["workspace"]["configuration"] = json!(true);
    client.request("initialize", params);
    client.notify("initialized", json!({}));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"yaml": configuration_section(Some("yaml")), "kubeLsp": configuration_section(Some("kubeLsp"))}}),
    );
    // Idle once a request sent after `initialized` is answered.
    client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": "file:///nonexistent.yaml"}}));
}

fn measure_memory(path: &Path, text: &str) -> Memory {
    let mut client = StdioClient::spawn(&[env!("CARGO_BIN_EXE_kube-lsp").to_owned()]);
    stdio_initialize(&mut client);
    let (idle_rss_kib, _) = status_kib(client.pid());
    let uri = file_uri(path);
    let uri_text = uri.as_str().to_owned();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    client.wait_for(|message| {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == uri_text.as_str()
            && message["params"]["version"] == 1
    });
    let (rss_kib, peak_kib) = status_kib(client.pid());
    client.shut_down();
    Memory { idle_rss_kib, rss_kib, peak_kib }
}

/// What one server does with the 5 MiB file over stdio: `didOpen` → its
/// diagnostics, keystrokes → theirs (the first published for the file after
/// the change where a server sends no version), resident memory after open.
struct StdioSession {
    open: Duration,
    keystrokes: Vec<Duration>,
    rss_kib: u64,
}

fn stdio_session(command: &[String], path: &Path, text: &str, keystrokes: usize) -> StdioSession {
    let mut client = StdioClient::spawn(command);
    stdio_initialize(&mut client);
    let uri = file_uri(path);
    let uri_text = uri.as_str().to_owned();
    let diagnostics_for = |version: i64| {
        let uri_text = uri_text.clone();
        move |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri_text.as_str()
                && (message["params"]["version"].is_null() || message["params"]["version"] == version)
        }
    };
    let started = Instant::now();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    client.wait_for(diagnostics_for(1));
    let open = started.elapsed();
    let (rss_kib, _) = status_kib(client.pid());
    let label = "    tier: frontend";
    let middle = text.len() / 2;
    let offset = middle + text[middle..].find(label).expect("a web front after the middle") + label.len();
    let at = position(text, offset, Encoding::Utf16);
    let after = json!({"line": at["line"], "character": at["character"].as_u64().expect("a number") + 1});
    let mut times = Vec::with_capacity(keystrokes);
    for keystroke in 0..keystrokes + 1 {
        let version = keystroke as i64 + 2;
        let change = if keystroke % 2 == 0 {
            json!({"range": {"start": at, "end": at}, "text": "x"})
        } else {
            json!({"range": {"start": at, "end": after}, "text": ""})
        };
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        client.wait_for(diagnostics_for(version));
        // The first keystroke warms up.
        if keystroke > 0 {
            times.push(started.elapsed());
        }
    }
    client.shut_down();
    StdioSession { open, keystrokes: times, rss_kib }
}

/// The same session over stdio against the release binary and, when
/// `KUBE_LSP_BENCH_OTHER_SERVER` holds a command (`benches/yamlls.sh` sets it
/// to yaml-language-server), against that server too.
fn stdio_rows(dir: &Path, iterations: &Iterations) -> Vec<Row> {
    let text = generate::big_file(5 * MIB, SEED + 5);
    let folder = dir.join("stdio");
    std::fs::create_dir_all(&folder).expect("a folder");
    let path = folder.join("big-5mib.yaml");
    std::fs::write(&path, &text).expect("the file is written");
    let parser = median(&(0..iterations.parser_runs).map(|_| time_parser(&text)).collect::<Vec<_>>());
    let mut servers = vec![("kube-lsp".to_owned(), vec![env!("CARGO_BIN_EXE_kube-lsp").to_owned()])];
    if let Ok(command) = std::env::var("KUBE_LSP_BENCH_OTHER_SERVER") {
        let name = std::env::var("KUBE_LSP_BENCH_OTHER_NAME").unwrap_or_else(|_| "other server".to_owned());
        servers.push((name, command.split_whitespace().map(str::to_owned).collect()));
    }
    let keystrokes = (iterations.keystrokes / 5).max(10);
    let mut rows = Vec::new();
    for (name, command) in servers {
        eprintln!("stdio session with {name}: {}", command.join(" "));
        let session = stdio_session(&command, &path, &text, keystrokes);
        let (p50, p95) = (percentile(&session.keystrokes, 0.5), percentile(&session.keystrokes, 0.95));
        eprintln!("  open {:?}, keystroke p50 {p50:?} p95 {p95:?}, RSS {} KiB", session.open, session.rss_kib);
        rows.push(Row::timed(
            format!("{name} over stdio: open the 5 MiB file → its diagnostics"),
            session.open,
            parser,
            Target::None,
        ));
        rows.push(Row::timed(
            format!("{name} over stdio: keystroke → its diagnostics, p50"),
            p50,
            parser,
            Target::None,
        ));
        rows.push(Row::timed(
            format!("{name} over stdio: keystroke → its diagnostics, p95"),
            p95,
            parser,
            Target::None,
        ));
        rows.push(Row {
            figure: format!("{name} over stdio: resident memory after opening the 5 MiB file (VmRSS)"),
            value: format!("{:.0} MiB", session.rss_kib as f64 / 1024.0),
            baseline: "5 MiB of text".to_owned(),
            ratio: format!("{:.2}×", session.rss_kib as f64 / 1024.0 / 5.0),
            target: "—".to_owned(),
            pass: None,
        });
    }
    rows
}
