//! Helm charts end to end: `kube-lsp check` and the language server render
//! the charts of `tests/helm/charts` with the `helm` stand-in of
//! `tests/helm/helm` (helm-python-sdk: Helm's Go SDK without Go), and show
//! the findings of the rendered objects on the template lines.
//!
//! The stand-in is named by `KUBE_LSP_TEST_HELM` (`.ci/run` installs it);
//! without it these tests skip with a line, and fail under `CI=true`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kube-lsp");

/// The stand-in, or `None` (a skip) outside CI when it is not set up.
pub(crate) fn stand_in(test: &str) -> Option<PathBuf> {
    match std::env::var_os("KUBE_LSP_TEST_HELM").filter(|value| !value.is_empty()) {
        Some(helm) => Some(PathBuf::from(helm)),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but KUBE_LSP_TEST_HELM is not set: the Helm tests cannot run (see .ci/run)")
        }
        None => {
            eprintln!("skipping {test}: set KUBE_LSP_TEST_HELM to tests/helm/helm (see .ci/run)");
            None
        }
    }
}

/// `tests/helm` (the charts and the plain manifest beside them) copied to a
/// temporary folder, so that output paths are relative and edits are free.
pub(crate) fn copy_charts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm");
    copy_folder(&from.join("charts"), &dir.path().join("charts"));
    copy_folder(&from.join("plain"), &dir.path().join("plain"));
    dir
}

fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(dir: &Path, args: &[&str], log: Option<&Path>) -> Run {
    kube_lsp(dir, "check", args, log)
}

