//! The language server as a user meets it: the release binary spawned over
//! stdio with a workspace folder on disk, timed from the message an editor
//! sends to the message it gets back, next to the YAML parser alone on the
//! same bytes in the same run. Machines are noisy, so the ratios are what
//! to compare, not the absolute times.
//!
//! `cargo bench --bench lsp` runs it; `KUBE_LSP_BENCH_QUICK=1` runs fewer
//! iterations, `KUBE_LSP_BENCH_ONLY=files,workspaces,memory` some parts only.
//! It prints one Markdown table per part on stdout, progress on stderr.
//!
//! - `files`: a 5 MiB file in a folder of its own: `didOpen` → its
//!   diagnostics; a keystroke → the diagnostics of its version; hovers while
//!   keys are held down (a change every 30 ms); inlay hints and code lenses
//!   for one screen in the middle of it (kube-lsp only). With
//!   `KUBE_LSP_BENCH_OTHER_SERVER` (a command) the same for another server
//!   (`benches/yamlls.sh` runs yaml-language-server that way).
//! - `workspaces`: 100, 1,000 and 10,000 files: `initialized` → the first
//!   cross-file diagnostic; hovers and code actions sent right after
//!   `initialized`, while the index is read; a keystroke in an open
//!   StatefulSet file; the cross-file fix (`clusterIP: None` typed into the
//!   Service's file → the StatefulSet's file published without
//!   `service-not-headless`); hovers during a keystroke storm.
//! - `memory`: resident memory after opening a 20 MiB file with
//!   `maxFileSize` raised.
//! - `helm`: the charts of `tests/helm/charts` rendered by the `helm` that
//!   `KUBE_LSP_TEST_HELM` names (skipped without one): saving a template →
//!   its findings published again (a render on a worker thread, then the
//!   mapping), and a hover sent right after the save.
//!
//! The client is the integration tests' (`tests/it/support/stdio.rs`): every
//! message is stamped when it comes off stdout, and every wait is bounded,
//! so a broken server fails the run instead of hanging it. It measures; it
//! asserts nothing but that the server answers.

// A benchmark reports on stdout and stderr; only the library must not print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "support/generate.rs"]
mod generate;
#[path = "../tests/it/support/stdio.rs"]
mod stdio;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use lsp_types::Url;
use rayon::prelude::*;
use serde_json::{json, Value};
use stdio::{is_diagnostics, StdioServer};

const MIB: usize = 1024 * 1024;
/// A bound on every wait, generous for the 10,000-file index on a busy
/// machine.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Raised so that the 20 MiB file is analysed (the default is 10 MiB).
const MAX_FILE_SIZE: usize = 64 * MIB;
/// Findings that only another file can explain.
const CROSS_FILE_CODES: &[&str] = &["service-not-headless", "service-not-found", "selector-mismatch"];
const SEED: u64 = 20_261_128;
/// A held-down key repeats about 30 times a second: the storm's pace.
const STORM_INTERVAL: Duration = Duration::from_millis(30);
/// A hover every this many keystrokes of a storm.
const HOVER_EVERY: usize = 3;
/// How many code lens lists are timed right after a keystroke (an even
/// number: the text ends as it began).
const COLD_LISTS: usize = 200;

/// One screen of an editor, for the inlay hints and code lenses asked for it.
const SCREEN_LINES: usize = 60;
/// How often a user asks for a hover or a code action while the index runs.
const REQUEST_INTERVAL: Duration = Duration::from_millis(20);

/// The parts `KUBE_LSP_BENCH_ONLY` can name, all run by default.
const PARTS: [&str; 5] = ["files", "workspaces", "memory", "kustomize", "helm"];

/// What to run, and how many times.
struct Settings {
    parts: Vec<String>,
    parser_runs: usize,
    opens: usize,
    keystrokes: usize,
    index_runs: usize,
    fixes: usize,
    storm_keystrokes: usize,
}

impl Settings {
    fn from_env() -> Settings {
        let quick = std::env::var_os("KUBE_LSP_BENCH_QUICK").is_some_and(|value| !value.is_empty() && value != "0");
        let parts = match std::env::var("KUBE_LSP_BENCH_ONLY") {
            Ok(parts) if !parts.trim().is_empty() => parts.split(',').map(|part| part.trim().to_owned()).collect(),
            _ => PARTS.map(str::to_owned).to_vec(),
        };
        if let Some(unknown) = parts.iter().find(|part| !PARTS.contains(&part.as_str())) {
            panic!("KUBE_LSP_BENCH_ONLY: no part `{unknown}`; the parts are {}", PARTS.join(", "));
        }
        let (parser_runs, opens, keystrokes, index_runs, fixes, storm_keystrokes) =
            if quick { (3, 2, 40, 1, 20, 90) } else { (7, 5, 300, 3, 100, 600) };
        Settings { parts, parser_runs, opens, keystrokes, index_runs, fixes, storm_keystrokes }
    }

    fn runs(&self, part: &str) -> bool {
        self.parts.iter().any(|wanted| wanted == part)
    }
}

fn main() {
    let settings = Settings::from_env();
    let started = Instant::now();
    let dir = tempfile::Builder::new().prefix("kube-lsp-bench").tempdir().expect("a temporary folder");
    let mut tables = Vec::new();
    if settings.runs("files") {
        tables.push(files_part(dir.path(), &settings).to_string());
    }
    if settings.runs("workspaces") {
        tables.push(workspaces_part(dir.path(), &settings).to_string());
    }
    if settings.runs("memory") {
        tables.push(memory_part(dir.path()).to_string());
    }
    if settings.runs("kustomize") {
        tables.push(kustomize_part(dir.path(), &settings).to_string());
    }
    if settings.runs("helm") {
        match std::env::var_os("KUBE_LSP_TEST_HELM").filter(|helm| !helm.is_empty()) {
            Some(helm) => tables.push(helm_part(dir.path(), Path::new(&helm), &settings).to_string()),
            None => eprintln!("helm: skipped (set KUBE_LSP_TEST_HELM to a helm, e.g. tests/helm/helm)"),
        }
    }
    for table in &tables {
        println!("{table}");
    }
    eprintln!("benchmark finished in {:.0?}", started.elapsed());
}

// The parts.

