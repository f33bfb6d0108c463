//! Open buffers: `didOpen`, `didChange` (incremental, strictly in order)
//! and `didClose`. The buffer wins over the disk copy while it is open.
//!
//! It knows how the client's positions and changes map onto the workspace's
//! text; it does not read the disk beyond handing a closed file back to it.

use std::path::Path;

use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent,
    Url,
};

use super::Server;
use crate::lsp::convert::{uri_to_path, LineMap};
use crate::text::LineIndex;
use crate::workspace::SourceFile;

impl Server {
    pub(super) fn on_did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let path = self.documents.remember(&document.uri);
        let mut text = document.text;
        let bom = crate::text::strip_bom(&mut text);
        self.documents.open(path.clone(), bom);
        self.set_buffer_text(&path, text, document.version);
        if self.folders.is_empty() && document.uri.scheme() == "file" {
            // No workspace folder: the folder of each opened file is read.
            if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
                if !self.extra_roots.iter().any(|root| folder.starts_with(root)) {
                    let folder = folder.to_path_buf();
                    self.extra_roots.push(folder.clone());
                    if let Some(watcher) = &mut self.watcher {
                        watcher.watch(&folder);
                    }
                    self.index(&[folder]);
                }
            }
        }
        self.mark_dirty();
    }

    /// Sets an open buffer's text; a buffer over `maxFileSize` is kept aside
    /// and not analysed, like a huge file on disk.
    pub(super) fn set_buffer_text(&mut self, path: &Path, text: String, version: i32) {
        let limit = self.workspace.config().max_file_size;
        if text.len() as u64 > limit {
            tracing::info!("not analysing `{}`: {} bytes, over `maxFileSize`", path.display(), text.len());
            let reason = format!("{} bytes, over `maxFileSize` ({limit} bytes)", text.len());
            let mut skipped = SourceFile::skipped(path.to_path_buf(), reason);
            skipped.version = Some(version);
            self.workspace.insert(skipped);
            self.oversized.insert(path.to_path_buf(), text);
        } else {
            self.oversized.remove(path);
            self.workspace.set_text(path.to_path_buf(), text, Some(version));
        }
    }

    pub(super) fn on_did_change(&mut self, params: DidChangeTextDocumentParams) {
        let path = self.documents.remember(&params.text_document.uri);
        let version = params.text_document.version;
        let Some(id) = self.workspace.file_id(&path) else {
            tracing::warn!("`didChange` for `{}`, which is not open", params.text_document.uri);
            return;
        };
        let changes = params.content_changes;
        let bom = self.documents.has_bom(&path);
        let new_bom = changes.iter().any(|change| change.range.is_none() && change.text.starts_with('\u{FEFF}'));
        if bom || new_bom || self.oversized.contains_key(&path) {
            self.apply_changes_to_copy(&path, bom, version, changes);
        } else {
            let encoding = self.encoding;
            self.workspace.edit(
                id,
                Some(version),
                changes,
                |text, line_index, change: &TextDocumentContentChangeEvent| {
                    change.range.map(|range| LineMap::new(text, line_index, encoding, false).text_range(range))
                },
                |change| change.text.as_str(),
            );
            let too_big = self
                .workspace
                .file(id)
                .filter(|file| file.text.len() as u64 > self.workspace.config().max_file_size)
                .map(|file| file.text.clone());
            if let Some(text) = too_big {
                self.set_buffer_text(&path, text, version);
            }
        }
        self.mark_dirty();
    }

    /// The rare path, for a buffer whose text starts with a byte order mark
    /// or is over `maxFileSize`: changes are applied to a copy of the
    /// client's own text (mark included, so that a change that removes or
    /// adds it is right too), which is then set as a whole.
    pub(super) fn apply_changes_to_copy(
        &mut self,
        path: &Path,
        bom: bool,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let current = match self.oversized.get(path) {
            Some(text) => text.clone(),
            None => match self.workspace.file_id(path).and_then(|id| self.workspace.file(id)) {
                Some(file) => file.text.clone(),
                None => return,
            },
        };
        let mut text = if bom { format!("\u{FEFF}{current}") } else { current };
        for change in changes {
            match change.range {
                Some(range) => {
                    let line_index = LineIndex::new(&text);
                    let range = LineMap::new(&text, &line_index, self.encoding, false).text_range(range);
                    crate::text::replace_range(&mut text, range, &change.text);
                }
                None => text = change.text,
            }
        }
        let bom = crate::text::strip_bom(&mut text);
        self.documents.set_bom(path, bom);
        self.set_buffer_text(path, text, version);
    }

    /// The text of `{"textDocument": {"uri": ...}}` as the server holds it,
    /// in the client's terms (an oversized buffer's kept text, the byte order
    /// mark put back), for `kubeLsp/testDocumentText`.
    pub(super) fn document_text(&self, params: &serde_json::Value) -> Option<String> {
        let uri = params.get("textDocument")?.get("uri")?.as_str()?;
        let path = uri_to_path(&Url::parse(uri).ok()?);
        let text = match self.oversized.get(&path) {
            Some(text) => text.clone(),
            None => self.workspace.file(self.workspace.file_id(&path)?)?.text.clone(),
        };
        Some(if self.documents.has_bom(&path) { format!("\u{FEFF}{text}") } else { text })
    }

    pub(super) fn on_did_close(&mut self, params: DidCloseTextDocumentParams) {
        let path = self.documents.remember(&params.text_document.uri);
        self.documents.close(&path);
        self.oversized.remove(&path);
        // The disk copy takes over for a file the walk lists; any other file
        // leaves the workspace with its buffer.
        if self.listed.contains(&path) {
            self.reload(&path);
        } else {
            self.workspace.remove(&path);
        }
        self.mark_dirty();
    }
}