fn kube_lsp(dir: &Path, subcommand: &str, args: &[&str], log: Option<&Path>) -> Run {
    let mut command = Command::new(BIN);
    command.arg(subcommand).args(args).current_dir(dir).env_remove("KUBE_LSP_LOG").env_remove("NO_COLOR");
    command.stdin(Stdio::null());
    match log {
        Some(log) => command.env("KUBE_LSP_HELM_LOG", log),
        None => command.env_remove("KUBE_LSP_HELM_LOG"),
    };
    let output = command.output().expect("run kube-lsp");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/cli/helm").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| !value.is_empty() && value != "0") {
        fs::create_dir_all(path.parent().expect("a folder")).expect("create");
        fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}; run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{} differs (run with UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// Each command line the stand-in was run with, and the isolating
/// variables it saw.
fn logged(log: &Path) -> Vec<Value> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[test]
fn check_renders_charts_and_reports_on_template_lines() {
    let Some(helm) = stand_in("check_renders_charts_and_reports_on_template_lines") else { return };
    let dir = copy_charts();
    let helm = helm.to_string_lossy().into_owned();
    let run = check(dir.path(), &["--helm", &helm, "."], None);
    assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{}", run.stdout);
    assert_golden("expected.text", &run.stdout);

    let run = check(dir.path(), &["--helm", &helm, "--format", "json", "."], None);
    let findings: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut seen: Vec<String> = findings
        .as_array()
        .expect("an array")
        .iter()
        .map(|finding| {
            format!(
                "{} {} {}",
                finding["file"].as_str().unwrap_or(""),
                finding["line"],
                finding["code"].as_str().unwrap_or("")
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "./charts/broken/templates/statefulset.yaml 9 helm-render",
            "./charts/not-headless/templates/headless-service.yaml 4 service-not-headless",
            "./charts/not-headless/templates/statefulset.yaml 8 service-not-headless",
            "./charts/override/templates/statefulset.yaml 8 service-not-found",
        ],
        "{}",
        run.stdout
    );
    // The plain manifest beside the charts ties to the Service the redis
    // chart renders: no `service-not-found` on it, which it has without
    // rendering.
    let run = check(dir.path(), &["--no-helm", "--format", "json", "."], None);
    assert!(run.stdout.contains("plain/backup.yaml"), "{}", run.stdout);
}

#[test]
fn only_helm_template_and_version_are_run_and_isolated() {
    let Some(helm) = stand_in("only_helm_template_and_version_are_run_and_isolated") else { return };
    let dir = copy_charts();
    let log = dir.path().join("helm.log");
    let helm = helm.to_string_lossy().into_owned();
    fs::write(dir.path().join("prod.yaml"), "replicaCount: 5\n").expect("write values");
    check(
        dir.path(),
        &["--helm", &helm, "--release", "prod", "-f", "prod.yaml", "-n", "cache", "charts/healthy"],
        Some(&log),
    );
    let runs = logged(&log);
    let root = dir.path().to_string_lossy().into_owned();
    let lines: Vec<String> = runs
        .iter()
        .map(|run| {
            let argv: Vec<&str> = run["argv"].as_array().expect("argv").iter().filter_map(Value::as_str).collect();
            argv.join(" ").replace(&root, "<dir>")
        })
        .collect();
    assert_eq!(
        lines,
        [
            "version --short",
            "template prod charts/healthy --namespace cache -f <dir>/prod.yaml",
            "template prod charts/healthy --namespace cache -f <dir>/prod.yaml --set nameOverride=override,fullnameOverride=override-full",
        ]
    );
    let null = if cfg!(windows) { "NUL" } else { "/dev/null" };
    for run in &runs {
        let env = &run["env"];
        assert_eq!(env["HELM_PLUGINS"], null, "{run}");
        assert_eq!(env["KUBECONFIG"], null, "{run}");
        assert_eq!(env["HELM_REPOSITORY_CONFIG"], null, "{run}");
        assert_eq!(env["HELM_KUBECONTEXT"], Value::Null, "{run}");
    }

    // `--no-helm` and `helm.enable: false` run nothing.
    fs::remove_file(&log).expect("remove the log");
    check(dir.path(), &["--helm", &helm, "--no-helm", "."], Some(&log));
    fs::write(dir.path().join(".kube-lsp.yaml"), "helm:\n  enable: false\n").expect("write config");
    check(dir.path(), &["--helm", &helm, "."], Some(&log));
    assert!(logged(&log).is_empty(), "{:?}", logged(&log));
}

/// `dns --format json`'s entries, as `file:line name release broken`.
fn dns_entries(run: &Run) -> Vec<String> {
    let inventory: Value = serde_json::from_str(&run.stdout).expect("JSON");
    inventory["statefulSets"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|set| {
            let broken: Vec<&str> =
                set["link"]["broken"].as_array().expect("broken").iter().filter_map(Value::as_str).collect();
            format!(
                "{}:{} {} release={} replicas={} broken={broken:?}",
                set["file"].as_str().unwrap_or("?"),
                set["line"],
                set["name"].as_str().unwrap_or("?"),
                set["release"],
                set["ordinals"]["replicas"],
            )
        })
        .collect()
}

#[test]
fn dns_lists_rendered_stateful_sets_on_their_templates_with_the_release() {
    let Some(helm) = stand_in("dns_lists_rendered_stateful_sets_on_their_templates_with_the_release") else { return };
    let dir = copy_charts();
    let helm = helm.to_string_lossy().into_owned();
    for (format, golden) in [("text", "dns.text"), ("json", "dns.json"), ("markdown", "dns.md")] {
        let run = kube_lsp(dir.path(), "dns", &["--helm", &helm, "--format", format, "."], None);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.stdout);
        assert_golden(golden, &run.stdout);
    }
    let run = kube_lsp(dir.path(), "dns", &["--helm", &helm, "--format", "json", "."], None);
    assert_eq!(
        dns_entries(&run),
        [
            "./plain/backup.yaml:6 redis-backup release=null replicas=1 broken=[]",
            "./charts/override/templates/statefulset.yaml:4 release-name-etcd release=\"release-name\" replicas=3 broken=[]",
            "./charts/not-headless/templates/statefulset.yaml:4 release-name-kafka release=\"release-name\" replicas=3 broken=[\"service-not-headless\"]",
            "./charts/healthy/templates/statefulset.yaml:4 release-name-redis release=\"release-name\" replicas=3 broken=[]",
        ]
    );
    // The link health is what `check` reports on the template (the
    // override variant's own findings are not the plain render's).
    let run = check(dir.path(), &["--helm", &helm, "--format", "json", "."], None);
    let findings: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut broken: Vec<String> = findings
        .as_array()
        .expect("an array")
        .iter()
        .filter(|finding| {
            finding["file"].as_str().is_some_and(|file| file.ends_with("templates/statefulset.yaml"))
                && !finding["message"].as_str().unwrap_or("").contains("only with name overrides set")
                && finding["code"] != "helm-render"
        })
        .map(|finding| {
            format!("{} {}", finding["file"].as_str().unwrap_or("?"), finding["code"].as_str().unwrap_or("?"))
        })
        .collect();
    broken.sort();
    assert_eq!(broken, ["./charts/not-headless/templates/statefulset.yaml service-not-headless"]);

    // The same flags as `check`: release, values, namespace, no rendering.
    fs::write(dir.path().join("prod.yaml"), "replicaCount: 5\n").expect("write values");
    let args = ["--helm", &helm, "--release", "prod", "-f", "prod.yaml", "-n", "cache", "--format", "json"];
    let run = kube_lsp(dir.path(), "dns", &[&args[..], &["charts/healthy"]].concat(), None);
    assert_eq!(
        dns_entries(&run),
        ["charts/healthy/templates/statefulset.yaml:4 prod-redis release=\"prod\" replicas=5 broken=[]"]
    );
    let run = kube_lsp(dir.path(), "dns", &["--no-helm", "--format", "json", "."], None);
    assert_eq!(
        dns_entries(&run),
        ["./plain/backup.yaml:6 redis-backup release=null replicas=1 broken=[\"service-not-found\"]"]
    );
}

#[test]
fn without_helm_charts_are_skipped_with_a_note() {
    let dir = copy_charts();
    let run = check(dir.path(), &["--helm", "/definitely/not/helm", "--format", "json", "."], None);
    assert!(
        run.stderr.starts_with("note: cannot run `/definitely/not/helm`: ")
            && run.stderr.ends_with(": skipping 4 Helm charts (templates are not checked; see `--helm`)\n"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "one note: {}", run.stderr);
    // The templates are skipped as before: only the plain manifest's finding.
    let findings: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let paths: Vec<&str> =
        findings.as_array().expect("array").iter().filter_map(|finding| finding["file"].as_str()).collect();
    assert_eq!(paths, ["./plain/backup.yaml"]);
}

/// `file://` URI of a path (the test paths are plain ASCII).
pub(crate) fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The diagnostics of a `publishDiagnostics`, as `line code message`.
fn shown(message: &Value) -> Vec<String> {
    message["params"]["diagnostics"]
        .as_array()
        .map(|diagnostics| {
            diagnostics
                .iter()
                .map(|diagnostic| {
                    format!(
                        "{} {} {}",
                        diagnostic["range"]["start"]["line"],
                        diagnostic["code"].as_str().unwrap_or(""),
                        diagnostic["message"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_server_shows_a_render_on_template_lines_and_a_saved_fix_clears_it() {
    use crate::support::stdio::{is_diagnostics, StdioServer};
    use serde_json::json;

    let Some(helm) = stand_in("the_server_shows_a_render_on_template_lines_and_a_saved_fix_clears_it") else { return };
    let dir = copy_charts();
    let root = dir.path().canonicalize().expect("canonical temp dir");
    let log = root.join("helm.log");
    let mut command = Command::new(BIN);
    command.env("KUBE_LSP_LOG", "debug").env("KUBE_LSP_HELM_LOG", &log);
    let mut server = StdioServer::spawn_command(command);
    server.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": uri_of(&root), "capabilities": {},
        "initializationOptions": {"kubeLsp": {"helm.path": helm.to_string_lossy()}}
    }}));
    server.response(1);
    server.notify("initialized", json!({}));

    let service = root.join("charts/not-headless/templates/headless-service.yaml");
    let service_uri = uri_of(&service);
    let statefulset_uri = uri_of(&root.join("charts/not-headless/templates/statefulset.yaml"));
    let text = fs::read_to_string(&service).expect("read the template");
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": service_uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let published = server.wait("the render's findings on the Service template", |message| {
        is_diagnostics(message, &service_uri) && !shown(message).is_empty()
    });
    let on_service = shown(&published);
    assert_eq!(on_service.len(), 1, "{on_service:#?}");
    assert!(
        on_service[0].starts_with("3 service-not-headless Service 'release-name-")
            && on_service[0].contains("get no DNS names; rendered with release 'release-name'; "),
        "{on_service:#?}"
    );
    let on_statefulset = server
        .find_seen(|message| is_diagnostics(message, &statefulset_uri) && !shown(message).is_empty())
        .map(|received| shown(&received.message))
        .unwrap_or_else(|| {
            shown(&server.wait("the findings on the StatefulSet template", |message| {
                is_diagnostics(message, &statefulset_uri) && !shown(message).is_empty()
            }))
        });
    assert!(on_statefulset.iter().any(|line| line.starts_with("7 service-not-headless")), "{on_statefulset:#?}");
    // Hover on the template's serviceName: the rendered card, and the
    // pattern for any release.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": statefulset_uri}, "position": {"line": 7, "character": 20}}),
    );
    let card = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(card.starts_with("Rendered by Helm with release `release-name`."), "{hover:#}");
    assert!(card.contains("For any release `<release>`: pods `<release>-kafka-0.<release>-kafka-headless`"), "{card}");

    // The fix, typed and saved: the render that follows clears both sides.
    let fixed = text.replace("spec:\n", "spec:\n  clusterIP: None\n");
    assert_ne!(fixed, text);
    fs::write(&service, &fixed).expect("save the fix");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": service_uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    server.notify("textDocument/didSave", json!({"textDocument": {"uri": service_uri}}));
    server.wait("the Service template cleared", |message| {
        is_diagnostics(message, &service_uri) && message["params"]["version"] == 2 && shown(message).is_empty()
    });
    server.wait("the StatefulSet template cleared", |message| {
        is_diagnostics(message, &statefulset_uri) && shown(message).is_empty()
    });
    // A chart whose Chart.yaml goes is a chart no more: its render's
    // finding (the broken chart's helm-render) goes with it.
    let broken_uri = uri_of(&root.join("charts/broken/templates/statefulset.yaml"));
    let failed = |message: &Value| shown(message).iter().any(|line| line.contains("helm-render"));
    if server.find_seen(|message| is_diagnostics(message, &broken_uri) && failed(message)).is_none() {
        server
            .wait("the broken chart's helm-render", |message| is_diagnostics(message, &broken_uri) && failed(message));
    }
    let chart_file = root.join("charts/broken/Chart.yaml");
    fs::remove_file(&chart_file).expect("remove Chart.yaml");
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri_of(&chart_file), "type": 3}]}));
    server.wait("the broken chart's finding gone", |message| {
        is_diagnostics(message, &broken_uri) && shown(message).is_empty()
    });
    let id = server.send_request("shutdown", Value::Null);
    server.response(id);
    server.notify("exit", Value::Null);
    let (status, messages, stderr) = server.finish();
    let messages = messages.unwrap_or_else(|error| panic!("stdout is not pure JSON-RPC: {error}\nstderr:\n{stderr}"));
    assert_eq!(status.code(), Some(0), "{stderr}");
    // The plain manifest outside the chart ties to the rendered Service of
    // the redis chart, and diagnostics wait for the first renders as they
    // wait for the folder read: it never shows a finding.
    let plain_uri = uri_of(&root.join("plain/backup.yaml"));
    let flashed = messages.iter().find(|message| is_diagnostics(message, &plain_uri) && !shown(message).is_empty());
    assert!(flashed.is_none(), "{flashed:#?}");
    // The server ran `helm template` only, and each time as SPEC says.
    let root_text = root.to_string_lossy().into_owned();
    let runs = logged(&log);
    assert!(runs.len() >= 5, "a render per chart, and the overrides and saves: {runs:#?}");
    for run in runs {
        let argv: Vec<String> = run["argv"]
            .as_array()
            .expect("argv")
            .iter()
            .filter_map(Value::as_str)
            .map(|arg| arg.replace(&root_text, "<dir>"))
            .collect();
        let chart = argv.get(2).cloned().unwrap_or_default();
        let plain = ["template", "release-name", chart.as_str(), "--namespace", "default"];
        assert!(chart.starts_with("<dir>/charts/") && argv[..argv.len().min(5)] == plain, "{argv:?}");
        assert!(
            argv.len() == 5 || argv[5..] == ["--set", "nameOverride=override,fullnameOverride=override-full"],
            "{argv:?}"
        );
        assert_eq!(run["env"]["HELM_PLUGINS"], if cfg!(windows) { "NUL" } else { "/dev/null" }, "{run}");
    }
    // Nothing is published for the derived files.
    assert!(
        !messages
            .iter()
            .any(|message| message["params"]["uri"].as_str().is_some_and(|uri| uri.contains(".kube-lsp-rendered"))),
        "a render was published as a file"
    );
}

