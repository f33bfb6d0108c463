//! Fuzzing on stable Rust, with a fixed budget: real manifests (`examples/`,
//! the CLI fixtures, the real corpus where it exists) mutated byte by byte
//! and line by line, then run through every layer: the loader's decoding,
//! `syntax`, `model`, the workspace's incremental re-analysis, `checks`, and
//! `ide` (hover, code actions, navigation, completion, symbols) at random
//! offsets, plus the line index and edit application.
//!
//! Asserted: nothing panics; every range is in bounds and on char
//! boundaries; an incremental edit gives the findings a fresh analysis
//! gives; and applying any offered code action yields text whose
//! re-analysis reports no `yaml-syntax` where the file had none, and no
//! longer the finding it fixed.
//!
//! `PROPTEST_CASES=5000 cargo test --test it mutation_fuzz` runs deeper.
//!
//! `fuzz/` holds the same targets for cargo-fuzz, for deeper runs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kube_lsp::api::checks::{self, Code, Finding};
use kube_lsp::api::config::Config;
use kube_lsp::api::ide;
use kube_lsp::api::loader;
use kube_lsp::api::model;
use kube_lsp::api::syntax::{self, TextRange};
use kube_lsp::api::text::{self, LineCol, LineIndex, PositionEncoding, TextEdit};
use kube_lsp::api::workspace::{FileId, Snapshot, Workspace};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::support;

/// The fixed budget: this many cases per property (about a second each in a
/// debug build).
const CASES: u32 = 256;

/// A group of files analysed together (a folder), as `(name, text)`.
type Group = Vec<(String, Vec<u8>)>;

/// The seed groups: each folder of `examples/`, of the CLI fixtures and of
/// the real corpus, and a few hand-written files for what those lack.
fn seeds() -> &'static [Group] {
    static SEEDS: OnceLock<Vec<Group>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders = Vec::new();
        for parent in [root.join("examples"), root.join("tests/it/cli"), root.join("../shared/corpus/real")] {
            collect_folders(&parent, &mut folders);
        }
        let mut groups: Vec<Group> = folders
            .iter()
            .filter_map(|folder| {
                let mut files: Group = std::fs::read_dir(folder)
                    .ok()?
                    .flatten()
                    .map(|entry| entry.path())
                    .filter(|path| loader::is_yaml_path(path))
                    .filter_map(|path| {
                        let bytes = std::fs::read(&path).ok().filter(|bytes| bytes.len() < 16 * 1024)?;
                        Some((path.file_name()?.to_string_lossy().into_owned(), bytes))
                    })
                    .collect();
                files.sort();
                (!files.is_empty()).then_some(files)
            })
            .collect();
        groups.push(vec![("hand.yaml".to_owned(), HAND_WRITTEN.as_bytes().to_vec())]);
        groups.push(vec![("crlf.yaml".to_owned(), HAND_WRITTEN.replace('\n', "\r\n").into_bytes())]);
        // A kustomize base with its overlays as one group, named by their
        // paths under it: builds that read files of other folders.
        let overlays = root.join("examples/redis-overlays");
        let mut tree = Vec::new();
        collect_folders(&overlays, &mut tree);
        let mut files: Group = tree
            .iter()
            .flat_map(|folder| std::fs::read_dir(folder).into_iter().flatten().flatten())
            .map(|entry| entry.path())
            .filter(|path| loader::is_yaml_path(path))
            .filter_map(|path| {
                let name = path.strip_prefix(&overlays).ok()?.to_string_lossy().into_owned();
                Some((name, std::fs::read(&path).ok()?))
            })
            .collect();
        files.sort();
        assert!(files.len() >= 7, "examples/redis-overlays has {} files", files.len());
        groups.push(files);
        assert!(groups.len() >= 4, "the seeds are where they should be");
        groups
    })
}

fn collect_folders(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    out.push(folder.to_path_buf());
    let mut folders: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).filter(|path| path.is_dir()).collect();
    folders.sort();
    for child in folders {
        collect_folders(&child, out);
    }
}