/// The 5 MiB file: open, keystrokes, hovers during a storm; for kube-lsp and,
/// when named, another server.
fn files_part(dir: &Path, settings: &Settings) -> Table {
    let text = generate::big_file(5 * MIB, SEED + 5);
    let folder = dir.join("file-5mib");
    let path = folder.join("big-5mib.yaml");
    write_file(&path, &text);
    let unsaved = folder.join("new-5mib.yaml");
    eprintln!("5 MiB file: {} bytes, {} documents", text.len(), text.matches("\n---\n").count() + 1);
    let mut servers = vec![Server::kube_lsp()];
    if let Ok(command) = std::env::var("KUBE_LSP_BENCH_OTHER_SERVER") {
        let name = std::env::var("KUBE_LSP_BENCH_OTHER_NAME").unwrap_or_else(|_| "other server".to_owned());
        servers.push(Server { name, command: command.split_whitespace().map(str::to_owned).collect() });
    }
    let mut table = Table::new("A 5 MiB file (parser: one thread)");
    let keystroke = Keystroke::at_end_of(&text, "    tier: frontend", text.len() / 2);
    // Far before the keystroke, so the storm does not move it.
    let hover_at = offset_after(&text, "  serviceName: ", 0) + 2;
    for server in &servers {
        // Each open right after the parser alone on the same bytes: the
        // file the server has read from the folder, and the same text as a
        // new file not yet saved, which it has not (closed again after).
        let mut pairs = Vec::new();
        let mut unsaved_pairs = Vec::new();
        let mut session = None;
        for run in 0..settings.opens.max(1) {
            let mut client = server.start(Some(&folder));
            client.initialized_and_settled();
            let parser = time_parse_one(&text);
            let sent = client.open(&path, &text);
            pairs.push((client.diagnostics(&file_uri(&path), 1).at - sent, parser));
            let parser = time_parse_one(&text);
            let sent = client.open(&unsaved, &text);
            unsaved_pairs.push((client.diagnostics(&file_uri(&unsaved), 1).at - sent, parser));
            client.close(&unsaved);
            client.settle();
            if run + 1 == settings.opens.max(1) {
                session = Some(client);
            } else {
                client.server.shut_down();
            }
        }
        let parser = median(&pairs.iter().map(|(_, parser)| *parser).collect::<Vec<_>>());
        eprintln!("  {}: didOpen → diagnostics, parser alone: {pairs:?}; unsaved: {unsaved_pairs:?}", server.name);
        table.paired(format!("{}: open it → its diagnostics", server.name), &pairs, Target::None);
        table.paired(
            format!("{}: open it as a new file, not on disk → its diagnostics", server.name),
            &unsaved_pairs,
            Target::None,
        );

        let mut client = session.expect("one open at least");
        let times = client.keystrokes(&path, &keystroke, settings.keystrokes);
        eprintln!("  {}: keystroke p50 {:?}, p95 {:?}", server.name, percentile(&times, 0.5), percentile(&times, 0.95));
        let targeted = server.is_kube_lsp();
        let (t50, t95) =
            if targeted { (Target::MillisAndRatio(5.0, 0.05), Target::None) } else { (Target::None, Target::None) };
        table.timed(format!("{}: keystroke → its diagnostics, p50", server.name), percentile(&times, 0.5), parser, t50);
        table.timed(
            format!("{}: keystroke → its diagnostics, p95", server.name),
            percentile(&times, 0.95),
            parser,
            t95,
        );

        if targeted {
            views(&mut client, &path, &text, &keystroke, settings.keystrokes, &mut table);
        }

        let storm = client.storm(&path, &text, &keystroke, hover_at, settings.storm_keystrokes);
        eprintln!("  {}: hovers during a storm: {}", server.name, storm.summary());
        let target = if targeted { Target::Millis(20.0) } else { Target::None };
        table.spread(format!("{}: hover during a keystroke storm, p50", server.name), &storm.hovers, 0.5, Target::None);
        table.spread(format!("{}: hover during a keystroke storm, p95", server.name), &storm.hovers, 0.95, target);
        table.note(format!(
            "{}: storm of {} keystrokes every {} ms, a hover every {HOVER_EVERY}; the last keystroke's diagnostics {} \
             after it was sent",
            server.name,
            storm.keystrokes,
            STORM_INTERVAL.as_millis(),
            millis(storm.settled)
        ));
        client.server.shut_down();
    }
    table
}

/// Inlay hints and code lenses for one screen in the middle of the file, as
/// an editor asks for them when it scrolls there: `textDocument/inlayHint`
/// for the screen's range, `textDocument/codeLens` (the protocol gives it no
/// range: the whole document's lens places) and `codeLens/resolve` for each
/// lens on the screen. Each request is awaited before the next is sent.
fn views(client: &mut Client, path: &Path, text: &str, keystroke: &Keystroke, count: usize, table: &mut Table) {
    let uri = file_uri(path);
    // The screen opens at the first StatefulSet past the middle, a few lines
    // above it: the middle itself may fall in a ConfigMap's long literal
    // block, which has nothing to hint.
    let stateful_set = offset_after(text, "\nkind: StatefulSet", text.len() / 2);
    let start = text[..stateful_set].match_indices('\n').rev().nth(10).map_or(0, |(at, _)| at + 1);
    let end = text[start..].match_indices('\n').nth(SCREEN_LINES - 1).map_or(text.len(), |(at, _)| start + at);
    let range = json!({"start": position(text, start), "end": position(text, end)});
    let (first_line, last_line) = (range["start"]["line"].clone(), range["end"]["line"].clone());
    let document = json!({"textDocument": {"uri": uri}});
    let mut hint_params = document.clone();
    hint_params["range"] = range;

    let (hint_times, hints) = client.timed_requests("textDocument/inlayHint", &[hint_params], count);
    let (lens_times, lenses) = client.timed_requests("textDocument/codeLens", std::slice::from_ref(&document), count);
    let all_lenses = lenses.as_array().cloned().unwrap_or_default();
    let on_screen: Vec<Value> = all_lenses
        .iter()
        .filter(|lens| {
            let line = lens["range"]["start"]["line"].as_u64();
            line >= first_line.as_u64() && line <= last_line.as_u64()
        })
        .cloned()
        .collect();
    let (resolve_times, _) = client.timed_requests("codeLens/resolve", &on_screen, count);
    // The server keeps a list until the workspace changes: the first list
    // after a keystroke (its diagnostics awaited first, so that the request
    // waits on nothing else) is made afresh.
    let mut cold_times = Vec::new();
    for number in 0..count.min(COLD_LISTS) {
        let (version, _) = client.change(path, keystroke.change(number));
        client.diagnostics(&uri, version);
        let sent = Instant::now();
        let id = client.server.send_request("textDocument/codeLens", document.clone());
        let received = client.server.response_timed(id);
        assert!(received.message.get("error").is_none(), "`textDocument/codeLens` answered {}", received.message);
        cold_times.push(received.at - sent);
        client.server.clear_seen();
    }
    client.server.clear_seen();
    // The client stamps an answer when its bytes are in, before it parses
    // them; parsing the lens list is the editor's cost, timed apart.
    let lens_body = serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 1, "result": lenses})).unwrap_or_default();
    let parse_times: Vec<Duration> = (0..count)
        .map(|_| {
            let started = Instant::now();
            let parsed = serde_json::from_slice::<Value>(&lens_body);
            let elapsed = started.elapsed();
            assert!(parsed.is_ok(), "the codeLens answer parses");
            elapsed
        })
        .collect();
    // Find references from that StatefulSet's name: its tie and the peer
    // addresses (`<sts>-0.<svc>`) that name its pods, over the whole file.
    let name_at = offset_after(text, "  name: ", stateful_set) + 1;
    let references_params = json!({
        "textDocument": {"uri": uri}, "position": position(text, name_at), "context": {"includeDeclaration": true}
    });
    let (reference_times, found) = client.timed_requests("textDocument/references", &[references_params], count);
    let reference_count = found.as_array().map_or(0, Vec::len);
    let hint_count = hints.as_array().map_or(0, Vec::len);
    eprintln!(
        "  kube-lsp: inlay hints p50 {:?} ({hint_count} hints), code lens p50 {:?} ({} lenses), resolve p50 {:?} ({} on screen)",
        percentile(&hint_times, 0.5),
        percentile(&lens_times, 0.5),
        all_lenses.len(),
        percentile(&resolve_times, 0.5),
        on_screen.len()
    );
    eprintln!("  kube-lsp: references p50 {:?} ({reference_count} found)", percentile(&reference_times, 0.5));
    for fraction in [0.5, 0.95] {
        table.spread(
            format!(
                "kube-lsp: references of a StatefulSet, peer addresses included ({reference_count}), p{:.0}",
                fraction * 100.0
            ),
            &reference_times,
            fraction,
            Target::None,
        );
    }
    for (figure, times) in [
        ("inlayHint for one screen", &hint_times),
        ("codeLens (the whole document's places)", &lens_times),
        ("codeLens, the first after a keystroke", &cold_times),
        ("codeLens/resolve of a lens on the screen", &resolve_times),
    ] {
        table.spread(format!("kube-lsp: {figure}, p50"), times, 0.5, Target::None);
        table.spread(format!("kube-lsp: {figure}, p95"), times, 0.95, Target::Millis(1.0));
    }
    table.spread(
        "the benchmark client's own JSON parse of the codeLens answer (not the server's), p50".to_owned(),
        &parse_times,
        0.5,
        Target::None,
    );
    table.note(format!(
        "views: one screen ({SCREEN_LINES} lines) at the first StatefulSet past the middle of the file: {hint_count} inlay hints; {} code lenses \
         in the document ({} KB of JSON), {} of them on the screen and resolved one by one; each request awaited before the next; \
         each answer timed to its last byte off stdout, before the client parses it",
        all_lenses.len(),
        lens_body.len() / 1000,
        on_screen.len()
    ));
}

