//! Test fixtures: YAML files with annotations, readable on their own.
//!
//! ```text
//! #- /app/redis.yaml
//! kind: StatefulSet
//! spec:
//!   serviceName: redis
//! #              ^^^^^ warning service-not-found
//! ```
//!
//! `#- /path` starts a file; `#  ^^^ level code` marks the finding expected on
//! the line above (`#^^^` marks from column 0); `$0` marks the cursor. Annotation lines stay in the text as
//! the comments they are, so positions need no mapping.
#![cfg(test)]

use std::path::PathBuf;

use crate::config::Config;
use crate::syntax::TextRange;
use crate::text::apply_edits;
use crate::workspace::{FileId, Snapshot, Workspace};

pub struct Fixture {
    pub files: Vec<(PathBuf, String)>,
    pub cursor: Option<(usize, usize)>,
    /// (file index, range, "level code")
    pub expected: Vec<(usize, TextRange, String)>,
}

pub fn parse(fixture: &str) -> Fixture {
    let mut files: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("#- ") {
            files.push((PathBuf::from(path.trim()), Vec::new()));
        } else if let Some((_, lines)) = files.last_mut() {
            lines.push(line.to_owned());
        } else {
            assert!(line.trim().is_empty(), "fixture text before the first `#- /path` line: {line:?}");
        }
    }
    let mut cursor = None;
    let mut expected = Vec::new();
    let mut out = Vec::new();
    for (file_index, (path, lines)) in files.into_iter().enumerate() {
        let mut text = String::new();
        let mut previous_line_start = 0;
        for line in lines {
            let line = match line.find("$0") {
                Some(column) => {
                    cursor = Some((file_index, text.len() + column));
                    line.replacen("$0", "", 1)
                }
                None => line,
            };
            if let Some(annotation) = annotation(&line) {
                let (column, width, label) = annotation;
                let start = previous_line_start + column;
                expected.push((file_index, TextRange::new(start, start + width), label));
            } else {
                previous_line_start = text.len();
            }
            text.push_str(&line);
            text.push('\n');
        }
        out.push((path, text));
    }
    Fixture { files: out, cursor, expected }
}

/// `#   ^^^ level code` → (column of the first caret, caret count, "level code").
fn annotation(line: &str) -> Option<(usize, usize, String)> {
    let rest = line.strip_prefix('#')?;
    let caret = line.find('^')?;
    if !rest[..caret - 1].trim().is_empty() {
        return None;
    }
    // `#^^^` marks from column 0, where a caret cannot stand under the `#`.
    let column = if caret == 1 { 0 } else { caret };
    let carets = line[caret..].chars().take_while(|c| *c == '^').count();
    let label = line[caret + carets..].trim().to_owned();
    Some((column, carets, label))
}

use crate::checks::{FIRST_SENTENCE_LIMIT, MESSAGE_LIMIT};

pub(crate) use super::first_sentence;

/// Asserts SPEC's "Messages and titles" of a finding: its first sentence and
/// whole message within the limits, plain text (editors show backticks raw),
/// and so are the messages of its related places. Every fixture helper calls
/// it, so every rule's every fixture holds its messages to the limits.
#[track_caller]
pub fn assert_message_within_limits(finding: &crate::checks::Finding) {
    let message = finding.message.as_str();
    let (first, whole) = (first_sentence(message).chars().count(), message.chars().count());
    assert!(
        first <= FIRST_SENTENCE_LIMIT && whole <= MESSAGE_LIMIT,
        "`{}`: {whole} characters, {first} in the first sentence (SPEC: at most {MESSAGE_LIMIT}, and \
         {FIRST_SENTENCE_LIMIT} in the first): {message:?}",
        finding.code.as_str()
    );
    assert!(!message.contains('`'), "`{}`: Markdown backticks in {message:?}", finding.code.as_str());
    for related in &finding.related {
        let length = related.message.chars().count();
        assert!(
            length <= FIRST_SENTENCE_LIMIT && !related.message.contains('`'),
            "`{}`: a related message is plain text of at most {FIRST_SENTENCE_LIMIT} characters: {:?}",
            finding.code.as_str(),
            related.message
        );
    }
}

/// Asserts SPEC's rule for a code action's title: plain text of at most
/// `TITLE_LIMIT` characters.
#[track_caller]
pub fn assert_title_within_limits(title: &str) {
    let limit = crate::checks::edit::TITLE_LIMIT;
    let length = title.chars().count();
    assert!(length <= limit, "a title of {length} characters (SPEC: at most {limit}): {title:?}");
    assert!(!title.contains('`'), "Markdown backticks in a title: {title:?}");
}

/// Every finding of the snapshot and every fix offered for it, held to
/// SPEC's limits.
#[track_caller]
pub fn assert_within_limits(snapshot: &Snapshot) {
    let diagnostics = crate::checks::Diagnostics::of(snapshot);
    for finding in diagnostics.all() {
        assert_message_within_limits(finding);
        for (_, fix) in crate::checks::fixes(snapshot, &diagnostics, finding.file, finding.range) {
            assert_title_within_limits(&fix.title);
        }
    }
}

