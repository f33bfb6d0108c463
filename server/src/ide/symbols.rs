//! Document and workspace symbols: one per object, `Kind/name`.

use crate::syntax::TextRange;
use crate::workspace::{FileId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// `StatefulSet/redis`.
    pub name: String,
    /// The Kubernetes kind, for the symbol's icon.
    pub kind: String,
    pub namespace: String,
    pub file: FileId,
    /// The whole object.
    pub range: TextRange,
    /// Its name (or kind, for an unnamed object).
    pub selection_range: TextRange,
}

pub fn document_symbols(snapshot: &Snapshot, file: FileId) -> Vec<Symbol> {
    snapshot
        .objects_in_file(file)
        .map(|object| Symbol {
            name: object.object.display_name(),
            kind: object.object.kind().to_owned(),
            namespace: object.namespace().to_owned(),
            file,
            range: object.absolute(object.object.range),
            selection_range: object.anchor_range(),
        })
        .collect()
}

/// Symbols whose name contains every character of `query` in order, case
/// insensitively (the fuzzy match editors expect); all for an empty query.
pub fn workspace_symbols(snapshot: &Snapshot, query: &str) -> Vec<Symbol> {
    let query = query.to_lowercase();
    let mut symbols: Vec<Symbol> = snapshot
        .files()
        .flat_map(|(file, _)| document_symbols(snapshot, file))
        .filter(|symbol| fuzzy_match(&symbol.name.to_lowercase(), &query))
        .collect();
    symbols.sort_by(|a, b| (&a.name, a.file, a.range.start).cmp(&(&b.name, b.file, b.range.start)));
    symbols.truncate(1000);
    symbols
}

fn fuzzy_match(name: &str, query: &str) -> bool {
    let mut chars = name.chars();
    query.chars().all(|wanted| chars.any(|c| c == wanted))
}