/// What one workspace measured.
struct WorkspaceFigures {
    file_count: usize,
    bytes: usize,
    /// `initialized` → the first cross-file diagnostic, each run paired with
    /// the parser on two threads right before it.
    index: Vec<(Duration, Duration)>,
    parser_one_thread: Duration,
    during_index: DuringIndex,
    /// The parser on one thread on the StatefulSet's file typed in.
    parser_file: Duration,
    keystrokes: Vec<Duration>,
    fixes: Fixes,
    storm: Storm,
}

/// Workspaces of 100, 1,000 and 10,000 files.
fn workspaces_part(dir: &Path, settings: &Settings) -> Grid {
    let two_threads = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool of two threads");
    let mut measured = Vec::new();
    for file_count in [100, 1_000, 10_000] {
        let files = generate::workspace(file_count, SEED);
        let root = dir.join(format!("workspace-{file_count}"));
        for file in &files {
            write_file(&root.join(&file.path), &file.text);
        }
        let bytes: usize = files.iter().map(|file| file.text.len()).sum();
        eprintln!("{} files: {bytes} bytes", thousands(file_count));
        let texts: Vec<&str> = files.iter().map(|file| file.text.as_str()).collect();

        // Index: each run right after the parser alone on the same files.
        let runs = if file_count == 10_000 { settings.index_runs } else { settings.index_runs.max(3) };
        let mut index = Vec::new();
        let mut one_thread = Vec::new();
        for _ in 0..runs {
            one_thread.push(time_parse_all(&texts));
            let parser = two_threads.install(|| time_parse_all(&texts));
            let mut client = Server::kube_lsp().start(Some(&root));
            let sent = client.notify_initialized();
            let first = client.server.wait_timed("cross-file diagnostic", has_cross_file_finding);
            index.push((first.at - sent, parser));
            client.server.shut_down();
        }
        eprintln!("  initialized → first cross-file diagnostic, parser alone on two threads: {index:?}");

        // The app whose Service is not headless, in files of its own.
        let service = files
            .iter()
            .find(|file| file.text.contains("# clusterIP: None was dropped"))
            .expect("a Service that is not headless");
        let app = service.path.strip_suffix("-service.yaml").expect("a Service file");
        let stateful_set = files
            .iter()
            .find(|file| file.path == format!("{app}-statefulset.yaml"))
            .expect("the StatefulSet of that Service");
        let stateful_set_path = root.join(&stateful_set.path);
        let service_path = root.join(&service.path);
        let parser_file =
            median(&(0..settings.parser_runs).map(|_| time_parse_one(&stateful_set.text)).collect::<Vec<_>>());
        let service_name_at = offset_after(&stateful_set.text, "  serviceName: ", 0) + 2;

        // Requests while the index is read: a fresh server, the StatefulSet
        // opened right after `initialized`, then hovers and code actions.
        let mut client = Server::kube_lsp().start(Some(&root));
        client.notify_initialized();
        client.open(&stateful_set_path, &stateful_set.text);
        let during_index = client.requests_until_indexed(&stateful_set_path, &stateful_set.text, service_name_at);
        eprintln!("  while indexing: hovers {:?}, code actions {:?}", during_index.hovers, during_index.code_actions);
        // Settled, with both files of the app open.
        client.server.diagnostics_of(&file_uri(&stateful_set_path), 1);
        client.settle();
        client.open(&service_path, &service.text);
        client.server.diagnostics_of(&file_uri(&service_path), 1);
        client.settle();

        let keystroke = Keystroke::at_end_of(&stateful_set.text, "          image: ", 0);
        let keystrokes = client.keystrokes(&stateful_set_path, &keystroke, settings.keystrokes);
        eprintln!("  keystroke: p50 {:?}, p95 {:?}", percentile(&keystrokes, 0.5), percentile(&keystrokes, 0.95));
        let fixes = client.cross_file_fixes(&stateful_set_path, &service_path, &service.text, settings.fixes);
        eprintln!(
            "  cross-file fix: p50 {:?}, p95 {:?}; undone: p50 {:?}",
            percentile(&fixes.fixes, 0.5),
            percentile(&fixes.fixes, 0.95),
            percentile(&fixes.breaks, 0.5)
        );
        let storm = client.storm(
            &stateful_set_path,
            &stateful_set.text,
            &keystroke,
            service_name_at,
            settings.storm_keystrokes,
        );
        eprintln!("  hovers during a storm: {}", storm.summary());
        client.server.shut_down();
        measured.push(WorkspaceFigures {
            file_count,
            bytes,
            index,
            parser_one_thread: median(&one_thread),
            during_index,
            parser_file,
            keystrokes,
            fixes,
            storm,
        });
    }
    workspace_grid(&measured)
}

