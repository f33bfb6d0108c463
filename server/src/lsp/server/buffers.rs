//! Open buffers: `didOpen`, `didChange` (incremental, strictly in order)
//! and `didClose`. The buffer wins over the disk copy while it is open.
//!
//! It knows how the client's positions and changes map onto the workspace's
//! text (which holds an oversized buffer's text too, unanalysed); it does not
//! read the disk beyond handing a closed file back to it.

use std::path::Path;

use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent,
};

use super::Server;
use crate::lsp::convert::LineMap;
use crate::text::{LineIndex, TextEdit};

impl Server {
    pub(super) fn on_did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let path = self.documents.remember(&document.uri);
        let mut text = document.text;
        let bom = crate::text::strip_bom(&mut text);
        self.documents.open(path.clone(), bom);
        self.host.workspace_mut().set_text(path.clone(), text, Some(document.version));
        self.render_chart_of(&path);
        // No workspace folder: the folder of each opened file is read.
        if document.uri.scheme() == "file" {
            if let Some(folder) = self.disk.add_folder_of(&path) {
                // A new root renames the builds below it.
                self.apply_settings();
                self.index(vec![folder]);
            }
        }
        self.mark_dirty();
    }

    /// Every change of an open buffer takes this one path: each change is
    /// turned into a byte-range edit against the text the changes before it
    /// left, and applied in place. Only a change that replaces the whole text
    /// or touches a byte order mark is applied to the client's own text
    /// (mark included) and set as a whole.
    pub(super) fn on_did_change(&mut self, params: DidChangeTextDocumentParams) {
        let path = self.documents.remember(&params.text_document.uri);
        let version = params.text_document.version;
        let Some(id) = self.host.workspace().file_id(&path).filter(|_| self.documents.is_open(&path)) else {
            tracing::warn!("`didChange` for `{}`, which is not open", params.text_document.uri);
            return;
        };
        for change in params.content_changes {
            let bom = self.documents.has_bom(&path);
            let edit = match (change.range, self.host.workspace().file(id)) {
                (Some(range), Some(file)) if !bom || range.start.line > 0 => {
                    let line_map = LineMap::new(&file.text, file.line_index(), self.encoding, bom);
                    Some(TextEdit::new(line_map.text_range(range), change.text.as_str()))
                }
                _ => None,
            };
            match edit {
                Some(edit) => {
                    if !self.host.workspace_mut().edit(id, Some(version), &[edit]) {
                        tracing::warn!("ignoring a change outside the text of `{}`", path.display());
                    }
                }
                None => self.replace_client_text(&path, bom, version, change),
            }
        }
        self.mark_dirty();
    }

    /// Applies a change to the client's whole text (byte order mark
    /// included, so that a change that removes or adds it is right too).
    fn replace_client_text(&mut self, path: &Path, bom: bool, version: i32, change: TextDocumentContentChangeEvent) {
        let Some(current) = self.host.workspace().file_id(path).and_then(|id| self.host.workspace().file(id)) else {
            return;
        };
        let mut text = match change.range {
            Some(range) => {
                let mut text = if bom { format!("\u{FEFF}{}", current.text) } else { current.text.clone() };
                let line_index = LineIndex::new(&text);
                let range = LineMap::new(&text, &line_index, self.encoding, false).text_range(range);
                crate::text::replace_range(&mut text, range, &change.text);
                text
            }
            None => change.text,
        };
        let bom = crate::text::strip_bom(&mut text);
        self.documents.set_bom(path, bom);
        self.host.workspace_mut().set_text(path.to_path_buf(), text, Some(version));
    }

    pub(super) fn on_did_close(&mut self, params: DidCloseTextDocumentParams) {
        let path = self.documents.remember(&params.text_document.uri);
        self.documents.close(&path);
        // The disk copy takes over for a file the walk lists; any other file
        // leaves the workspace with its buffer.
        if self.disk.is_listed(&path) {
            self.reload(&path);
        } else {
            self.host.workspace_mut().remove(&path);
        }
        self.mark_dirty();
    }
}
