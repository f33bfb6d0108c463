//! Golden-file tests of `kube-lsp check`: they run the real binary over the
//! fixtures in `tests/it/cli/<case>/` and compare stdout with
//! `tests/it/cli/<case>/expected.<format>`. Run with `UPDATE_GOLDEN=1` to rewrite
//! the golden files after a deliberate change, then review the diff.
//!
//! Each case is copied to a temporary folder first, so that no
//! `.kube-lsp.yaml` or `.gitignore` around the repository can change it, and
//! paths in the output stay relative (`manifests/service.yaml`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use kube_lsp::api::checks::Code;
use serde_json::Value;

mod dns;

const BIN: &str = env!("CARGO_BIN_EXE_kube-lsp");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/cli")
}

/// Copies a fixture case, except its golden files, to a new temporary folder.
fn copy_case(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_folder(&fixtures().join(case), dir.path());
    dir
}

fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("expected.") {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, text).expect("write file");
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("KUBE_LSP_LOG")
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run kube-lsp");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        pipe.write_all(input).expect("write stdin");
    }
    let Output { status, stdout, stderr } = child.wait_with_output().expect("wait for kube-lsp");
    Run {
        code: status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Compares `actual` with the golden file, or rewrites it under
/// `UPDATE_GOLDEN=1`.
fn assert_golden(case: &str, name: &str, actual: &str) {
    let path = fixtures().join(case).join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| !value.is_empty() && value != "0") {
        write(&path, actual);
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}; run with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        panic!(
            "{} differs (run with UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}

/// The SARIF log with the tool version replaced, so that a release does not
/// change the golden file.
fn normalize_sarif(stdout: &str) -> String {
    stdout.replace(&format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")), "\"version\": \"[VERSION]\"")
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|error| panic!("not JSON ({error}):\n{stdout}"))
}

fn codes(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .expect("an array")
        .iter()
        .map(|finding| {
            format!("{} {}", finding["file"].as_str().unwrap_or("?"), finding["code"].as_str().unwrap_or("?"))
        })
        .collect()
}

#[test]
fn a_clean_folder_exits_0() {
    let dir = copy_case("clean");
    for (format, golden) in [("text", "expected.text"), ("json", "expected.json")] {
        let run = run_in(dir.path(), &["check", "--format", format, "manifests"], None);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stderr, "");
        assert_golden("clean", golden, &run.stdout);
    }
    // The default format is text, and the default path the current folder.
    let run = run_in(&dir.path().join("manifests"), &["check"], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "no findings in 2 files\n");
}

#[test]
fn a_broken_folder_exits_1_in_every_format() {
    let dir = copy_case("broken");
    for format in ["text", "json", "sarif", "github"] {
        let run = run_in(dir.path(), &["check", "--format", format, "manifests"], None);
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stderr, "", "{format}");
        let stdout = if format == "sarif" { normalize_sarif(&run.stdout) } else { run.stdout };
        assert_golden("broken", &format!("expected.{format}"), &stdout);
    }
}