/// A kustomize workspace: a base of 500 StatefulSets, each with its
/// headless Service in a file of its own, and 3 overlays over it (namespace
/// and prefix each; one patches a Service to a cluster IP). Timed: from
/// `initialized` to the patch's finding in the base, and keystrokes in a
/// base file, each of which checks again the 3 builds that read it.
fn kustomize_part(dir: &Path, settings: &Settings) -> Table {
    const APPS: usize = 500;
    let root = dir.join("kustomize");
    let mut resources = String::from("resources:\n");
    for app in 0..APPS {
        let text = format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: app-{app}\nspec:\n  serviceName: app-{app}\n  \
             replicas: 3\n  selector:\n    matchLabels:\n      app: app-{app}\n  template:\n    metadata:\n      \
             labels:\n        app: app-{app}\n    spec:\n      containers:\n        - name: app\n          \
             image: registry.example/app:1\n          ports:\n            - name: peer\n              \
             containerPort: 7000\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{app}\nspec:\n  \
             clusterIP: None\n  selector:\n    app: app-{app}\n  ports:\n    - name: peer\n      port: 7000\n      \
             targetPort: peer\n"
        );
        write_file(&root.join(format!("base/app-{app}.yaml")), &text);
        resources.push_str(&format!("  - app-{app}.yaml\n"));
    }
    write_file(&root.join("base/kustomization.yaml"), &resources);
    for overlay in ["dev", "staging", "prod"] {
        let mut text = format!("namespace: {overlay}\nnamePrefix: {overlay}-\nresources:\n  - ../../base\n");
        if overlay == "prod" {
            text.push_str("patches:\n  - path: service.yaml\n");
            write_file(
                &root.join("overlays/prod/service.yaml"),
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: app-7\nspec:\n  clusterIP: 10.96.0.7\n",
            );
        }
        write_file(&root.join(format!("overlays/{overlay}/kustomization.yaml")), &text);
    }
    let base_file = root.join("base/app-7.yaml");
    let base_uri = file_uri(&base_file);
    let mut index = Vec::new();
    for _ in 0..settings.index_runs.max(3) {
        let mut client = Server::kube_lsp().start(Some(&root));
        let sent = client.notify_initialized();
        let first = client.server.wait_timed("the prod build's finding in the base", |message| {
            is_diagnostics(message, &base_uri)
                && message["params"]["diagnostics"].as_array().is_some_and(|list| !list.is_empty())
        });
        index.push(first.at - sent);
        client.server.shut_down();
    }
    eprintln!("kustomize: initialized → the build's finding in the base: {index:?}");
    let mut client = Server::kube_lsp().start(Some(&root));
    client.initialized_and_settled();
    let text = std::fs::read_to_string(&base_file).expect("the base file");
    client.open(&base_file, &text);
    client.server.diagnostics_of(&base_uri, 1);
    client.settle();
    let keystroke = Keystroke::at_end_of(&text, "          image: ", 0);
    let keystrokes = client.keystrokes(&base_file, &keystroke, settings.keystrokes);
    eprintln!(
        "  keystroke in a base file: p50 {:?}, p95 {:?}",
        percentile(&keystrokes, 0.5),
        percentile(&keystrokes, 0.95)
    );
    client.server.shut_down();
    let mut table = Table::new("Kustomize: a base of 500 StatefulSets and their Services, 3 overlays");
    table.spread("initialized → the prod build's finding in the base, p50".to_owned(), &index, 0.5, Target::None);
    table.spread("keystroke in a base file → its diagnostics, p50".to_owned(), &keystrokes, 0.5, Target::Millis(100.0));
    table.spread(
        "keystroke in a base file → its diagnostics, p95".to_owned(),
        &keystrokes,
        0.95,
        Target::Millis(200.0),
    );
    table.note(
        "Each keystroke in the base checks again the 3 builds that read it (1,000 objects each, rendered, read and \
         checked); a file no build reads would check its own document only."
            .to_owned(),
    );
    table
}

/// The workspaces side by side; targets are for the largest.
fn workspace_grid(measured: &[WorkspaceFigures]) -> Grid {
    let mut grid = Grid::new(
        "Workspaces (targets for the 10,000 files)",
        measured.iter().map(|figures| format!("{} files", thousands(figures.file_count))).collect(),
    );
    let cells = |cell: &dyn Fn(&WorkspaceFigures) -> String| measured.iter().map(cell).collect::<Vec<_>>();
    let last = measured.last().expect("a workspace");
    grid.row("bytes", cells(&|figures| format!("{:.1} MB", figures.bytes as f64 / 1e6)), "", None);
    let index = |figures: &WorkspaceFigures| median(&figures.index.iter().map(|(time, _)| *time).collect::<Vec<_>>());
    let parser = |figures: &WorkspaceFigures| median(&figures.index.iter().map(|(_, time)| *time).collect::<Vec<_>>());
    let index_ratio = |figures: &WorkspaceFigures| {
        let mut ratios: Vec<f64> =
            figures.index.iter().map(|(time, parser)| time.as_secs_f64() / parser.as_secs_f64()).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[(ratios.len() - 1) / 2]
    };
    grid.row("index → first cross-file diagnostic", cells(&|figures| millis(index(figures))), "", None);
    grid.row(
        "parser alone, two threads (one thread)",
        cells(&|figures| format!("{} ({})", millis(parser(figures)), millis(figures.parser_one_thread))),
        "",
        None,
    );
    grid.row(
        "index ÷ parser on two threads",
        cells(&|figures| format!("{:.2}×", index_ratio(figures))),
        "≤ 2×",
        Some(index_ratio(last) <= 2.0),
    );
    let hover_p95 = percentile(&last.during_index.hovers, 0.95);
    grid.row(
        "hover while the index runs, p50 / p95 (n)",
        cells(&|figures| spread(&figures.during_index.hovers)),
        "p95 ≤ 20 ms",
        Some(hover_p95.as_secs_f64() * 1000.0 <= 20.0),
    );
    grid.row(
        "code action while the index runs, p50 / p95 (n)",
        cells(&|figures| spread(&figures.during_index.code_actions)),
        "",
        None,
    );
    let keystroke_p50 = |figures: &WorkspaceFigures| percentile(&figures.keystrokes, 0.5);
    grid.row(
        "keystroke → its diagnostics, p50 / p95",
        cells(&|figures| {
            format!("{} / {}", millis(keystroke_p50(figures)), millis(percentile(&figures.keystrokes, 0.95)))
        }),
        "p50 ≤ 2 ms",
        Some(keystroke_p50(last).as_secs_f64() * 1000.0 <= 2.0),
    );
    let first = measured.first().expect("a workspace");
    let against_first =
        |figures: &WorkspaceFigures| keystroke_p50(figures).as_secs_f64() / keystroke_p50(first).as_secs_f64();
    grid.row(
        &format!("keystroke p50 ÷ the same in {} files", thousands(first.file_count)),
        cells(&|figures| format!("{:.2}×", against_first(figures))),
        "≤ 2×",
        Some(against_first(last) <= 2.0),
    );
    grid.row("parser alone on the file typed in, one thread", cells(&|figures| millis(figures.parser_file)), "", None);
    let fix_p50 = percentile(&last.fixes.fixes, 0.5);
    grid.row(
        "cross-file fix → the StatefulSet's file re-published, p50 / p95",
        cells(&|figures| {
            format!(
                "{} / {}",
                millis(percentile(&figures.fixes.fixes, 0.5)),
                millis(percentile(&figures.fixes.fixes, 0.95))
            )
        }),
        "p50 ≤ 5 ms",
        Some(fix_p50.as_secs_f64() * 1000.0 <= 5.0),
    );
    grid.row(
        "the fix undone → the finding back, p50",
        cells(&|figures| millis(percentile(&figures.fixes.breaks, 0.5))),
        "",
        None,
    );
    let storm_p95 = percentile(&last.storm.hovers, 0.95);
    grid.row(
        "hover during a keystroke storm, p50 / p95 (n)",
        cells(&|figures| spread(&figures.storm.hovers)),
        "p95 ≤ 20 ms",
        Some(storm_p95.as_secs_f64() * 1000.0 <= 20.0),
    );
    grid.row("the storm's last keystroke → its diagnostics", cells(&|figures| millis(figures.storm.settled)), "", None);
    grid.note(
        "index: `initialized` → the first published `service-not-headless`, `service-not-found` or \
         `selector-mismatch`, each run right after the parser alone on the same files (medians; the ratio is the \
         median of the runs' own ratios)"
            .to_owned(),
    );
    grid.note(format!(
        "while the index runs: a hover or a code action on the open StatefulSet's `serviceName` every {} ms from \
         right after `initialized` until the first cross-file diagnostic, each timed to its answer",
        REQUEST_INTERVAL.as_millis()
    ));
    grid.note(
        "keystroke: `x` typed at the end of the open StatefulSet's `image:` line and deleted again, each timed to \
         the `publishDiagnostics` of its version"
            .to_owned(),
    );
    grid.note(
        "cross-file fix: the Service's file open too; its commented-out line replaced by `clusterIP: None`, timed \
         to the StatefulSet's file published without `service-not-headless`; then undone"
            .to_owned(),
    );
    grid.note(format!(
        "storm: {} keystrokes, one every {} ms (a held-down key), a hover every {HOVER_EVERY}, nothing awaited",
        last.storm.keystrokes,
        STORM_INTERVAL.as_millis()
    ));
    grid
}