/// What the example folders lack: flow style, lists, anchors, non-ASCII
/// text, every kind of finding, a Helm template and a second namespace.
const HAND_WRITTEN: &str = "\
# kube-lsp: ignore service-name-missing
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: zk, namespace: 中文, annotations: {note: \"😀 é\"}}
    spec:
      serviceName: zk-hs
      replicas: 70
      ordinals: {start: 2}
      selector: {matchLabels: &labels {app: zk}, matchExpressions: [{key: tier, operator: In, values: [a]}]}
      template:
        metadata: {labels: *labels}
        spec:
          containers: [{name: zk, ports: [{name: client, containerPort: 2181}]}]
  - {apiVersion: v1, kind: Service, metadata: {name: zk-hs, namespace: 中文}, spec: {clusterIP: none, type: NodePort, selector: {app: zookeeper}, ports: [{name: c, port: 1, targetPort: admin}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: Web_Server-with-a-name-that-is-far-too-long-for-its-pods-to-be-created
spec:
  serviceName: 1web
  selector: {}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Values.name }}
...
";

/// One change to a file's bytes.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBits(Index, u8),
    InsertByte(Index, u8),
    InsertToken(Index, &'static str),
    Delete(Index, usize),
    DuplicateLine(Index),
    DeleteLine(Index),
    SwapLines(Index, Index),
    Indent(Index, usize),
    Dedent(Index),
}

/// Pieces of YAML and of manifests, and the characters that make positions
/// hard.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ",",
    ": ",
    ":",
    "- ",
    "? ",
    "&a ",
    "*a",
    "!!str ",
    "|\n",
    ">-\n",
    "'",
    "\"",
    "\\",
    "#",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "  ",
    "---\n",
    "...\n",
    "\u{FEFF}",
    "é",
    "中",
    "😀",
    "\u{0}",
    "{{ x }}",
    "~",
    "null",
    "clusterIP: None",
    "clusterIP: none",
    "serviceName: redis",
    "kind: Service",
    "kind: StatefulSet",
    "apiVersion: v1",
    "namespace: other",
    "replicas: 0",
    "replicas: -1",
    "replicas: 99999999999999999999",
    "selector: {}",
    "metadata: {name: x}",
    "<<: *a",
    "%YAML 1.2\n",
    "kube-lsp.io/ignore: \"selector-mismatch\"",
    "# kube-lsp: ignore service-not-found\n",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 1..=255u8).prop_map(|(at, bits)| Mutation::FlipBits(at, bits)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::InsertByte(at, byte)),
        4 => (any::<Index>(), prop::sample::select(TOKENS)).prop_map(|(at, token)| Mutation::InsertToken(at, token)),
        2 => (any::<Index>(), 1..24usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<Index>(), 1..5usize).prop_map(|(at, width)| Mutation::Indent(at, width)),
        1 => any::<Index>().prop_map(Mutation::Dedent),
    ]
}

/// The byte ranges of the lines of `bytes`, each with its line break.
fn lines(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' {
            lines.push(start..index + 1);
            start = index + 1;
        }
    }
    if start < bytes.len() {
        lines.push(start..bytes.len());
    }
    lines
}

