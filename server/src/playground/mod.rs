//! The playground's engine: an in-memory set of files behind `ide::Host`,
//! asked the same things the language server asks (diagnostics, hover, code
//! actions, inlay hints) and answering in the CLI's terms: paths as given,
//! 1-based lines and columns counting Unicode scalar values, findings in the
//! shape and order of `kube-lsp check --format json`. The browser build
//! (`playground/engine`, wasm-bindgen) wraps it one call per method.
//!
//! It knows neither the disk, nor the protocol, nor JavaScript: it is what
//! `lsp` and `cli` are, a conversion around `ide`, for a caller that holds
//! its files in memory. It builds without the `native` feature.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Config;
use crate::ide::{self, Host};
use crate::syntax::TextRange;
use crate::text::{apply_edits, line_col_chars, strip_bom, LineCol, PositionEncoding};
use crate::workspace::{FileId, Snapshot, SourceFile};

/// A finding as `kube-lsp check --format json` prints it (SPEC "Commands").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonFinding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: String,
    pub severity: String,
    pub message: String,
}

/// A range of one file, 1-based, columns in Unicode scalar values; the end
/// is the position just after the range's last character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hover {
    pub markdown: String,
    /// The key or value hovered.
    pub span: Span,
}

/// One replacement in one file, against the text the action was asked of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Edit {
    pub file: String,
    pub span: Span,
    pub new_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub title: String,
    /// The code of the finding it fixes.
    pub code: String,
    pub is_preferred: bool,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InlayHint {
    pub line: usize,
    pub column: usize,
    /// The text, without the space before it.
    pub label: String,
}

/// The engine behind the playground: the files, and the host that keeps
/// their findings up to date (incrementally, as in the editor).
#[derive(Debug)]
pub struct Playground {
    host: Host,
    /// Each change is a new version of an open buffer, so the editor's
    /// limits on open buffers (`maxFileSize`) hold here too.
    version: i32,
}

impl Default for Playground {
    fn default() -> Playground {
        Playground::new()
    }
}

impl Playground {
    /// An empty file set with the default settings.
    pub fn new() -> Playground {
        Playground { host: Host::new(Config::default()), version: 0 }
    }

    /// Adds or replaces a file. A byte order mark is dropped, as the CLI's
    /// reader drops it.
    pub fn set_file(&mut self, path: &str, text: &str) {
        let mut text = text.to_owned();
        strip_bom(&mut text);
        self.version = self.version.wrapping_add(1);
        self.host.workspace_mut().set_text(PathBuf::from(path), text, Some(self.version));
    }

    /// Removes a file; false when there was none of that path.
    pub fn drop_file(&mut self, path: &str) -> bool {
        self.host.workspace_mut().remove(Path::new(path)).is_some()
    }

    /// Moves a file to another path (replacing any file there); false when
    /// there was no file at `from`.
    pub fn rename_file(&mut self, from: &str, to: &str) -> bool {
        let Some(text) = self.text(from) else { return false };
        if from == to {
            return true;
        }
        self.drop_file(from);
        self.set_file(to, &text);
        true
    }

    /// Removes every file.
    pub fn clear(&mut self) {
        let paths: Vec<String> = self.files().into_keys().collect();
        for path in paths {
            self.drop_file(&path);
        }
    }

    /// Every file, path → text.
    pub fn files(&mut self) -> BTreeMap<String, String> {
        let snapshot = self.host.workspace_mut().snapshot();
        snapshot.files().map(|(_, file)| (path_string(&file.path), file.text.clone())).collect()
    }

    fn text(&mut self, path: &str) -> Option<String> {
        let workspace = self.host.workspace();
        let id = workspace.file_id(Path::new(path))?;
        Some(workspace.file(id)?.text.clone())
    }