/// `p50 / p95 (n)` of request times.
fn spread(times: &[Duration]) -> String {
    if times.is_empty() {
        return "— (0)".to_owned();
    }
    format!("{} / {} ({})", millis(percentile(times, 0.5)), millis(percentile(times, 0.95)), times.len())
}

/// Resident memory of the child after opening the 20 MiB file.
fn memory_part(dir: &Path) -> Table {
    let text = generate::big_file(20 * MIB, SEED + 20);
    let folder = dir.join("file-20mib");
    let path = folder.join("big-20mib.yaml");
    write_file(&path, &text);
    let mut client = Server::kube_lsp().start(Some(&folder));
    client.initialized_and_settled();
    let (idle_kib, _) = status_kib(client.server.pid());
    let sent = client.open(&path, &text);
    let opened = client.server.diagnostics_of(&file_uri(&path), 1).at - sent;
    client.settle();
    let (rss_kib, peak_kib) = status_kib(client.server.pid());
    client.server.shut_down();
    eprintln!("memory: idle {idle_kib} KiB, after opening {rss_kib} KiB, peak {peak_kib} KiB; open took {opened:?}");
    let file_mib = text.len() as f64 / MIB as f64;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let mut table = Table::new("Memory (the release binary, /proc/<pid>/status)");
    table.row(Row {
        figure: "resident memory after opening the 20 MiB file (VmRSS)".to_owned(),
        measured: format!("{:.0} MiB", mib(rss_kib)),
        baseline: format!("{file_mib:.0} MiB of text"),
        ratio: format!("{:.2}×", mib(rss_kib) / file_mib),
        target: "≤ 120 MiB".to_owned(),
        verdict: Some(mib(rss_kib) <= 120.0),
    });
    table.row(Row {
        figure: "peak resident memory (VmHWM)".to_owned(),
        measured: format!("{:.0} MiB", mib(peak_kib)),
        baseline: format!("{file_mib:.0} MiB of text"),
        ratio: format!("{:.2}×", mib(peak_kib) / file_mib),
        target: "—".to_owned(),
        verdict: None,
    });
    table.row(Row {
        figure: "resident memory before the open, the folder read (VmRSS)".to_owned(),
        measured: format!("{:.1} MiB", mib(idle_kib)),
        baseline: "—".to_owned(),
        ratio: "—".to_owned(),
        target: "—".to_owned(),
        verdict: None,
    });
    table.note(format!(
        "the file lies in the workspace folder, so the server has read it before the open; opening it took {} \
         (`maxFileSize` raised to {} MiB in `initializationOptions`)",
        millis(opened),
        MAX_FILE_SIZE / MIB
    ));
    table
}

/// A chart template saved with a fix and without it, in turn: from the
/// `didSave` to the template's findings published again, and a hover sent
/// right after each save (answered while the render runs).
/// The server is pointed at `helm` by `kube_lsp_settings` (it reads the
/// same variable).
fn helm_part(dir: &Path, helm: &Path, settings: &Settings) -> Table {
    eprintln!("helm: rendering with {}", helm.display());
    let folder = dir.join("helm");
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm/charts");
    copy_folder(&charts, &folder.join("charts"));
    let template = folder.join("charts/not-headless/templates/headless-service.yaml");
    let broken = std::fs::read_to_string(&template).expect("the template");
    let fixed = broken.replace("spec:\n", "spec:\n  clusterIP: None\n");
    let uri = file_uri(&template);
    let mut client = Server::kube_lsp().start(Some(&folder));
    client.initialized_and_settled();
    client.open(&template, &broken);
    client.server.wait("the first render's findings", |message| {
        is_diagnostics(message, &uri)
            && message["params"]["diagnostics"].as_array().is_some_and(|list| !list.is_empty())
    });
    let rounds = settings.fixes.min(20);
    let (mut saves, mut hovers) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (text, expect_findings) = if round % 2 == 0 { (&fixed, false) } else { (&broken, true) };
        write_file(&template, text);
        let version = 2 + round as i64;
        client.server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        let saved = Instant::now();
        client.server.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
        let hover = client.server.send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 12}}),
        );
        let published = client.server.wait_timed("the template's findings after a save", |message| {
            is_diagnostics(message, &uri)
                && message["params"]["diagnostics"].as_array().is_some_and(|list| list.is_empty() != expect_findings)
        });
        saves.push(published.at - saved);
        hovers.push(client.server.response_timed(hover).at - saved);
        client.server.clear_seen();
    }
    client.server.shut_down();
    // The baseline: `helm template` of the chart alone, as the server runs
    // it (twice a save: the chart offers name overrides).
    let chart = folder.join("charts/not-headless");
    let alone: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            let output = Command::new(helm)
                .args(["template", "release-name"])
                .arg(&chart)
                .args(["--namespace", "default"])
                .output()
                .expect("run helm");
            assert!(output.status.success(), "helm template failed: {}", String::from_utf8_lossy(&output.stderr));
            started.elapsed()
        })
        .collect();
    let baseline = median(&alone) * 2;
    eprintln!("helm: save → findings p50 {:?}; hover after a save p50 {:?}", median(&saves), median(&hovers));
    let mut table =
        Table::new("Helm charts (the helm of KUBE_LSP_TEST_HELM; baseline: two `helm template` runs alone)");
    table.timed(
        format!("save a template → its findings published again, p50 (n = {})", saves.len()),
        median(&saves),
        baseline,
        Target::None,
    );
    table.timed(
        format!("save a template → its findings published again, p95 (n = {})", saves.len()),
        percentile(&saves, 0.95),
        baseline,
        Target::None,
    );
    table.spread("a hover sent right after the save, p50".to_owned(), &hovers, 0.5, Target::None);
    table.spread("a hover sent right after the save, p95".to_owned(), &hovers, 0.95, Target::None);
    table.note(format!(
        "a save renders the chart twice (it offers name overrides); `helm template` alone took {} (median of 3); \
         the hover is answered while the render runs",
        millis(median(&alone))
    ));
    table
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

