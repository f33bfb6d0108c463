//! The real corpus: real manifests from public projects, kept beside the
//! project in `../shared/corpus/real` (not ours to commit), with the findings
//! a correct linter reports in `expected.json`. Each folder is one workspace.
//!
//! Skipped, with a line saying so, where the corpus is not there; under
//! `CI=true` a missing corpus fails instead, so CI cannot pass by not
//! looking.

// A test report prints what it skipped and found; only the library must
// not print.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kube_lsp::api::checks::{self, Code};
use kube_lsp::api::config::{Config, Level};
use kube_lsp::api::loader;
use kube_lsp::api::workspace::Workspace;
use serde_json::Value;

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real")
}

/// `(file name, 1-based line, code, level)` of every finding in a folder.
fn findings_of(folder: &Path) -> Vec<(String, usize, String, Level)> {
    let config = Config::default();
    let paths = loader::walk(&[folder.to_path_buf()], &config);
    let mut workspace = Workspace::new(config.clone());
    for file in loader::load_files(&paths, &config) {
        workspace.insert(file);
    }
    let snapshot = workspace.snapshot();
    checks::check(&snapshot)
        .into_iter()
        // The corpus keeps only the files of each upstream folder that the
        // StatefulSet rules read (EXPECTED.md lists them), so the other
        // resources its kustomizations list are absent by construction.
        .filter(|finding| finding.code != Code::KustomizeResourceMissing)
        .filter_map(|finding| {
            let file = snapshot.file(finding.file)?;
            let relative = file.path.strip_prefix(folder).ok()?.to_string_lossy().replace('\\', "/");
            let line = file.line_index().line_of(finding.range.start) as usize + 1;
            Some((relative, line, finding.code.as_str().to_owned(), finding.level))
        })
        .collect()
}

/// What a missing corpus means: a skip line, or, when `ci` (the `CI`
/// variable) is `true`, a failure that says where the corpus was looked for.
fn missing_corpus(root: &Path, ci: Option<&str>) -> Result<String, String> {
    let expected = root.join("expected.json");
    if ci == Some("true") {
        Err(format!(
            "CI=true but the real corpus is missing: {} not found (check out the shared corpus beside the \
             repository, or unset CI to skip)",
            expected.display()
        ))
    } else {
        Ok(format!("corpus test skipped: {} not found", expected.display()))
    }
}

#[test]
fn a_missing_corpus_skips_locally_and_fails_in_ci() {
    let root = Path::new("nowhere/corpus/real");
    for ci in [None, Some("false"), Some("1"), Some("")] {
        let skip = missing_corpus(root, ci).expect("skips outside CI=true");
        assert!(skip.starts_with("corpus test skipped: "), "{skip}");
    }
    let failure = missing_corpus(root, Some("true")).expect_err("fails under CI=true");
    assert!(failure.contains("CI=true") && failure.contains("expected.json"), "{failure}");
}

#[test]
fn real_corpus_matches_expected_findings() {
    let root = corpus_root();
    let Ok(expected_text) = std::fs::read_to_string(root.join("expected.json")) else {
        let verdict = missing_corpus(&root, std::env::var("CI").ok().as_deref());
        match verdict {
            Ok(skip) => {
                println!("{skip}");
                return;
            }
            Err(failure) => panic!("{failure}"),
        }
    };
    let expected: Value = serde_json::from_str(&expected_text).expect("expected.json is JSON");
    let firm = expected["findings"].as_array().expect("findings");
    let clean: BTreeSet<&str> =
        expected["clean_folders"].as_array().expect("clean_folders").iter().filter_map(Value::as_str).collect();
    let ambiguous_folders: BTreeSet<&str> = expected["ambiguous"]
        .as_array()
        .expect("ambiguous")
        .iter()
        .filter_map(|item| item["folder"].as_str())
        .collect();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    let mut problems = Vec::new();
    let mut matched = 0;
    for folder in &folders {
        let name = folder.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        let actual = findings_of(folder);
        let expected_here: Vec<&Value> = firm.iter().filter(|finding| finding["folder"] == name).collect();
        let mut accounted = vec![false; actual.len()];
        for finding in &expected_here {
            let file = finding["file"].as_str().unwrap_or_default();
            let code = finding["code"].as_str().unwrap_or_default();
            assert!(Code::parse(code).is_some(), "expected.json names an unknown code `{code}`");
            let mut lines: Vec<u64> = vec![finding["line"].as_u64().unwrap_or_default()];
            lines.extend(finding["alt_lines"].as_array().into_iter().flatten().filter_map(Value::as_u64));
            let hit =
                actual.iter().position(|(f, line, c, _)| f == file && c == code && lines.contains(&(*line as u64)));
            match hit {
                Some(position) => {
                    matched += 1;
                    // Every finding at any of the accepted lines is the same one.
                    for (index, (f, line, c, _)) in actual.iter().enumerate() {
                        if f == file && c == code && lines.contains(&(*line as u64)) {
                            accounted[index] = true;
                        }
                    }
                    accounted[position] = true;
                }
                None => problems.push(format!("{name}/{file}:{lines:?}: missing `{code}`")),
            }
        }
        for ((file, line, code, level), accounted) in actual.iter().zip(&accounted) {
            let serious = matches!(level, Level::Error | Level::Warning);
            if *accounted || !serious || ambiguous_folders.contains(name) {
                continue;
            }
            let kind = if clean.contains(name) { "clean folder has" } else { "unexpected" };
            problems.push(format!("{name}/{file}:{line}: {kind} `{code}` ({})", level.as_str()));
        }
    }
    println!("corpus: {} folders, {matched} of {} expected findings matched", folders.len(), firm.len());
    assert!(problems.is_empty(), "corpus mismatches:\n{}", problems.join("\n"));
}
