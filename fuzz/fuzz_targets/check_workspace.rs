//! Any bytes as a small workspace: files separated by `\n#- name\n` lines
//! (as the checks' fixtures write them). Every check runs; hover, navigation
//! and completion are asked at offsets the input chooses; every code action
//! is applied. Nothing may panic, every range must lie in its file, and no
//! fix may break the YAML of a file that had no syntax error.

#![no_main]

use std::path::PathBuf;

use kube_lsp::api::checks::{self, Code, Finding};
use kube_lsp::api::config::Config;
use kube_lsp::api::ide;
use kube_lsp::api::syntax::TextRange;
use kube_lsp::api::text;
use kube_lsp::api::workspace::{FileId, Snapshot, Workspace};
use libfuzzer_sys::fuzz_target;

fn in_text(text: &str, range: TextRange) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

fn text_of(snapshot: &Snapshot, file: FileId) -> &str {
    &snapshot.file(file).expect("a result names a file that exists").text
}

fn has_syntax_error(findings: &[Finding], file: FileId) -> bool {
    findings.iter().any(|finding| finding.file == file && finding.code == Code::YamlSyntax)
}

fuzz_target!(|bytes: &[u8]| {
    let input = String::from_utf8_lossy(bytes);
    let files: Vec<(PathBuf, String)> = input
        .split("\n#- ")
        .take(4)
        .enumerate()
        .map(|(index, part)| {
            // The first line of every part but the first names the file.
            let (name, text) = if index == 0 { ("a.yaml", part) } else { part.split_once('\n').unwrap_or((part, "")) };
            let name = if name.is_empty() || name.contains('\0') { "unnamed.yaml" } else { name };
            (PathBuf::from("/fuzz").join(format!("{index}")).join(name), text.to_owned())
        })
        .collect();
    let mut workspace = Workspace::new(Config::default());
    let ids: Vec<FileId> =
        files.iter().map(|(path, text)| workspace.set_text(path.clone(), text.clone(), None)).collect();
    let snapshot = workspace.snapshot();
    let diagnostics = ide::Diagnostics::of(&snapshot);
    let findings = checks::check(&snapshot);
    for finding in &findings {
        assert!(in_text(text_of(&snapshot, finding.file), finding.range), "{finding:?}");
        for related in &finding.related {
            assert!(in_text(text_of(&snapshot, related.file), related.range), "{related:?}");
        }
    }

    // Offsets from the input's own bytes, and every finding's start.
    let first = ids[0];
    let first_text = text_of(&snapshot, first).to_owned();
    let mut offsets: Vec<usize> = bytes.iter().take(8).map(|byte| *byte as usize * first_text.len() / 255).collect();
    offsets.extend(findings.iter().filter(|finding| finding.file == first).map(|finding| finding.range.start));
    for offset in offsets {
        if let Some(hover) = ide::hover(&snapshot, &diagnostics, first, offset) {
            assert!(in_text(&first_text, hover.range), "{hover:?}");
        }
        for target in ide::goto_definition(&snapshot, first, offset) {
            assert!(in_text(text_of(&snapshot, target.file), target.focus_range), "{target:?}");
        }
        for (file, range) in ide::references(&snapshot, first, offset, true) {
            assert!(in_text(text_of(&snapshot, file), range));
        }
        for item in ide::completions(&snapshot, first, offset) {
            assert!(in_text(&first_text, item.replace_range), "{item:?}");
        }
        let _ = ide::rename(&snapshot, first, offset, "renamed");
    }

    for finding in findings.iter().take(8) {
        for action in ide::code_actions(&snapshot, &diagnostics, finding.file, finding.range) {
            let mut fixed = Workspace::new(Config::default());
            for (index, (path, _)) in files.iter().enumerate() {
                let source = text_of(&snapshot, ids[index]);
                let edits: Vec<text::TextEdit> = action
                    .edits
                    .iter()
                    .filter(|edit| edit.file == ids[index])
                    .flat_map(|edit| edit.edits.clone())
                    .collect();
                for edit in &edits {
                    assert!(in_text(source, edit.range), "`{}`: {edit:?}", action.title);
                }
                fixed.set_text(path.clone(), text::apply_edits(source, &edits), None);
            }
            let fixed_findings = checks::check(&fixed.snapshot());
            for file_edit in &action.edits {
                assert!(
                    has_syntax_error(&findings, file_edit.file) || !has_syntax_error(&fixed_findings, file_edit.file),
                    "`{}` broke the YAML",
                    action.title
                );
            }
        }
    }
});
