//! Code actions: the checks' fixes for the findings under a range, as quick
//! fixes tied to the diagnostic they fix.

use crate::checks::{self, Diagnostics, FileEdit, Finding};
use crate::syntax::TextRange;
use crate::workspace::{FileId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// The finding (diagnostic) the action fixes.
    pub finding: Finding,
    /// Edits per file, byte ranges against the snapshot's text.
    pub edits: Vec<FileEdit>,
    pub is_preferred: bool,
}

/// Quick fixes for the findings of `file` overlapping `range`.
pub fn code_actions(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, range: TextRange) -> Vec<CodeAction> {
    checks::fixes(snapshot, diagnostics, file, range)
        .into_iter()
        .map(|(finding, fix)| CodeAction {
            title: fix.title,
            finding,
            edits: fix.edits,
            is_preferred: fix.is_preferred,
        })
        .collect()
}