#[test]
fn json_findings_have_the_documented_shape() {
    let dir = copy_case("broken");
    let run = run_in(dir.path(), &["check", "--format", "json", "manifests"], None);
    let findings = json(&run.stdout);
    let findings = findings.as_array().expect("an array");
    assert!(!findings.is_empty());
    let keys = ["file", "line", "column", "endLine", "endColumn", "code", "severity", "message"];
    for finding in findings {
        let object = finding.as_object().expect("an object");
        assert_eq!(object.len(), keys.len(), "{finding}");
        for key in keys {
            assert!(object.contains_key(key), "{key} missing in {finding}");
        }
        assert!(finding["line"].as_u64().is_some_and(|line| line >= 1));
        assert!(finding["column"].as_u64().is_some_and(|column| column >= 1));
        assert!(["error", "warning", "information", "hint"].contains(&finding["severity"].as_str().unwrap_or("")));
        assert!(finding["file"].as_str().is_some_and(|file| file.starts_with("manifests/")), "{finding}");
    }
    let sorted_keys: Vec<(String, u64, u64)> = findings
        .iter()
        .map(|finding| {
            (
                finding["file"].as_str().unwrap_or("").to_owned(),
                finding["line"].as_u64().unwrap_or(0),
                finding["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut expected = sorted_keys.clone();
    expected.sort();
    assert_eq!(sorted_keys, expected, "sorted by file, line and column");

    // Columns count Unicode scalar values: `redis` follows "Zoë (café team)"
    // on its line, two characters shorter than its bytes.
    let service = fs::read_to_string(dir.path().join("manifests/service.yaml")).expect("read fixture");
    let line = service.lines().position(|line| line.contains("café")).expect("the line") + 1;
    let text = service.lines().nth(line - 1).expect("the line");
    let byte = text.find("name: redis").expect("name") + "name: ".len();
    let column = text[..byte].chars().count() + 1;
    let on_name = findings
        .iter()
        .find(|finding| finding["file"] == "manifests/service.yaml" && finding["line"] == line as u64)
        .expect("a finding on the Service's name");
    assert_eq!(on_name["column"], column as u64);
    assert_eq!(on_name["endColumn"], column as u64 + "redis".len() as u64);
}

#[test]
fn sarif_is_structurally_valid() {
    let dir = copy_case("broken");
    let run = run_in(dir.path(), &["check", "--format", "sarif", "manifests"], None);
    let log = json(&run.stdout);
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "kube-lsp");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().is_some_and(|uri| uri.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules");
    // One rule per code, whatever the findings, so that a SARIF viewer can
    // name every rule.
    assert_eq!(rules.len(), Code::ALL.len());
    for rule in rules {
        assert!(rule["id"].as_str().is_some_and(|id| !id.is_empty()));
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|text| !text.is_empty()));
        let id = rule["id"].as_str().unwrap_or("");
        assert!(rule["helpUri"].as_str().is_some_and(|uri| uri.ends_with(&format!("#{id}"))), "{rule}");
        assert!(["error", "warning", "note", "none"]
            .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")));
    }
    let results = runs[0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let mut related_seen = false;
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at ruleId in {result}");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap_or("")));
        assert!(result["message"]["text"].as_str().is_some_and(|text| !text.is_empty()));
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let mut all = locations.clone();
        if let Some(related) = result["relatedLocations"].as_array() {
            related_seen = true;
            for location in related {
                assert!(location["message"]["text"].is_string());
                assert!(location["id"].is_u64());
            }
            all.extend(related.iter().cloned());
        }
        for location in &all {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
            assert!(uri.starts_with("manifests/") && !uri.contains('\\'), "{uri}");
            let region = &physical["region"];
            for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(region[key].as_u64().is_some_and(|value| value >= 1), "{key} in {region}");
            }
            assert!(
                (region["startLine"].as_u64(), region["startColumn"].as_u64())
                    <= (region["endLine"].as_u64(), region["endColumn"].as_u64())
            );
        }
    }
    assert!(related_seen, "the fixture has a finding with related information");
}

/// Splits `::command props::message`; panics on a malformed line.
fn parse_workflow_command(line: &str) -> (&str, Vec<(&str, &str)>, &str) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, message) = rest.split_once("::").expect("a second ::");
    let (command, properties) = head.split_once(' ').expect("properties");
    let properties = properties.split(',').map(|pair| pair.split_once('=').expect("key=value")).collect();
    (command, properties, message)
}

#[test]
fn github_commands_are_escaped() {
    let dir = copy_case("broken");
    // A file name with the characters that properties must escape.
    let odd = dir.path().join("odd/a,b:c%.yaml");
    fs::create_dir_all(odd.parent().expect("parent")).expect("create folder");
    fs::copy(dir.path().join("manifests/statefulset.yaml"), &odd).expect("copy");
    let run = run_in(dir.path(), &["check", "--format", "github", "odd"], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.is_empty());
    for line in run.stdout.lines() {
        let (command, properties, message) = parse_workflow_command(line);
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let keys: Vec<&str> = properties.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, ["file", "line", "col", "endLine", "endColumn", "title"], "{line}");
        assert_eq!(properties[0].1, "odd/a%2Cb%3Ac%25.yaml");
        assert!(properties[5].1.starts_with("kube-lsp "), "{line}");
        for (_, value) in &properties {
            assert!(!value.contains([':', ',', '\n', '\r']), "{line}");
        }
        assert!(!message.contains(['\n', '\r']), "{line}");
        assert!(!message.contains('%') || message.contains("%25") || message.contains("%0A"), "{line}");
    }
}

