//! Keeps ARCHITECTURE.md's picture true: each layer imports only the layers
//! before it, the YAML crate is named only in `syntax`, the protocol only in
//! `lsp`, and only the loader touches the disk.

use std::path::{Path, PathBuf};

/// Each module and the modules it may use.
const LAYERS: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("config", &[]),
    ("syntax", &["text"]),
    ("model", &["text", "syntax"]),
    ("workspace", &["text", "syntax", "model", "config"]),
    ("loader", &["text", "syntax", "model", "workspace", "config"]),
    ("checks", &["text", "syntax", "model", "workspace", "config"]),
    ("ide", &["text", "syntax", "model", "workspace", "config", "checks"]),
    ("lsp", &["text", "syntax", "model", "workspace", "config", "checks", "ide", "loader"]),
    ("cli", &["text", "syntax", "model", "workspace", "config", "checks", "ide", "loader"]),
];

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Source lines without `//` comments, so that prose may name anything.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .enumerate()
        .map(|(number, line)| (number + 1, line.split("//").next().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn layers_import_only_the_layers_before_them() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
    let all: Vec<&str> = LAYERS.iter().map(|(name, _)| *name).collect();
    let mut problems = Vec::new();
    for (layer, allowed) in LAYERS {
        for file in rust_files(&source.join(layer)) {
            for (number, line) in code_lines(&file) {
                for other in &all {
                    if other == layer || allowed.contains(other) {
                        continue;
                    }
                    if line.contains(&format!("crate::{other}::"))
                        || line.contains(&format!("crate::{other};"))
                        || line.contains(&format!("crate::{other},"))
                        || line.contains(&format!("crate::{{{other}"))
                    {
                        problems.push(format!("{}:{number}: `{layer}` uses `{other}`", file.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "layering violations:\n{}", problems.join("\n"));
}

#[test]
fn crates_stay_behind_their_layer() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
    let rules: &[(&str, &[&str])] = &[
        ("granit_parser", &["syntax"]),
        ("lsp_types", &["lsp"]),
        ("lsp_server", &["lsp"]),
        ("std::fs", &["loader", "cli", "lsp"]),
        ("serde", &["config", "loader", "lsp", "cli"]),
    ];
    let mut problems = Vec::new();
    for (layer, _) in LAYERS {
        for file in rust_files(&source.join(layer)) {
            let test_module_start = code_lines(&file)
                .iter()
                .find(|(_, line)| line.contains("#[cfg(test)]"))
                .map_or(usize::MAX, |(number, _)| *number);
            for (number, line) in code_lines(&file) {
                // Tests may use anything (serde_json to read fixtures, say).
                if number > test_module_start {
                    break;
                }
                for (needle, owners) in rules {
                    if line.contains(needle) && !owners.contains(layer) {
                        problems.push(format!("{}:{number}: `{needle}` outside {owners:?}", file.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "crates used outside their layer:\n{}", problems.join("\n"));
}