// Driving a server.

/// A language server to spawn: kube-lsp's release binary, or another.
struct Server {
    name: String,
    command: Vec<String>,
}

impl Server {
    fn kube_lsp() -> Server {
        Server { name: "kube-lsp".to_owned(), command: vec![env!("CARGO_BIN_EXE_kube-lsp").to_owned()] }
    }

    fn is_kube_lsp(&self) -> bool {
        self.name == "kube-lsp"
    }

    /// Spawned and initialized (UTF-16 positions, the client watching the
    /// files as VS Code does), with `folder` as its workspace folder;
    /// `initialized` is left to the caller.
    fn start(&self, folder: Option<&Path>) -> Client {
        let (program, args) = self.command.split_first().expect("a command");
        let mut command = Command::new(program);
        command.args(args).env("KUBE_LSP_LOG", "warn");
        let mut server = StdioServer::spawn_command(command).with_timeout(TIMEOUT).answering(Box::new(
            |method, params| match method {
                "workspace/configuration" => Value::Array(
                    params["items"]
                        .as_array()
                        .map(|items| items.iter().map(|item| settings_section(item["section"].as_str())).collect())
                        .unwrap_or_default(),
                ),
                _ => Value::Null,
            },
        ));
        let folders = folder.map(|folder| {
            let uri = Url::from_directory_path(folder).expect("an absolute folder");
            json!([{"uri": uri, "name": "bench"}])
        });
        let params = json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {
                    "didChangeWatchedFiles": {"dynamicRegistration": true},
                    "workspaceFolders": true,
                    "configuration": true,
                },
                "textDocument": {"publishDiagnostics": {"versionSupport": true, "relatedInformation": true}},
                "window": {"workDoneProgress": true},
            },
            "initializationOptions": {"kubeLsp": kube_lsp_settings()},
            "workspaceFolders": folders,
        });
        let answer = server.request("initialize", params);
        assert!(answer.get("result").is_some(), "`initialize` answered {answer}");
        Client { server, versions: Default::default(), versioned: self.is_kube_lsp() }
    }
}

/// The settings a server may ask for with `workspace/configuration`: schemas
/// off for yaml-language-server, so that it checks syntax only and never
/// reaches for the network.
fn settings_section(section: Option<&str>) -> Value {
    match section {
        Some("yaml") => {
            json!({"validate": true, "hover": true, "completion": true, "schemaStore": {"enable": false}, "schemas": {}})
        }
        Some("kubeLsp") => kube_lsp_settings(),
        _ => Value::Null,
    }
}

/// kube-lsp's settings: `maxFileSize` raised, and the `helm` of
/// `KUBE_LSP_TEST_HELM` when set (for the `helm` part; the generated
/// workspaces hold no chart).
fn kube_lsp_settings() -> Value {
    let mut settings = json!({"maxFileSize": MAX_FILE_SIZE});
    if let Some(helm) = std::env::var_os("KUBE_LSP_TEST_HELM").filter(|helm| !helm.is_empty()) {
        settings["helm.path"] = json!(helm.to_string_lossy());
    }
    settings
}

struct Client {
    server: StdioServer,
    /// The version of each open document, by URI.
    versions: std::collections::HashMap<String, i64>,
    /// Whether the server says which version its diagnostics are of; when
    /// not, the first published after a change counts as its.
    versioned: bool,
}

/// A keystroke's place: `x` typed there, then deleted again. Its positions
/// are computed once: the client's own work stays out of the figures.
struct Keystroke {
    at: Value,
    after: Value,
}

impl Keystroke {
    /// At the end of the line that starts with `prefix`, the first after `from`.
    fn at_end_of(text: &str, prefix: &str, from: usize) -> Keystroke {
        let start = offset_after(text, prefix, from);
        let end = text[start..].find('\n').map_or(text.len(), |newline| start + newline);
        let at = position(text, end);
        let after = json!({"line": at["line"], "character": at["character"].as_u64().expect("a number") + 1});
        Keystroke { at, after }
    }

    /// The change of keystroke number `number`: even ones type, odd ones
    /// delete, so the text is back after every second one.
    fn change(&self, number: usize) -> Value {
        if number % 2 == 0 {
            json!({"range": {"start": self.at, "end": self.at}, "text": "x"})
        } else {
            json!({"range": {"start": self.at, "end": self.after}, "text": ""})
        }
    }
}

/// Hovers timed during a storm.
struct Storm {
    keystrokes: usize,
    hovers: Vec<Duration>,
    /// From the last keystroke sent to its diagnostics.
    settled: Duration,
}

impl Storm {
    fn summary(&self) -> String {
        format!(
            "{} hovers, p50 {:?}, p95 {:?}, max {:?}; the last diagnostics {:?} after the last keystroke",
            self.hovers.len(),
            percentile(&self.hovers, 0.5),
            percentile(&self.hovers, 0.95),
            percentile(&self.hovers, 1.0),
            self.settled
        )
    }
}

/// Requests answered while the index ran.
struct DuringIndex {
    hovers: Vec<Duration>,
    code_actions: Vec<Duration>,
}

/// Times of the fix and of undoing it again.
struct Fixes {
    fixes: Vec<Duration>,
    breaks: Vec<Duration>,
}

impl Client {
    /// The diagnostics of `uri` at `version`, whenever they came.
    fn diagnostics(&mut self, uri: &str, version: i64) -> stdio::Received {
        if self.versioned {
            return self.server.diagnostics_of(uri, version);
        }
        self.server.wait_timed(&format!("diagnostics of {uri}"), |message| {
            is_diagnostics(message, uri)
                && (message["params"]["version"].is_null() || message["params"]["version"] == version)
        })
    }

    /// Sends `initialized`; returns when it was sent.
    fn notify_initialized(&mut self) -> Instant {
        let sent = Instant::now();
        self.server.notify("initialized", json!({}));
        sent
    }

    /// `initialized`, then waits until the server has read its workspace.
    /// `initialized`, then waits until the folder is read: kube-lsp reads it
    /// in the background and reports the read as progress.
    fn initialized_and_settled(&mut self) {
        self.notify_initialized();
        if self.versioned {
            self.server.wait("the end of the folder read", |message| {
                message["method"] == "$/progress" && message["params"]["value"]["kind"] == "end"
            });
        }
        self.settle();
    }

    /// Returns once a request sent now is answered: the server handles
    /// messages in order, so everything sent before it is done.
    fn settle(&mut self) {
        self.server
            .request("textDocument/documentSymbol", json!({"textDocument": {"uri": "file:///nonexistent.yaml"}}));
        self.server.clear_seen();
    }

    /// `didOpen` at version 1; returns when it was sent.
    fn open(&mut self, path: &Path, text: &str) -> Instant {
        let uri = file_uri(path);
        self.versions.insert(uri.clone(), 1);
        let sent = Instant::now();
        self.server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        sent
    }

    fn close(&mut self, path: &Path) {
        let uri = file_uri(path);
        self.versions.remove(&uri);
        self.server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    }

    /// One `didChange` with the next version; returns it and when it was sent.
    fn change(&mut self, path: &Path, change: Value) -> (i64, Instant) {
        let uri = file_uri(path);
        let version = self.versions.get(&uri).copied().unwrap_or(0) + 1;
        self.versions.insert(uri.clone(), version);
        let sent = Instant::now();
        self.server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        (version, sent)
    }