fn mutate(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |index: &Index, len: usize| if len == 0 { 0 } else { index.index(len + 1) };
    let line_ranges = lines(bytes);
    let line = |index: &Index| (!line_ranges.is_empty()).then(|| line_ranges[index.index(line_ranges.len())].clone());
    match mutation {
        Mutation::FlipBits(index, bits) => {
            if !bytes.is_empty() {
                let at = index.index(bytes.len());
                bytes[at] ^= bits;
            }
        }
        Mutation::InsertByte(index, byte) => {
            let at = at(index, bytes.len());
            bytes.insert(at, *byte);
        }
        Mutation::InsertToken(index, token) => {
            let at = at(index, bytes.len());
            bytes.splice(at..at, token.bytes());
        }
        Mutation::Delete(index, len) => {
            let start = at(index, bytes.len());
            let end = (start + len).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::DuplicateLine(index) => {
            if let Some(range) = line(index) {
                let copy = bytes[range.clone()].to_vec();
                bytes.splice(range.start..range.start, copy);
            }
        }
        Mutation::DeleteLine(index) => {
            if let Some(range) = line(index) {
                bytes.drain(range);
            }
        }
        Mutation::SwapLines(a, b) => {
            if let (Some(a), Some(b)) = (line(a), line(b)) {
                let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
                if first.end <= second.start {
                    let second_bytes = bytes[second.clone()].to_vec();
                    let first_bytes = bytes[first.clone()].to_vec();
                    bytes.splice(second, first_bytes);
                    bytes.splice(first, second_bytes);
                }
            }
        }
        Mutation::Indent(index, width) => {
            if let Some(range) = line(index) {
                bytes.splice(range.start..range.start, std::iter::repeat_n(b' ', *width));
            }
        }
        Mutation::Dedent(index) => {
            if let Some(range) = line(index) {
                if bytes.get(range.start) == Some(&b' ') {
                    bytes.remove(range.start);
                }
            }
        }
    }
}

/// A seed group with one of its files mutated: `(group, mutated file's index,
/// its bytes before and after)`.
fn mutated_group() -> impl Strategy<Value = (Group, usize, Vec<u8>, Vec<u8>)> {
    mutated_group_with(1..10)
}

/// As `mutated_group`, with a number of mutations in `count`.
fn mutated_group_with(count: std::ops::Range<usize>) -> impl Strategy<Value = (Group, usize, Vec<u8>, Vec<u8>)> {
    (any::<Index>(), any::<Index>(), prop::collection::vec(mutation(), count)).prop_map(|(group, file, mutations)| {
        let group = seeds()[group.index(seeds().len())].clone();
        let file = file.index(group.len());
        let before = group[file].1.clone();
        let mut after = before.clone();
        for mutation in &mutations {
            mutate(&mut after, mutation);
        }
        (group, file, before, after)
    })
}

/// `CASES`, or `PROPTEST_CASES` from the environment for a deeper run.
fn config() -> ProptestConfig {
    let cases = support::cases(CASES);
    // Integration tests have no `lib.rs` beside them for proptest to keep
    // its regressions in: a failure prints its input instead.
    ProptestConfig { cases, max_shrink_iters: 2000, failure_persistence: None, ..ProptestConfig::default() }
}

// Invariants.

fn in_text(text: &str, range: TextRange) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

fn file_text(snapshot: &Snapshot, file: FileId) -> &str {
    &snapshot.file(file).expect("the file of a result exists").text
}

/// A workspace of `files` (paths under `/fuzz`), in order.
fn workspace(files: &[(String, String)]) -> (Workspace, Vec<FileId>) {
    let mut workspace = Workspace::new(Config::default());
    let ids = files
        .iter()
        .map(|(name, text)| workspace.set_text(Path::new("/fuzz").join(name), text.clone(), None))
        .collect();
    (workspace, ids)
}

fn assert_findings_valid(snapshot: &Snapshot, findings: &[Finding]) -> Result<(), TestCaseError> {
    for finding in findings {
        prop_assert!(in_text(file_text(snapshot, finding.file), finding.range), "{finding:?}");
        prop_assert!(!finding.message.is_empty());
        for related in &finding.related {
            prop_assert!(in_text(file_text(snapshot, related.file), related.range), "{related:?}");
        }
    }
    Ok(())
}

fn has_syntax_error(findings: &[Finding], file: FileId) -> bool {
    findings.iter().any(|finding| finding.file == file && finding.code == Code::YamlSyntax)
}

// The properties.

proptest! {
    #![proptest_config(config())]

    /// Bytes as the loader gets them: decoded or skipped, never a panic; the
    /// text, when there is one, is split into documents that cover it and
    /// parse into trees whose every range lies in the document, and the
    /// objects read from them too.
    #[test]
    fn syntax_and_model_take_any_mutation((_group, _file, _before, bytes) in mutated_group()) {
        let file = loader::load_bytes(PathBuf::from("/fuzz/x.yaml"), bytes.clone(), &Config::default());
        if std::str::from_utf8(&bytes).is_ok() && !bytes.contains(&0) {
            prop_assert!(file.skipped.is_none(), "{:?}", file.skipped);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let ranges = syntax::split_documents(&text);
        let mut covered = 0;
        for range in &ranges {
            prop_assert!(in_text(&text, *range), "{range:?}");
            prop_assert!(range.start >= covered, "documents in order: {ranges:?}");
            covered = range.end;
            let document_text = &text[range.as_range()];
            let document = syntax::parse_document(document_text);
            for node in &document.nodes {
                prop_assert!(in_text(document_text, node.range()), "{node:?}");
            }
            for error in &document.errors {
                prop_assert!(in_text(document_text, error.range), "{error:?}");
            }
            for comment in &document.comments {
                prop_assert!(in_text(document_text, comment.range), "{comment:?}");
            }
            for object in model::objects_of_document(&document, document_text) {
                prop_assert!(in_text(document_text, object.range), "{object:?}");
                for address in &object.addresses {
                    prop_assert!(in_text(document_text, address.range()), "{address:?}");
                }
                for field in [Some(&object.kind), object.name.as_ref(), object.namespace.as_ref(), object.spec.as_ref()].into_iter().flatten() {
                    prop_assert!(in_text(document_text, field.key) && in_text(document_text, field.value), "{field:?}");
                }
            }
            let _ = model::kustomization_of_document(&document);
        }
    }

    /// An edit re-analyses only what changed; what it finds must be what a
    /// fresh analysis of the same text finds.
    #[test]
    fn an_incremental_edit_finds_what_a_fresh_analysis_finds((group, file, before, after) in mutated_group()) {
        let (Ok(before), Ok(after)) = (String::from_utf8(before), String::from_utf8(after)) else {
            return Ok(());
        };
        let texts: Vec<(String, String)> =
            group.iter().map(|(name, bytes)| (name.clone(), String::from_utf8_lossy(bytes).into_owned())).collect();
        let (mut edited, ids) = workspace(&texts);
        // The diagnostics of the workspace before the edit, kept up to date
        // through it as the server keeps them.
        let mut diagnostics = ide::Diagnostics::default();
        let before_snapshot = edited.snapshot();
        diagnostics.update(&before_snapshot, edited.take_changes());
        drop(before_snapshot);
        // One replacement: the changed middle between the common prefix and
        // suffix, on char boundaries.
        let prefix = before
            .char_indices()
            .zip(after.chars())
            .find(|((_, a), b)| a != b)
            .map_or(before.len().min(after.len()), |((offset, _), _)| offset);
        let suffix: usize = before[prefix..]
            .chars()
            .rev()
            .zip(after[prefix..].chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        let range = TextRange::new(prefix, before.len() - suffix);
        let replacement = after[prefix..after.len() - suffix].to_owned();
        prop_assert_eq!(texts[file].1.as_str(), before.as_str());
        // Made before the edit, so that the edit has to keep it up to date.
        edited.file(ids[file]).expect("file").line_index();
        edited.edit(ids[file], Some(2), &[kube_lsp::api::text::TextEdit::new(range, replacement)]);
        let edited_snapshot = edited.snapshot();
        diagnostics.update(&edited_snapshot, edited.take_changes());
        prop_assert_eq!(&edited_snapshot.file(ids[file]).expect("file").text, &after);
        prop_assert_eq!(edited_snapshot.file(ids[file]).expect("file").line_index(), &LineIndex::new(&after));

        let mut fresh_texts = texts.clone();
        fresh_texts[file].1 = after.clone();
        let (mut fresh, _) = workspace(&fresh_texts);
        let fresh_snapshot = fresh.snapshot();
        let edited_findings = checks::check(&edited_snapshot);
        let fresh_findings = checks::check(&fresh_snapshot);
        prop_assert_eq!(&edited_findings, &fresh_findings);
        // The incremental update finds what a fresh check of the edited
        // text finds.
        let incremental: Vec<_> = diagnostics.all().cloned().collect();
        prop_assert_eq!(&incremental, &fresh_findings);
        // And its index of the names peer addresses mention finds every
        // reference a search of every object finds.
        for object in edited_snapshot.objects().filter(|object| object.stateful_set().is_some() || object.service().is_some()) {
            let (file, at) = (object.id.file, object.anchor_range().start);
            let everywhere = ide::Diagnostics::for_file(&edited_snapshot, file);
            prop_assert_eq!(
                ide::references(&edited_snapshot, &diagnostics, file, at, false),
                ide::references(&edited_snapshot, &everywhere, file, at, false)
            );
        }
        assert_findings_valid(&edited_snapshot, &edited_findings)?;
    }

    /// Hover, navigation, completion and symbols at random offsets, and the
    /// code actions of every finding: ranges in bounds, and no fix that
    /// breaks the YAML of a file that was valid.
    #[test]
    fn checks_and_ide_features_take_any_mutation(
        // Few mutations, so that most files stay valid YAML and their fixes
        // are worth checking.
        (group, file, _before, after) in mutated_group_with(0..3),
        offsets in prop::collection::vec(any::<Index>(), 6),
    ) {
        let mut texts: Vec<(String, String)> =
            group.iter().map(|(name, bytes)| (name.clone(), String::from_utf8_lossy(bytes).into_owned())).collect();
        texts[file].1 = String::from_utf8_lossy(&after).into_owned();
        let (mut workspace, ids) = workspace(&texts);
        let snapshot = workspace.snapshot();
        let diagnostics = ide::Diagnostics::of(&snapshot);
        let findings: Vec<_> = diagnostics.all().cloned().collect();
        assert_findings_valid(&snapshot, &findings)?;

        let id = ids[file];
        let text = file_text(&snapshot, id).to_owned();
        let mut at: Vec<usize> = offsets.iter().map(|offset| offset.index(text.len() + 2)).collect();
        at.extend(findings.iter().filter(|finding| finding.file == id).map(|finding| finding.range.start));
        for &offset in &at {
            if let Some(hover) = ide::hover(&snapshot, &diagnostics, id, offset) {
                prop_assert!(in_text(&text, hover.range), "{hover:?}");
                prop_assert!(!hover.markdown.is_empty());
            }
            for target in ide::goto_definition(&snapshot, id, offset) {
                let target_text = file_text(&snapshot, target.file);
                prop_assert!(in_text(target_text, target.range) && in_text(target_text, target.focus_range), "{target:?}");
            }
            let references = ide::references(&snapshot, &diagnostics, id, offset, true);
            for &(file, range) in &references {
                prop_assert!(in_text(file_text(&snapshot, file), range));
            }
            // The analysis' index of mentioned names narrows the search; one
            // file's diagnostics don't have it, and every object is looked at.
            let looked_everywhere = ide::references(&snapshot, &ide::Diagnostics::for_file(&snapshot, id), id, offset, true);
            prop_assert_eq!(&references, &looked_everywhere);
            if let Some((range, _)) = ide::prepare_rename(&snapshot, id, offset) {
                prop_assert!(in_text(&text, range));
            }
            if let Ok(edits) = ide::rename(&snapshot, id, offset, "renamed") {
                for file_edit in edits {
                    for edit in &file_edit.edits {
                        prop_assert!(in_text(file_text(&snapshot, file_edit.file), edit.range));
                    }
                }
            }
            for item in ide::completions(&snapshot, id, offset) {
                prop_assert!(in_text(&text, item.replace_range), "{item:?}");
            }
        }
        for symbol in ide::document_symbols(&snapshot, id) {
            prop_assert!(in_text(&text, symbol.range) && in_text(&text, symbol.selection_range), "{symbol:?}");
        }

        // Every code action of every finding of the file (a few at most).
        let mut seen = std::collections::HashSet::new();
        for finding in findings.iter().filter(|finding| finding.file == id).take(6) {
            for action in ide::code_actions(&snapshot, &diagnostics, id, finding.range) {
                if !seen.insert((action.title.clone(), action.finding.range)) {
                    continue;
                }
                let mut fixed = Workspace::new(Config::default());
                let mut edited_files = Vec::new();
                for (index, (name, _)) in texts.iter().enumerate() {
                    let source = file_text(&snapshot, ids[index]);
                    let edits: Vec<TextEdit> = action.edits.iter().filter(|edit| edit.file == ids[index]).flat_map(|edit| edit.edits.clone()).collect();
                    for edit in &edits {
                        prop_assert!(in_text(source, edit.range), "{edit:?} of `{}`", action.title);
                    }
                    if !edits.is_empty() {
                        edited_files.push(ids[index]);
                    }
                    fixed.set_text(Path::new("/fuzz").join(name), text::apply_edits(source, &edits), None);
                }
                let fixed_findings = checks::check(&fixed.snapshot());
                // The finding it fixed is gone, as the spec promises: checked
                // where the file is valid YAML and the StatefulSet itself is
                // valid: where its selector misses its own template (the API
                // rejects it) its pods may carry no label a Service could
                // select, and no selector fix can help.
                if !has_syntax_error(&findings, id) && !findings.iter().any(|finding| finding.code == Code::StatefulSetSelectorMismatch) {
                    let count = |findings: &[Finding]| findings.iter().filter(|finding| finding.code == action.finding.code && finding.file == action.finding.file).count();
                    prop_assert!(count(&fixed_findings) < count(&findings), "`{}` left its finding in:\n{}", action.title, text);
                }
                for edited in edited_files {
                    prop_assert!(
                        has_syntax_error(&findings, edited) || !has_syntax_error(&fixed_findings, edited),
                        "`{}` broke the YAML of {:?}: {:#?}",
                        action.title,
                        edited,
                        fixed_findings.iter().filter(|finding| finding.code == Code::YamlSyntax).collect::<Vec<_>>()
                    );
                }
            }
        }
    }

    /// The line index: positions and offsets round-trip in every encoding,
    /// and an index patched after an edit equals one built afresh.
    #[test]
    fn the_line_index_survives_any_text_and_edit(
        (_group, _file, _before, after) in mutated_group(),
        offsets in prop::collection::vec(any::<Index>(), 16),
        edit in (any::<Index>(), 0..64usize, prop::sample::select(TOKENS)),
    ) {
        let text = String::from_utf8_lossy(&after).into_owned();
        let index = LineIndex::new(&text);
        for offset in offsets.iter().map(|offset| offset.index(text.len() + 1)) {
            let inside_crlf = offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\r') && text.as_bytes().get(offset) == Some(&b'\n');
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                let position = index.position(&text, offset, encoding);
                let back = index.offset(&text, position, encoding);
                prop_assert!(text.is_char_boundary(back) && back <= offset, "{offset} -> {position:?} -> {back}");
                if text.is_char_boundary(offset) && !inside_crlf {
                    prop_assert_eq!(back, offset, "{:?} in {:?}", position, encoding);
                }
                // Any position at all maps into the text.
                let wild = index.offset(&text, LineCol { line: position.line + offset as u32 % 3, col: position.col * 2 + 1 }, encoding);
                prop_assert!(text.is_char_boundary(wild));
            }
        }
        // Patch after an edit on char boundaries.
        let (at, len, token) = edit;
        let mut start = at.index(text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut edited = text.clone();
        let range = TextRange::new(start, end);
        prop_assert!(text::replace_range(&mut edited, range, token));
        let mut patched = index.clone();
        patched.apply_edit(&edited, range, token.len());
        prop_assert_eq!(patched, LineIndex::new(&edited));
    }

    /// Edits from a stale or hostile source (reversed, past the end, inside
    /// a char, overlapping) are clamped or skipped, never a panic, and the
    /// result is still text.
    #[test]
    fn apply_edits_takes_any_edits(
        (_group, _file, _before, after) in mutated_group(),
        edits in prop::collection::vec((0..20_000usize, 0..20_000usize, prop::sample::select(TOKENS)), 0..8),
    ) {
        let text = String::from_utf8_lossy(&after).into_owned();
        let edits: Vec<TextEdit> = edits.into_iter().map(|(start, end, token)| TextEdit::new(TextRange::new(start, end), token)).collect();
        let result = text::apply_edits(&text, &edits);
        prop_assert!(result.len() <= text.len() + edits.iter().map(|edit| edit.new_text.len()).sum::<usize>());
        let mut replaced = text.clone();
        for edit in &edits {
            let _ = text::replace_range(&mut replaced, edit.range, &edit.new_text);
        }
    }
}
