//! Publishing diagnostics: the findings of the files whose findings changed
//! (including files that lost their last finding, or left the workspace),
//! converted and sent, and every open buffer's once per version. Files that
//! did not change are not looked at.
//!
//! It does not decide when to publish (the main loop debounces) nor what is
//! found (`checks`).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use lsp_types::{Diagnostic, Location, PublishDiagnosticsParams, Url};

use super::convert::{self, LineMap};
use super::documents::Documents;
use crate::ide::{Host, Related};
use crate::text::PositionEncoding;
use crate::workspace::{FileId, Snapshot};

#[derive(Debug, Default)]
pub(crate) struct Publisher {
    /// What the client was last sent, by path: file ids change when a file
    /// is removed and read again, paths do not.
    published: HashMap<PathBuf, Published>,
    /// The path of each file id published, for a file that has left the
    /// workspace by the time its empty list is sent.
    paths: HashMap<FileId, PathBuf>,
}

#[derive(Debug)]
struct Published {
    uri: Url,
    version: Option<i32>,
    diagnostics: Vec<Diagnostic>,
}

impl Publisher {
    /// Sends (through `send`, one by one as each is ready, so that the first
    /// reaches the client before the last is converted) the notifications
    /// that bring the client up to date: for the files in `changed` (whose
    /// findings changed, or that left the workspace), and for each open
    /// buffer whose version the client has not seen checked. Only those
    /// files are converted. Returns how many were sent.
    pub(crate) fn update(
        &mut self,
        snapshot: &Snapshot,
        host: &Host,
        changed: &BTreeSet<FileId>,
        documents: &Documents,
        encoding: PositionEncoding,
        mut send: impl FnMut(PublishDiagnosticsParams),
    ) -> usize {
        let locate = |related: &Related| -> Option<Location> {
            let file = snapshot.file(related.file)?;
            let uri = documents.uri(&file.path)?;
            let line_map = LineMap::of_file(file, encoding, documents.has_bom(&file.path));
            Some(Location { uri, range: line_map.range(related.range) })
        };
        let mut to_send: BTreeSet<FileId> = changed.clone();
        // An open buffer is published once per version even when its list is
        // unchanged (or empty), so that the client knows it was checked and
        // drops anything it still shows from before.
        for path in documents.open_paths() {
            let Some(id) = snapshot.file_id(path) else { continue };
            let version = snapshot.file(id).and_then(|file| file.version);
            if self.published.get(path).is_none_or(|published| published.version != version) {
                to_send.insert(id);
            }
        }
        let mut sent = 0;
        for id in to_send {
            let Some(file) = snapshot.file(id) else {
                // Gone: its path may already hold a new file (read again).
                let Some(path) = self.paths.remove(&id) else { continue };
                if snapshot.file_id(&path).is_some() {
                    continue;
                }
                if let Some(old) = self.published.remove(&path) {
                    if !old.diagnostics.is_empty() || old.version.is_some() {
                        send(PublishDiagnosticsParams { uri: old.uri, diagnostics: Vec::new(), version: None });
                        sent += 1;
                    }
                }
                continue;
            };
            let Some(uri) = documents.uri(&file.path) else { continue };
            let line_map = LineMap::of_file(file, encoding, documents.has_bom(&file.path));
            let new_diagnostics: Vec<Diagnostic> = host
                .findings(snapshot, id)
                .iter()
                .map(|finding| convert::diagnostic(finding, &line_map, locate))
                .collect();
            let unchanged = self
                .published
                .get(&file.path)
                .is_some_and(|old| old.diagnostics == new_diagnostics && old.version == file.version && old.uri == uri);
            if unchanged {
                continue;
            }
            // A file never published with nothing to say needs no word, unless
            // it is an open buffer (see above).
            if new_diagnostics.is_empty() && file.version.is_none() && !self.published.contains_key(&file.path) {
                continue;
            }
            send(PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: new_diagnostics.clone(),
                version: file.version,
            });
            sent += 1;
            self.paths.insert(id, file.path.clone());
            if new_diagnostics.is_empty() && file.version.is_none() {
                self.published.remove(&file.path);
            } else {
                self.published
                    .insert(file.path.clone(), Published { uri, version: file.version, diagnostics: new_diagnostics });
            }
        }
        sent
    }
}