#[test]
fn stdin_is_one_file_named_by_stdin_filename() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = fixtures().join("broken/manifests");
    let mut stream = fs::read(broken.join("statefulset.yaml")).expect("read fixture");
    stream.extend_from_slice(b"---\n");
    stream.extend(fs::read(broken.join("service.yaml")).expect("read fixture"));

    let run =
        run_in(dir.path(), &["check", "--format", "json", "--stdin-filename", "k8s/redis.yaml", "-"], Some(&stream));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = json(&run.stdout);
    assert!(codes(&findings).contains(&"k8s/redis.yaml service-not-headless".to_owned()), "{findings}");
    assert!(codes(&findings).iter().all(|code| code.starts_with("k8s/redis.yaml ")), "{findings}");

    let run = run_in(dir.path(), &["check", "--format", "json", "-"], Some(&stream));
    assert_eq!(run.code, 1);
    assert!(codes(&json(&run.stdout)).iter().all(|code| code.starts_with("<stdin> ")));

    let run = run_in(dir.path(), &["check", "-"], Some(b"kind: ConfigMap\n"));
    assert_eq!((run.code, run.stdout.as_str()), (0, "no findings in 1 file\n"));

    let run = run_in(dir.path(), &["check", "-", "-"], Some(b""));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("only once"), "{}", run.stderr);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = copy_case("clean");
    let run = run_in(dir.path(), &["check", "manifests", "nope"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read `nope`"), "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let run = run_in(dir.path(), &["check", "--format", "xml", "manifests"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);

    let run = run_in(dir.path(), &["check", "--config", "missing.yaml", "manifests"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read `missing.yaml`"), "{}", run.stderr);

    let run = run_in(dir.path(), &["frobnicate"], None);
    assert_eq!(run.code, 2);
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = run_in(dir.path(), &["--version"], None);
    assert_eq!((run.code, run.stdout.trim()), (0, format!("kube-lsp {}", env!("CARGO_PKG_VERSION")).as_str()));
    let run = run_in(dir.path(), &["--help"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("check"), "{}", run.stdout);
    let run = run_in(dir.path(), &["check", "--help"], None);
    assert_eq!(run.code, 0);
    for option in ["--format", "--config", "--stdin-filename"] {
        assert!(run.stdout.contains(option), "{option} in {}", run.stdout);
    }
    // The long help lists every rule with its default level and summary.
    for &code in Code::ALL {
        let entry = format!("  {} ({}", code.as_str(), code.default_level().as_str());
        let summary = format!(")\n      {}\n", code.summary());
        let at = run.stdout.find(&entry).unwrap_or_else(|| panic!("{entry:?} in {}", run.stdout));
        assert!(run.stdout[at..].contains(&summary), "{summary:?} after {entry:?} in {}", run.stdout);
    }
    assert!(run.stdout.contains("  service-name-invalid (error / warning)\n"), "{}", run.stdout);
}

#[test]
fn configuration_switches_rules_off_and_relevels_them() {
    let dir = copy_case("config");
    // The nearest `.kube-lsp.yaml`: `service-name-missing` off,
    // `service-not-headless` a warning.
    let run = run_in(dir.path(), &["check", "--format", "json", "manifests"], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    assert_golden("config", "expected.json", &run.stdout);
    let findings = json(&run.stdout);
    let findings = findings.as_array().expect("an array");
    assert!(findings.iter().all(|finding| finding["code"] != "service-name-missing"));
    let not_headless: Vec<&Value> =
        findings.iter().filter(|finding| finding["code"] == "service-not-headless").collect();
    assert!(!not_headless.is_empty());
    assert!(not_headless.iter().all(|finding| finding["severity"] == "warning"));

    // It is found from a subfolder too.
    let run = run_in(&dir.path().join("manifests"), &["check", "--format", "json", "."], None);
    assert_eq!(codes(&json(&run.stdout)).len(), findings.len());

    // `--config` replaces it; problems in it are warnings on stderr.
    let run = run_in(dir.path(), &["check", "--format", "json", "--config", "strict.yaml", "manifests"], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("warning: `strict.yaml`: unknown setting `colour`"), "{}", run.stderr);
    let findings = json(&run.stdout);
    let missing: Vec<&Value> = findings
        .as_array()
        .expect("an array")
        .iter()
        .filter(|finding| finding["code"] == "service-name-missing")
        .collect();
    assert!(!missing.is_empty());
    assert!(missing.iter().all(|finding| finding["severity"] == "error"));

    // A syntax error in the file is a warning; the defaults apply.
    write(&dir.path().join("broken.yaml"), "rules: [unclosed\n");
    let run = run_in(dir.path(), &["check", "--format", "json", "--config", "broken.yaml", "manifests"], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("warning: `broken.yaml` line "), "{}", run.stderr);
    assert!(codes(&json(&run.stdout)).iter().any(|code| code.ends_with("service-name-missing")));
}

#[test]
fn information_only_findings_exit_0() {
    let dir = copy_case("broken");
    let run = run_in(dir.path(), &["check", "--format", "json", "manifests/statefulset.yaml"], None);
    // The `worker` StatefulSet alone: `service-name-missing` is information.
    let worker_only = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: worker}\nspec:\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n    spec:\n      containers: [{name: worker, image: busybox}]\n";
    assert_eq!(run.code, 1, "the `redis` StatefulSet's Service is missing here");
    let run = run_in(dir.path(), &["check", "-"], Some(worker_only.as_bytes()));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("info[service-name-missing]"), "{}", run.stdout);
    assert!(run.stdout.ends_with("1 info in 1 file\n"), "{}", run.stdout);
}

#[test]
fn gitignore_applies_outside_a_git_repository() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    assert!(!root.join(".git").exists());
    let broken = fs::read(fixtures().join("broken/manifests/statefulset.yaml")).expect("read fixture");
    let clean = fs::read(fixtures().join("clean/manifests/redis.yaml")).expect("read fixture");
    write(&root.join("k8s/.gitignore"), "generated/\n*.rendered.yaml\n");
    write(&root.join("k8s/redis.yaml"), &clean);
    write(&root.join("k8s/generated/statefulset.yaml"), &broken);
    write(&root.join("k8s/app.rendered.yaml"), &broken);
    write(&root.join("k8s/.hidden/statefulset.yaml"), &broken);
    let run = run_in(root, &["check", "k8s"], None);
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, "no findings in 1 file\n", ""));

    // `exclude` in the configuration prunes too.
    write(&root.join("k8s/vendor/statefulset.yaml"), &broken);
    let run = run_in(root, &["check", "k8s"], None);
    assert_eq!(run.code, 1);
    write(&root.join(".kube-lsp.yaml"), "exclude: [vendor/**]\n");
    let run = run_in(root, &["check", "k8s"], None);
    assert_eq!((run.code, run.stdout.as_str()), (0, "no findings in 1 file\n"));
}

#[test]
fn files_over_max_file_size_are_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let mut big = fs::read_to_string(fixtures().join("broken/manifests/statefulset.yaml")).expect("read fixture");
    big.push_str(&"# padding\n".repeat(100));
    write(&root.join(".kube-lsp.yaml"), "maxFileSize: 1000\n");
    write(&root.join("k8s/big.yaml"), &big);
    write(&root.join("k8s/binary.yaml"), b"kind: Service\n\0\0");

    // Inside a folder: skipped quietly.
    let run = run_in(root, &["check", "k8s"], None);
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, "no findings in 0 files\n", ""));

    // Named on the command line: skipped with a note.
    let run = run_in(root, &["check", "k8s/big.yaml", "k8s/binary.yaml"], None);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        format!(
            "note: skipping `k8s/big.yaml`: {} bytes, over `maxFileSize` (1000 bytes)\nnote: skipping `k8s/binary.yaml`: a binary file\n",
            big.len()
        )
    );

    // The same limit holds for stdin.
    let run = run_in(root, &["check", "--stdin-filename", "big.yaml", "-"], Some(big.as_bytes()));
    assert_eq!(run.code, 0);
    assert!(run.stderr.starts_with("note: skipping `big.yaml`: "), "{}", run.stderr);
}