#[test]
fn without_helm_the_server_logs_one_line_and_skips_the_charts() {
    use crate::support::stdio::{is_diagnostics, StdioServer};
    use serde_json::json;

    let dir = copy_charts();
    let root = dir.path().canonicalize().expect("canonical temp dir");
    let mut server = StdioServer::spawn("info");
    server.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": uri_of(&root), "capabilities": {},
        "initializationOptions": {"kubeLsp": {"helm.path": "/definitely/not/helm"}}
    }}));
    server.response(1);
    server.notify("initialized", json!({}));
    let template = root.join("charts/not-headless/templates/headless-service.yaml");
    let uri = uri_of(&template);
    let text = fs::read_to_string(&template).expect("read the template");
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    server.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    let published = server.wait("the template's diagnostics", |message| is_diagnostics(message, &uri));
    assert_eq!(published["params"]["diagnostics"], json!([]), "templates are skipped as before");
    // The plain manifest keeps its finding: nothing renders its Service.
    let plain = uri_of(&root.join("plain/backup.yaml"));
    server.wait("the plain manifest's finding", |message| {
        is_diagnostics(message, &plain) && shown(message).iter().any(|line| line.contains("service-not-found"))
    });
    let id = server.send_request("shutdown", Value::Null);
    server.response(id);
    server.notify("exit", Value::Null);
    let (status, messages, stderr) = server.finish();
    assert!(messages.is_ok(), "stdout is pure JSON-RPC");
    assert_eq!(status.code(), Some(0), "{stderr}");
    let lines = stderr.lines().filter(|line| line.contains("Helm charts are skipped")).count();
    assert_eq!(lines, 1, "one log line however many charts and triggers:\n{stderr}");
}