    /// Keystrokes one after another, each timed to the diagnostics of its
    /// version (a few first ones warm up). The text is the same after.
    fn keystrokes(&mut self, path: &Path, keystroke: &Keystroke, count: usize) -> Vec<Duration> {
        let uri = file_uri(path);
        let warm_up = 4;
        let mut times = Vec::with_capacity(count);
        for number in 0..warm_up + count + (warm_up + count) % 2 {
            let (version, sent) = self.change(path, keystroke.change(number));
            let published = self.diagnostics(&uri, version);
            if number >= warm_up && times.len() < count {
                times.push(published.at - sent);
            }
        }
        self.server.clear_seen();
        times
    }

    /// `count` requests of `method`, one after another and each awaited, with
    /// the params taken in turn from `params`; each timed to its answer (two
    /// first ones warm up). Returns the times and the last answer's result.
    fn timed_requests(&mut self, method: &str, params: &[Value], count: usize) -> (Vec<Duration>, Value) {
        let warm_up = 2;
        let mut times = Vec::with_capacity(count);
        let mut last = Value::Null;
        if params.is_empty() {
            return (times, last);
        }
        for number in 0..warm_up + count {
            let sent = Instant::now();
            let id = self.server.send_request(method, params[number % params.len()].clone());
            let received = self.server.response_timed(id);
            assert!(received.message.get("error").is_none(), "`{method}` answered {}", received.message);
            if number >= warm_up {
                times.push(received.at - sent);
            }
            last = received.message["result"].clone();
            // An editor keeps no history of answers: neither does the
            // client, whose memory would otherwise grow by every answer
            // (300 lists of 1,608 lenses) and slow its reading of the next.
            self.server.clear_seen();
        }
        self.server.clear_seen();
        (times, last)
    }

    /// A key held down: a keystroke every `STORM_INTERVAL` without waiting
    /// for anything, and a hover at `hover_at` (before the keystrokes, so
    /// it does not move) every `HOVER_EVERY` keystrokes, each timed to its
    /// answer. Ends when the last keystroke's diagnostics are published.
    fn storm(&mut self, path: &Path, text: &str, keystroke: &Keystroke, hover_at: usize, count: usize) -> Storm {
        let uri = file_uri(path);
        let count = count + count % 2;
        let hover = json!({"textDocument": {"uri": uri}, "position": position(text, hover_at)});
        let mut pending: Vec<(i64, Instant)> = Vec::new();
        let mut hovers = Vec::new();
        let mut last = None;
        let started = Instant::now();
        for number in 0..count {
            let (version, sent) = self.change(path, keystroke.change(number));
            last = Some((version, sent));
            if number % HOVER_EVERY == HOVER_EVERY - 1 {
                let sent = Instant::now();
                pending.push((self.server.send_request("textDocument/hover", hover.clone()), sent));
            }
            // Whatever arrives until the next keystroke is due.
            let next = started + STORM_INTERVAL * (number as u32 + 1);
            while let Some(received) = self.server.next_before(next) {
                collect_answers(&received, &mut pending, &mut hovers);
            }
        }
        let deadline = Instant::now() + TIMEOUT;
        while !pending.is_empty() {
            let received = self.server.next_before(deadline).expect("the hovers are answered in time");
            collect_answers(&received, &mut pending, &mut hovers);
        }
        let (version, sent) = last.expect("a keystroke");
        let settled = self.diagnostics(&uri, version).at - sent;
        self.server.clear_seen();
        Storm { keystrokes: count, hovers, settled }
    }

    /// A hover or a code action at `offset` every `REQUEST_INTERVAL`, not
    /// waiting for answers, until the first cross-file diagnostic has come;
    /// each timed to its answer.
    fn requests_until_indexed(&mut self, path: &Path, text: &str, offset: usize) -> DuringIndex {
        let uri = file_uri(path);
        let at = position(text, offset);
        let hover = json!({"textDocument": {"uri": uri}, "position": at});
        let code_action = json!({
            "textDocument": {"uri": uri},
            "range": {"start": at, "end": at},
            "context": {"diagnostics": []},
        });
        let mut hovers = Vec::new();
        let mut code_actions = Vec::new();
        let mut pending_hovers = Vec::new();
        let mut pending_code_actions = Vec::new();
        let started = Instant::now();
        let deadline = started + TIMEOUT;
        let mut indexed = false;
        let mut number = 0;
        while !indexed {
            assert!(Instant::now() < deadline, "no cross-file diagnostic within {TIMEOUT:?}");
            let sent = Instant::now();
            if number % 2 == 0 {
                pending_hovers.push((self.server.send_request("textDocument/hover", hover.clone()), sent));
            } else {
                pending_code_actions
                    .push((self.server.send_request("textDocument/codeAction", code_action.clone()), sent));
            }
            number += 1;
            let next = started + REQUEST_INTERVAL * number;
            while let Some(received) = self.server.next_before(next) {
                collect_answers(&received, &mut pending_hovers, &mut hovers);
                collect_answers(&received, &mut pending_code_actions, &mut code_actions);
                indexed |= has_cross_file_finding(&received.message);
            }
        }
        while !pending_hovers.is_empty() || !pending_code_actions.is_empty() {
            let received = self.server.next_before(deadline).expect("the requests are answered in time");
            collect_answers(&received, &mut pending_hovers, &mut hovers);
            collect_answers(&received, &mut pending_code_actions, &mut code_actions);
        }
        DuringIndex { hovers, code_actions }
    }

    /// `clusterIP: None` typed into the Service's file, timed until the
    /// StatefulSet's file is published without `service-not-headless`;
    /// then the line put back, timed until the finding is back.
    fn cross_file_fixes(&mut self, stateful_set: &Path, service: &Path, service_text: &str, count: usize) -> Fixes {
        let comment = "# clusterIP: None was dropped in a refactoring";
        let start = service_text.find(comment).expect("the dropped clusterIP");
        let range =
            json!({"start": position(service_text, start), "end": position(service_text, start + comment.len())});
        let fixed_range = json!({"start": position(service_text, start), "end": position(service_text, start + "clusterIP: None".len())});
        let stateful_set_uri = file_uri(stateful_set);
        let headless_finding = |message: &Value| {
            message["params"]["diagnostics"].as_array().is_some_and(|diagnostics| {
                diagnostics.iter().any(|diagnostic| diagnostic["code"] == "service-not-headless")
            })
        };
        let mut fixes = Fixes { fixes: Vec::new(), breaks: Vec::new() };
        for _ in 0..count {
            let (_, sent) = self.change(service, json!({"range": range, "text": "clusterIP: None"}));
            let fixed = self.server.wait_timed("the StatefulSet's file without `service-not-headless`", |message| {
                is_diagnostics(message, &stateful_set_uri) && !headless_finding(message)
            });
            fixes.fixes.push(fixed.at - sent);
            let (_, sent) = self.change(service, json!({"range": fixed_range, "text": comment}));
            let broken = self.server.wait_timed("the StatefulSet's file with `service-not-headless`", |message| {
                is_diagnostics(message, &stateful_set_uri) && headless_finding(message)
            });
            fixes.breaks.push(broken.at - sent);
            self.server.clear_seen();
        }
        fixes
    }
}