#[test]
fn a_file_named_explicitly_is_read_whatever_its_extension() {
    let dir = copy_case("clean");
    let run = run_in(dir.path(), &["check", "manifests/other.txt"], None);
    assert_eq!((run.code, run.stdout.as_str()), (0, "no findings in 1 file\n"));
    let run = run_in(dir.path(), &["check", "--format", "json", "manifests"], None);
    assert_eq!(run.stdout, "[]\n", "a folder yields only its YAML files");
}

#[test]
fn namespace_flag_is_the_namespace_of_objects_that_name_none() {
    let dir = copy_case("namespace");
    // Without `-n` the Service falls in `default` and the StatefulSet in
    // `yb` names a Service that is not there: the false alarm of a chart
    // rendered with `helm template -n yb`.
    let run = run_in(dir.path(), &["check", "manifests"], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    assert_golden("namespace", "expected.text", &run.stdout);
    assert!(run.stdout.contains("warning[service-not-found]"), "{}", run.stdout);

    for flag in ["-n", "--namespace"] {
        let run = run_in(dir.path(), &["check", flag, "yb", "manifests"], None);
        assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, "no findings in 1 file\n", ""), "{flag}");
    }
    // The same for a stream on stdin.
    let stream = fs::read(dir.path().join("manifests/yb.yaml")).expect("read fixture");
    let run = run_in(dir.path(), &["check", "--format", "json", "-n", "yb", "-"], Some(&stream));
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{}", run.stderr);

    // It overrides the configured `defaultNamespace` for the run.
    write(&dir.path().join(".kube-lsp.yaml"), "defaultNamespace: elsewhere\n");
    let run = run_in(dir.path(), &["check", "--format", "json", "manifests"], None);
    assert_eq!(codes(&json(&run.stdout)), ["manifests/yb.yaml service-not-found"], "{}", run.stdout);
    let run = run_in(dir.path(), &["check", "--format", "json", "-n", "yb", "manifests"], None);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{}", run.stderr);

    // A namespace given explicitly is kept: `-n` names the Service's
    // namespace only, so a StatefulSet in `yb` still misses it under `-n other`.
    let run = run_in(dir.path(), &["check", "--format", "json", "-n", "other", "manifests"], None);
    assert_eq!(codes(&json(&run.stdout)), ["manifests/yb.yaml service-not-found"], "{}", run.stdout);

    let run = run_in(dir.path(), &["check", "-n", " ", "manifests"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`--namespace` needs a namespace name"), "{}", run.stderr);
}

/// The README's quick start shows what `kube-lsp check examples/` prints:
/// each line of its excerpt (but the `…` that stands for the lines left
/// out) is a line of the real output, in order.
#[test]
fn the_readme_quick_start_shows_what_check_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    let after =
        readme.split_once("of its own, named in the message:\n\n```text\n").expect("the quick start's excerpt").1;
    let excerpt = after.split_once("\n```").expect("the excerpt's end").0;
    let run = run_in(root, &["check", "examples/"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut printed = run.stdout.lines().chain(run.stderr.lines());
    for line in excerpt.lines().filter(|line| !line.starts_with('…')) {
        assert!(printed.any(|out| out.trim_end() == line.trim_end()), "not printed (in this order): {line:?}");
    }
}
