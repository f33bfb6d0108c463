//! Keeps ARCHITECTURE.md's picture true: each layer imports only the layers
//! before it, the YAML crate is named only in `syntax`, the protocol only in
//! `lsp`, and only the loader touches the disk.

use std::path::{Path, PathBuf};

/// Each module and the modules it may use, as STYLE.md draws the pipeline:
/// `text → syntax → model → workspace → checks → ide → { lsp, cli }`, each
/// layer using only the ones before it. Beside the pipeline: `config`
/// (settings as values, knowing nothing else) is read from `workspace` on,
/// and `loader` (the disk) sits beside `workspace`, using what it may and
/// used only by `lsp` and `cli`, which never use each other.
const LAYERS: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("config", &[]),
    ("syntax", &["text"]),
    ("model", &["text", "syntax"]),
    ("workspace", &["text", "syntax", "model", "config"]),
    ("loader", &["text", "syntax", "model", "workspace", "config"]),
    ("checks", &["text", "syntax", "model", "workspace", "config"]),
    ("ide", &["text", "syntax", "model", "workspace", "config", "checks"]),
    // `lsp` and `cli` ask `ide` for findings, hover and fixes: neither runs
    // a rule itself.
    ("lsp", &["text", "syntax", "model", "workspace", "config", "ide", "loader"]),
    ("cli", &["text", "syntax", "model", "workspace", "config", "ide", "loader"]),
    // The playground's engine: `ide` over files held in memory, for the
    // browser build. No disk, no protocol, neither `lsp` nor `cli`.
    ("playground", &["text", "syntax", "model", "workspace", "config", "ide"]),
];