/// Whether `message` publishes a finding that only another file explains.
fn has_cross_file_finding(message: &Value) -> bool {
    message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["diagnostics"].as_array().is_some_and(|diagnostics| {
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic["code"].as_str().is_some_and(|code| CROSS_FILE_CODES.contains(&code)))
        })
}

/// Takes the answer to a pending request off `pending` into `times`.
fn collect_answers(received: &stdio::Received, pending: &mut Vec<(i64, Instant)>, times: &mut Vec<Duration>) {
    if received.message.get("method").is_some() {
        return;
    }
    if let Some(index) = pending.iter().position(|(id, _)| received.message["id"] == *id) {
        let (_, sent) = pending.swap_remove(index);
        times.push(received.at - sent);
    }
}

fn file_uri(path: &Path) -> String {
    Url::from_file_path(path).expect("an absolute path").to_string()
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
    std::fs::write(path, text).expect("the file is written");
}

/// The offset right after the first `needle` at or after `from`.
fn offset_after(text: &str, needle: &str, from: usize) -> usize {
    from + text[from..].find(needle).unwrap_or_else(|| panic!("`{needle}` in the generated text")) + needle.len()
}

/// The LSP position of `offset`, in UTF-16 code units.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    json!({"line": line, "character": text[line_start..offset].encode_utf16().count()})
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

// The parser alone.

/// Every event of the text, as the server's parser reads a document, but
/// over the whole text at once and building nothing.
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

fn time_parse_one(text: &str) -> Duration {
    let started = Instant::now();
    std::hint::black_box(count_events(std::hint::black_box(text)));
    started.elapsed()
}

/// The files parsed on the current rayon pool's threads.
fn time_parse_all(texts: &[&str]) -> Duration {
    let started = Instant::now();
    let events: usize = texts.par_iter().map(|text| count_events(text)).sum();
    std::hint::black_box(events);
    started.elapsed()
}

// Statistics and tables.

fn median(times: &[Duration]) -> Duration {
    percentile(times, 0.5)
}

/// Nearest rank; zero for no times.
fn percentile(times: &[Duration], fraction: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

enum Target {
    None,
    Millis(f64),
    /// Both a time and a ratio to the parser.
    MillisAndRatio(f64, f64),
}

struct Row {
    figure: String,
    measured: String,
    baseline: String,
    ratio: String,
    target: String,
    /// `None` for a figure without a target.
    verdict: Option<bool>,
}

/// One part's figures, printed as a Markdown table with notes below.
struct Table {
    title: String,
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Table {
    fn new(title: &str) -> Table {
        Table { title: title.to_owned(), rows: Vec::new(), notes: Vec::new() }
    }

    fn row(&mut self, row: Row) {
        self.rows.push(row);
    }

    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn timed(&mut self, figure: String, value: Duration, baseline: Duration, target: Target) {
        let ratio_value = value.as_secs_f64() / baseline.as_secs_f64();
        self.with_ratio(figure, value, baseline, ratio_value, target);
    }

    /// A percentile of requests, with how many there were.
    fn spread(&mut self, figure: String, times: &[Duration], fraction: f64, target: Target) {
        let value = percentile(times, fraction);
        let (target, verdict) = target_verdict(target, value, None);
        self.rows.push(Row {
            figure: format!("{figure} (n = {})", times.len()),
            measured: millis(value),
            baseline: "—".to_owned(),
            ratio: "—".to_owned(),
            target,
            verdict: verdict.filter(|_| !times.is_empty()),
        });
    }

    /// From runs each timed right after the parser alone on the same bytes,
    /// so that a burst of load elsewhere hits both: the medians of each, and
    /// the median of the runs' own ratios.
    fn paired(&mut self, figure: String, pairs: &[(Duration, Duration)], target: Target) {
        let values: Vec<Duration> = pairs.iter().map(|(value, _)| *value).collect();
        let baselines: Vec<Duration> = pairs.iter().map(|(_, baseline)| *baseline).collect();
        let mut ratios: Vec<f64> =
            pairs.iter().map(|(value, baseline)| value.as_secs_f64() / baseline.as_secs_f64()).collect();
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios[(ratios.len() - 1) / 2];
        self.with_ratio(figure, median(&values), median(&baselines), ratio, target);
    }

    fn with_ratio(&mut self, figure: String, value: Duration, baseline: Duration, ratio_value: f64, target: Target) {
        let (target, verdict) = target_verdict(target, value, Some(ratio_value));
        self.rows.push(Row {
            figure,
            measured: millis(value),
            baseline: millis(baseline),
            ratio: format!("{ratio_value:.3}×"),
            target,
            verdict,
        });
    }
}

/// Figures side by side in columns (the workspaces), with a target and its
/// verdict for the last column.
struct Grid {
    title: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>, String, Option<bool>)>,
    notes: Vec<String>,
}

impl Grid {
    fn new(title: &str, columns: Vec<String>) -> Grid {
        Grid { title: title.to_owned(), columns, rows: Vec::new(), notes: Vec::new() }
    }

    fn row(&mut self, figure: &str, cells: Vec<String>, target: &str, verdict: Option<bool>) {
        self.rows.push((figure.to_owned(), cells, target.to_owned(), verdict));
    }

    fn note(&mut self, note: String) {
        self.notes.push(note);
    }
}

impl std::fmt::Display for Grid {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(out, "### {}\n", self.title)?;
        writeln!(out, "| figure | {} | target | |", self.columns.join(" | "))?;
        writeln!(out, "| --- |{} --- | --- |", " ---: |".repeat(self.columns.len()))?;
        for (figure, cells, target, verdict) in &self.rows {
            writeln!(out, "| {figure} | {} | {target} | {} |", cells.join(" | "), verdict_text(*verdict))?;
        }
        writeln!(out)?;
        for note in &self.notes {
            writeln!(out, "- {note}")?;
        }
        Ok(())
    }
}

fn verdict_text(verdict: Option<bool>) -> &'static str {
    match verdict {
        None => "",
        Some(true) => "met",
        Some(false) => "**missed**",
    }
}

fn target_verdict(target: Target, value: Duration, ratio: Option<f64>) -> (String, Option<bool>) {
    let ms = value.as_secs_f64() * 1000.0;
    match target {
        Target::None => ("—".to_owned(), None),
        Target::Millis(limit) => (format!("≤ {limit} ms"), Some(ms <= limit)),
        Target::MillisAndRatio(limit, ratio_limit) => (
            format!("≤ {limit} ms (≤ {ratio_limit}×)"),
            Some(ms <= limit && ratio.is_some_and(|ratio| ratio <= ratio_limit)),
        ),
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(out, "### {}\n", self.title)?;
        writeln!(out, "| figure | kube-lsp | parser alone | ratio | target | |")?;
        writeln!(out, "| --- | ---: | ---: | ---: | --- | --- |")?;
        for row in &self.rows {
            let verdict = verdict_text(row.verdict);
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {verdict} |",
                row.figure, row.measured, row.baseline, row.ratio, row.target
            )?;
        }
        if !self.notes.is_empty() {
            writeln!(out)?;
            for note in &self.notes {
                writeln!(out, "- {note}")?;
            }
        }
        Ok(())
    }
}

fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
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
