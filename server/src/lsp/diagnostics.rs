//! Publishing diagnostics: the findings of every file, converted, and sent
//! only for the files whose diagnostics changed since they were last sent
//! (including files that lost their last finding, or left the workspace),
//! and for every open buffer once per version.
//!
//! It does not decide when to publish (the main loop debounces) nor what is
//! found (`checks`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::{Diagnostic, Location, PublishDiagnosticsParams, Url};

use super::convert::{self, LineMap};
use super::documents::Documents;
use crate::checks::Finding;
use crate::text::PositionEncoding;
use crate::workspace::{FileId, Snapshot};

#[derive(Debug, Default)]
pub(crate) struct Publisher {
    /// What the client was last sent, by path: file ids change when a file
    /// is removed and read again, paths do not.
    published: HashMap<PathBuf, Published>,
}

#[derive(Debug)]
struct Published {
    uri: Url,
    version: Option<i32>,
    diagnostics: Vec<Diagnostic>,
}

impl Publisher {
    /// The notifications that bring the client up to date with `findings`.
    pub(crate) fn update(
        &mut self,
        snapshot: &Snapshot,
        findings: &BTreeMap<FileId, Vec<Finding>>,
        documents: &Documents,
        encoding: PositionEncoding,
        version_of: impl Fn(&Path) -> Option<i32>,
    ) -> Vec<PublishDiagnosticsParams> {
        let locate = |related: &crate::checks::Related| -> Option<Location> {
            let file = snapshot.file(related.file)?;
            let uri = documents.uri(&file.path)?;
            let line_map = LineMap::of_file(file, encoding, documents.has_bom(&file.path));
            Some(Location { uri, range: line_map.range(related.range) })
        };
        let mut notifications = Vec::new();
        let mut current: HashMap<PathBuf, Published> = HashMap::new();
        for (file_id, file_findings) in findings {
            let Some(file) = snapshot.file(*file_id) else { continue };
            let Some(uri) = documents.uri(&file.path) else { continue };
            let line_map = LineMap::of_file(file, encoding, documents.has_bom(&file.path));
            let diagnostics: Vec<Diagnostic> =
                file_findings.iter().map(|finding| convert::diagnostic(finding, &line_map, locate)).collect();
            current.insert(file.path.clone(), Published { uri, version: file.version, diagnostics });
        }
        // An open buffer without findings is published once too (an empty
        // list with its version), so that the client knows it was checked
        // and drops anything it still shows from before.
        for (_, file) in snapshot.files().filter(|(_, file)| file.version.is_some()) {
            if current.contains_key(&file.path) {
                continue;
            }
            if let Some(uri) = documents.uri(&file.path) {
                current.insert(file.path.clone(), Published { uri, version: file.version, diagnostics: Vec::new() });
            }
        }
        for (path, new) in &current {
            // An unchanged list is sent again for a new version of an open
            // buffer, so that the client sees the diagnostics are current.
            let unchanged = self.published.get(path).is_some_and(|old| {
                old.diagnostics == new.diagnostics && old.version == new.version && old.uri == new.uri
            });
            if !unchanged {
                notifications.push(PublishDiagnosticsParams {
                    uri: new.uri.clone(),
                    diagnostics: new.diagnostics.clone(),
                    version: new.version,
                });
            }
        }
        for (path, old) in &self.published {
            if !current.contains_key(path) {
                let version = version_of(path);
                notifications.push(PublishDiagnosticsParams { uri: old.uri.clone(), diagnostics: Vec::new(), version });
            }
        }
        self.published = current;
        notifications
    }
}