#[test]
fn every_module_is_a_layer_of_the_table() {
    // A module missing from the table would escape the import checks below.
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
    let mut modules: Vec<String> = std::fs::read_dir(&source)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let module = name.strip_suffix(".rs").map_or(name.clone(), str::to_owned);
            (module != "lib" && module != "main").then_some(module)
        })
        .collect();
    modules.sort();
    let mut layers: Vec<String> = LAYERS.iter().map(|(name, _)| (*name).to_owned()).collect();
    layers.sort();
    assert_eq!(modules, layers, "the modules of server/src and the layers of this table differ");
}

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
        // A coarse net: clippy.toml's `disallowed-methods` holds every disk
        // call outside `loader` (the few left in `cli` and `lsp` say FIXME).
        ("std::fs", &["loader", "cli", "lsp"]),
        ("serde", &["config", "loader", "lsp", "cli", "playground"]),
    ];
    let mut problems = Vec::new();
    // Tests may use anything (serde_json to read fixtures, std::fs to
    // rewrite generated files), so only shipping code is searched.
    let shipping = shipping_code();
    for (layer, _) in LAYERS {
        for (file, lines) in shipping.iter().filter(|(file, _)| file.starts_with(source.join(layer))) {
            for (number, line) in lines {
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

// What the server may do at all: it never executes anything, never opens a
// network connection and never writes a file (edits reach the disk only
// through the client). Checked on the code that ships, test code left out.

/// Every file of `server/src` with its shipping code: comments, strings and
/// char literals blanked (so that prose and messages may name anything), and
/// test code left out (a `#![cfg(test)]` file, a `#[cfg(test)] mod x;` and
/// its file, any item under `#[cfg(test)]`).
fn shipping_code() -> Vec<(PathBuf, Vec<(usize, String)>)> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
    let files = rust_files(&source);
    let mut test_only: Vec<PathBuf> = Vec::new();
    let mut result = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if text.contains("#![cfg(test)]") {
            test_only.push(file.clone());
        }
        let lines: Vec<String> = blank_comments_and_literals(&text).lines().map(str::to_owned).collect();
        let mut kept = Vec::new();
        let mut index = 0;
        while index < lines.len() {
            if !lines[index].contains("#[cfg(test)]") {
                kept.push((index + 1, lines[index].clone()));
                index += 1;
                continue;
            }
            // Skip the item: to its `;` at depth 0, or to the `}` that closes
            // its first `{`.
            let mut depth = 0i32;
            let mut opened = false;
            loop {
                index += 1;
                let Some(line) = lines.get(index) else { break };
                if !opened {
                    if let Some(name) = line.trim().strip_prefix("pub(crate) mod ").or(line.trim().strip_prefix("mod "))
                    {
                        if let Some(name) = name.strip_suffix(';') {
                            let folder = file.parent().unwrap_or(Path::new(""));
                            test_only.push(folder.join(format!("{name}.rs")));
                            test_only.push(folder.join(name).join("mod.rs"));
                        }
                    }
                }
                for ch in line.chars() {
                    match ch {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                if (opened && depth <= 0) || (!opened && line.trim_end().ends_with(';')) {
                    index += 1;
                    break;
                }
            }
        }
        result.push((file.clone(), kept));
    }
    result.retain(|(file, _)| !test_only.contains(file));
    result
}

/// The text with `//` and `/* */` comments, string literals (raw ones too)
/// and char literals replaced by spaces, line breaks kept.
fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    while index < chars.len() {
        let ch = chars[index];
        let next = chars.get(index + 1).copied();
        if ch == '/' && next == Some('/') {
            while index < chars.len() && chars[index] != '\n' {
                out.push(' ');
                index += 1;
            }
        } else if ch == '/' && next == Some('*') {
            while index < chars.len() && !(chars[index] == '*' && chars.get(index + 1) == Some(&'/')) {
                out.push(blank(chars[index]));
                index += 1;
            }
            out.push_str("  ");
            index += 2;
        } else if ch == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars[..index].last().is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let hashes = chars[index + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(index + 1 + hashes) != Some(&'"') {
                out.push(ch);
                index += 1;
                continue;
            }
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            index += 2 + hashes;
            out.push_str(&" ".repeat(2 + hashes));
            while index < chars.len() && !chars[index..].starts_with(&closing) {
                out.push(blank(chars[index]));
                index += 1;
            }
            out.push_str(&" ".repeat(closing.len()));
            index += closing.len();
        } else if ch == '"' {
            out.push(' ');
            index += 1;
            while index < chars.len() && chars[index] != '"' {
                if chars[index] == '\\' {
                    out.push(' ');
                    index += 1;
                }
                if let Some(&escaped) = chars.get(index) {
                    out.push(blank(escaped));
                }
                index += 1;
            }
            out.push(' ');
            index += 1;
        } else if ch == '\''
            && (chars.get(index + 2) == Some(&'\'')
                || (next == Some('\\') && chars[index + 2..].iter().take(10).any(|c| *c == '\'')))
        {
            // A char literal ('x', '\n', '\u{FEFF}'), not a lifetime.
            out.push(' ');
            index += 1;
            if chars.get(index) == Some(&'\\') {
                out.push(' ');
                index += 1;
            }
            while index < chars.len() && chars[index] != '\'' {
                out.push(' ');
                index += 1;
            }
            out.push(' ');
            index += 1;
        } else {
            out.push(ch);
            index += 1;
        }
    }
    out
}

fn find_in_shipping_code(needles: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, lines) in shipping_code() {
        for (number, line) in lines {
            for needle in needles {
                if line.contains(needle) {
                    problems.push(format!("{}:{number}: `{needle}`", file.display()));
                }
            }
        }
    }
    problems
}

#[test]
fn the_test_code_filter_sees_test_code_and_only_that() {
    let code = shipping_code();
    let all: String = code.iter().flat_map(|(_, lines)| lines.iter().map(|(_, line)| line.as_str())).collect();
    assert!(all.contains("fn apply_edits"), "shipping code is seen");
    assert!(!all.contains("mod tests"), "test modules are left out");
    assert!(code.iter().all(|(file, _)| !file.ends_with("checks/fixture.rs")), "test-only files are left out");
    let blanked = blank_comments_and_literals(
        "a // b\nlet s = \"std::process::Command\"; let c = '\"'; r#\"x\"y\"#; 'a: loop {}\n",
    );
    assert!(!blanked.contains("Command") && !blanked.contains('b') && !blanked.contains('x'), "{blanked}");
    assert!(blanked.contains("'a: loop {}"), "{blanked}");
}

#[test]
fn the_server_never_executes_anything() {
    let problems = find_in_shipping_code(&[
        "process::Command",
        "Command::new(",
        "CommandExt",
        "process::Stdio",
        "process::Child",
        "libc::",
        "nix::",
    ]);
    // The one exception: `loader/helm.rs` runs `helm template` and `helm
    // version` (SPEC "Helm charts"), and nothing else does.
    let (helm, problems): (Vec<String>, Vec<String>) = problems
        .into_iter()
        .partition(|problem| problem.contains(&format!("loader{}helm.rs:", std::path::MAIN_SEPARATOR)));
    assert!(problems.is_empty(), "code that could run a program:\n{}", problems.join("\n"));
    assert!(!helm.is_empty(), "the filter sees the Helm runner");
}

#[test]
fn the_server_never_opens_a_network_connection() {
    // Parsing an address (`std::net::IpAddr`) is fine; a socket is not.
    let problems = find_in_shipping_code(&[
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "UnixStream",
        "UnixListener",
        "UnixDatagram",
        "ToSocketAddrs",
        "SocketAddr",
        "lookup_host",
    ]);
    assert!(problems.is_empty(), "code that could open a connection:\n{}", problems.join("\n"));
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap_or_default();
    let dependencies = manifest.split("[dependencies]").nth(1).unwrap_or("").split("\n[").next().unwrap_or("");
    let network_crates =
        ["reqwest", "hyper", "ureq", "curl", "isahc", "surf", "attohttpc", "tokio", "async-std", "socket2"];
    for line in dependencies.lines() {
        let name = line.split('=').next().unwrap_or("").trim();
        assert!(!network_crates.contains(&name), "`{name}` is a networking crate");
    }
}

#[test]
fn the_server_never_writes_a_file() {
    let problems = find_in_shipping_code(&[
        "fs::write",
        "File::create",
        "OpenOptions",
        "File::options",
        ".create(true)",
        ".append(true)",
        ".write(true)",
        "create_dir",
        "remove_file",
        "remove_dir",
        "fs::rename",
        "fs::copy",
        "set_permissions",
        "hard_link",
        "fs::symlink(",
        "unix::fs::symlink",
        "symlink_dir(",
        "symlink_file(",
        "soft_link(",
        "set_len(",
        "tempfile",
    ]);
    assert!(problems.is_empty(), "code that could write to the disk:\n{}", problems.join("\n"));
}

/// The engine also runs in the browser (`wasm32-unknown-unknown`, see
/// ARCHITECTURE.md "The browser build"), where reading the clock panics and
/// there are no threads: only the native modules (`lsp`, `cli`, `loader`)
/// may do either, and rayon is named only where `par_map` falls back.
#[test]
fn the_engine_reads_no_clock_and_starts_no_thread() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
    let native = ["lsp", "cli", "loader"].map(|module| source.join(module));
    let fallback = source.join("workspace/parallel.rs");
    let needles = ["Instant", "SystemTime", "std::thread", "thread::spawn", "thread::scope", "rayon"];
    let problems: Vec<String> = find_in_shipping_code(&needles)
        .into_iter()
        .filter(|problem| !native.iter().any(|folder| problem.starts_with(&*folder.to_string_lossy())))
        .filter(|problem| !problem.starts_with(&*fallback.to_string_lossy()))
        .collect();
    assert!(problems.is_empty(), "the browser build would panic or not build:\n{}", problems.join("\n"));
}