pub fn workspace(fixture: &Fixture) -> (Workspace, Vec<FileId>) {
    workspace_with(Config::default(), fixture)
}

pub fn workspace_with(config: Config, fixture: &Fixture) -> (Workspace, Vec<FileId>) {
    let mut workspace = Workspace::new(config);
    let ids = fixture.files.iter().map(|(path, text)| workspace.set_text(path.clone(), text.clone(), None)).collect();
    (workspace, ids)
}

fn describe(snapshot: &Snapshot, file: FileId, range: TextRange, label: &str) -> String {
    let source = snapshot.file(file).expect("file of a finding");
    let line = source.line_index().line_of(range.start);
    let line_start = source.line_index().line_start(line).unwrap_or(0);
    format!(
        "{}:{}: {:?} {label}",
        source.path.display(),
        line + 1,
        &source.text[line_start.max(range.start.min(source.text.len()))..range.end.min(source.text.len())]
    )
}

/// Asserts that the findings are exactly the annotated ones.
#[track_caller]
pub fn check_findings(fixture: &str) {
    check_findings_with(Config::default(), fixture);
}

/// `check_findings` under a configuration other than the defaults.
#[track_caller]
pub fn check_findings_with(config: Config, fixture: &str) {
    let fixture = parse(fixture);
    let (mut workspace, ids) = workspace_with(config, &fixture);
    let snapshot = workspace.snapshot();
    assert_within_limits(&snapshot);
    let mut actual: Vec<String> = crate::checks::check(&snapshot)
        .iter()
        .map(|finding| {
            describe(
                &snapshot,
                finding.file,
                finding.range,
                &format!("{} {}", finding.level.as_str(), finding.code.as_str()),
            )
        })
        .collect();
    let mut expected: Vec<String> =
        fixture.expected.iter().map(|(file, range, label)| describe(&snapshot, ids[*file], *range, label)).collect();
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected, "\nactual findings (left) differ from the annotated ones (right)");
}

/// Applies the fix whose title contains `title`, offered at the cursor;
/// compares every file with `after`, then re-analyses and asserts that the
/// finding it fixed is gone and no `yaml-syntax` appeared.
#[track_caller]
pub fn check_fix(title: &str, before: &str, after: &str) {
    let fixture = parse(before);
    let (mut workspace, ids) = workspace(&fixture);
    let (cursor_file, cursor) = fixture.cursor.expect("a `$0` cursor in the fixture");
    let snapshot = workspace.snapshot();
    assert_within_limits(&snapshot);
    let diagnostics = crate::checks::Diagnostics::of(&snapshot);
    let fixes = crate::checks::fixes(&snapshot, &diagnostics, ids[cursor_file], TextRange::empty(cursor));
    let titles: Vec<&str> = fixes.iter().map(|(_, fix)| fix.title.as_str()).collect();
    let Some((finding, fix)) = fixes.iter().find(|(_, fix)| fix.title.contains(title)) else {
        panic!("no fix titled `{title}` at the cursor; offered: {titles:#?}");
    };
    for file_edit in &fix.edits {
        let source = snapshot.file(file_edit.file).expect("edited file exists");
        let new_text = apply_edits(&source.text, &file_edit.edits);
        workspace.set_text(source.path.clone(), new_text, None);
    }
    let snapshot = workspace.snapshot();
    let mut rendered = String::from("\n");
    for id in &ids {
        let source = snapshot.file(*id).expect("file exists");
        rendered.push_str(&format!("#- {}\n{}", source.path.display(), source.text));
    }
    // A fixture's text ends with a newline per line; compare on content.
    let expected_after = after.strip_suffix('\n').unwrap_or(after);
    let rendered = rendered.strip_suffix('\n').unwrap_or(&rendered);
    assert_eq!(rendered, expected_after, "\nthe fixed text (left) differs from the expected one (right)");
    let findings = crate::checks::check(&snapshot);
    let syntax: Vec<_> = findings.iter().filter(|f| f.code == crate::checks::Code::YamlSyntax).collect();
    assert!(syntax.is_empty(), "the fix produced invalid YAML: {syntax:#?}");
    let left: Vec<_> = findings.iter().filter(|f| f.code == finding.code).collect();
    assert!(left.is_empty(), "`{}` is still reported after the fix: {left:#?}", finding.code.as_str());
}

/// The snapshot of a fixture and its cursor, for IDE feature tests.
pub fn cursor_snapshot(fixture: &str) -> (Snapshot, FileId, usize) {
    let fixture = parse(fixture);
    let (mut workspace, ids) = workspace(&fixture);
    let (file, offset) = fixture.cursor.expect("a `$0` cursor in the fixture");
    let snapshot = workspace.snapshot();
    assert_within_limits(&snapshot);
    (snapshot, ids[file], offset)
}