    /// Every finding, as `kube-lsp check --format json` prints them for the
    /// same files: by file, start, end and code.
    pub fn diagnostics(&mut self) -> Vec<JsonFinding> {
        let (snapshot, _) = self.host.update();
        let mut findings: Vec<JsonFinding> = self
            .host
            .diagnostics()
            .all()
            .filter_map(|finding| {
                let file = snapshot.file(finding.file)?;
                let span = span(file, finding.range);
                Some(JsonFinding {
                    file: path_string(&file.path),
                    line: span.line,
                    column: span.column,
                    end_line: span.end_line,
                    end_column: span.end_column,
                    code: finding.code.as_str().to_owned(),
                    severity: finding.level.as_str().to_owned(),
                    message: finding.message.clone(),
                })
            })
            .collect();
        // The CLI's order (`cli/report.rs`): path, start, end, code.
        findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.end_line, a.end_column, &a.code).cmp(&(
                &b.file,
                b.line,
                b.column,
                b.end_line,
                b.end_column,
                &b.code,
            ))
        });
        findings
    }

    /// The hover card at a 1-based line and column, as Markdown.
    pub fn hover(&mut self, path: &str, line: usize, column: usize) -> Option<Hover> {
        let (snapshot, id, offset) = self.position(path, line, column)?;
        let file = snapshot.file(id)?;
        let hover = ide::hover(&snapshot, self.host.diagnostics(), id, offset)?;
        Some(Hover { span: span(file, hover.range), markdown: hover.markdown })
    }

    /// The quick fixes offered at a 1-based line and column.
    pub fn actions(&mut self, path: &str, line: usize, column: usize) -> Vec<Action> {
        let Some((snapshot, id, offset)) = self.position(path, line, column) else { return Vec::new() };
        ide::code_actions(&snapshot, self.host.diagnostics(), id, TextRange::empty(offset))
            .into_iter()
            .map(|action| Action {
                title: action.title,
                code: action.finding.code.as_str().to_owned(),
                is_preferred: action.is_preferred,
                edits: action
                    .edits
                    .iter()
                    .filter_map(|file_edit| Some((snapshot.file(file_edit.file)?, &file_edit.edits)))
                    .flat_map(|(file, edits)| {
                        edits.iter().map(move |edit| Edit {
                            file: path_string(&file.path),
                            span: span(file, edit.range),
                            new_text: edit.new_text.clone(),
                        })
                    })
                    .collect(),
            })
            .collect()
    }

    /// Applies the quick fix titled `title` offered at a 1-based line and
    /// column; returns the files it changed, path → new text (`None` when no
    /// such fix is offered there).
    pub fn apply(&mut self, path: &str, line: usize, column: usize, title: &str) -> Option<BTreeMap<String, String>> {
        let (snapshot, id, offset) = self.position(path, line, column)?;
        let action = ide::code_actions(&snapshot, self.host.diagnostics(), id, TextRange::empty(offset))
            .into_iter()
            .find(|action| action.title == title)?;
        let mut changed = BTreeMap::new();
        for file_edit in &action.edits {
            let Some(file) = snapshot.file(file_edit.file) else { continue };
            changed.insert(path_string(&file.path), apply_edits(&file.text, &file_edit.edits));
        }
        for (path, text) in &changed {
            self.set_file(path, text);
        }
        Some(changed)
    }

    /// The inlay hints of a whole file.
    pub fn inlay_hints(&mut self, path: &str) -> Vec<InlayHint> {
        let (snapshot, _) = self.host.update();
        let Some(id) = snapshot.file_id(Path::new(path)) else { return Vec::new() };
        let Some(file) = snapshot.file(id) else { return Vec::new() };
        ide::inlay_hints(&snapshot, self.host.diagnostics(), id, TextRange::new(0, file.text.len()))
            .into_iter()
            .map(|hint| {
                let (line, column) = line_col_chars(file.line_index(), &file.text, hint.offset);
                InlayHint { line, column, label: hint.label }
            })
            .collect()
    }

    /// An up-to-date snapshot, the file and the byte offset of a 1-based
    /// line and column (clamped into the file, as an editor's cursor is).
    fn position(&mut self, path: &str, line: usize, column: usize) -> Option<(Snapshot, FileId, usize)> {
        let (snapshot, _) = self.host.update();
        let id = snapshot.file_id(Path::new(path))?;
        let file = snapshot.file(id)?;
        let position = LineCol {
            line: u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX),
            col: u32::try_from(column.saturating_sub(1)).unwrap_or(u32::MAX),
        };
        let offset = file.line_index().offset(&file.text, position, PositionEncoding::Utf32);
        Some((snapshot, id, offset))
    }
}

fn span(file: &SourceFile, range: TextRange) -> Span {
    let (line, column) = line_col_chars(file.line_index(), &file.text, range.start);
    let (end_line, end_column) = line_col_chars(file.line_index(), &file.text, range.end);
    Span { line, column, end_line, end_column }
}

fn path_string(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests;
