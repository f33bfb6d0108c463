//! The span tree: YAML documents as an arena of nodes, each with a byte range.
//!
//! This file knows nothing of the YAML crate (that is `parse.rs`) and nothing of
//! Kubernetes (that is `model`). Every range in a `Document` is relative to the
//! start of that document's text, so that a document that did not change can be
//! reused, shared behind an `Arc`, at a new offset after an edit elsewhere in
//! the file: only `DocumentSlot::start` moves.

use crate::text::CompactRange;
pub use crate::text::TextRange;

/// Index of a node in its document's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// How a scalar was written; the model needs it to tell `None` from `"None"`
/// only in messages, and fixes need it to keep the user's quoting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionStyle {
    Block,
    Flow,
}

/// A stretch of one of a document's pools (`Document::strings`, `entries`,
/// `items`). Scalars and children live in three pools per document, not in
/// an allocation per node: on a 20 MiB file that is a million allocations
/// fewer, and a third less memory for the trees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pooled {
    start: u32,
    len: u32,
}

impl Pooled {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `value` is the scalar after escape processing (`Document::scalar`).
    Scalar { value: Pooled, style: ScalarStyle },
    /// Entries in source order; keys are nodes too (usually scalars)
    /// (`Document::mapping_entries`).
    Mapping { entries: Pooled, style: CollectionStyle },
    /// `Document::sequence_items`.
    Sequence { items: Pooled, style: CollectionStyle },
    /// `*name`; `target` is the anchored node, `None` when the anchor is
    /// unknown. Aliases are never expanded into copies, so an alias bomb costs
    /// one node per alias.
    Alias { target: Option<NodeId> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// `range()`, in 32 bits.
    range: CompactRange,
}

// 532,000 nodes on the benchmark's 20 MiB file: 32 bytes each with `usize`
// offsets.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Node>() <= 24);

impl Node {
    pub fn new(kind: NodeKind, range: TextRange) -> Node {
        Node { kind, range: CompactRange::new(range) }
    }

    /// The node's text: for a scalar its source token (with quotes), for a
    /// collection from its first to its last character.
    pub fn range(&self) -> TextRange {
        self.range.get()
    }

    /// A collection ends where its last child or closing bracket does (never
    /// before it starts).
    pub(super) fn end_at(&mut self, end: usize) {
        self.range = self.range.with_end(end);
    }
}

/// A comment, `#` included, line break excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Where the parser stopped; often empty.
    pub range: TextRange,
}

/// One YAML document of a file: the text between two `---`/`...` separators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub nodes: Vec<Node>,
    /// Every scalar's value, one after the other.
    strings: String,
    /// Every mapping's entries, one mapping after the other.
    entries: Vec<(NodeId, NodeId)>,
    /// Every sequence's items, one sequence after the other.
    items: Vec<NodeId>,
    pub root: Option<NodeId>,
    pub comments: Vec<Comment>,
    /// Empty for a valid document. A document with errors still keeps the
    /// nodes built before the first error.
    pub errors: Vec<SyntaxError>,
}

impl Document {
    /// The node with its aliases followed. An alias to an unknown anchor (or
    /// a cycle, which YAML cannot express but a bug could) yields the alias.
    pub fn node(&self, id: NodeId) -> &Node {
        let mut current = &self.nodes[id.0 as usize];
        // An alias always points backwards, so this terminates; the bound is
        // a guard against a malformed arena, not a semantic limit.
        for _ in 0..8 {
            match current.kind {
                NodeKind::Alias { target: Some(target) } if target != id => {
                    current = &self.nodes[target.0 as usize];
                }
                _ => break,
            }
        }
        current
    }

    /// The node as written, without following aliases.
    pub fn raw_node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// A document from its parts (the parser's builder).
    pub(super) fn from_parts(
        nodes: Vec<Node>,
        pools: (String, Vec<(NodeId, NodeId)>, Vec<NodeId>),
        root: Option<NodeId>,
        comments: Vec<Comment>,
        errors: Vec<SyntaxError>,
    ) -> Document {
        let (strings, entries, items) = pools;
        Document { nodes, strings, entries, items, root, comments, errors }
    }

    /// A scalar node's value (aliases followed) and style.
    pub fn scalar_with_style(&self, id: NodeId) -> Option<(&str, ScalarStyle)> {
        match self.node(id).kind {
            NodeKind::Scalar { value, style } => Some((self.strings.get(value.range()).unwrap_or(""), style)),
            _ => None,
        }
    }

    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        self.scalar_with_style(id).map(|(value, _)| value)
    }

    pub fn mapping_entries(&self, id: NodeId) -> Option<&[(NodeId, NodeId)]> {
        match self.node(id).kind {
            NodeKind::Mapping { entries, .. } => Some(self.entries.get(entries.range()).unwrap_or(&[])),
            _ => None,
        }
    }

    pub fn sequence_items(&self, id: NodeId) -> Option<&[NodeId]> {
        match self.node(id).kind {
            NodeKind::Sequence { items, .. } => Some(self.items.get(items.range()).unwrap_or(&[])),
            _ => None,
        }
    }

    /// The `(key, value)` entry of a mapping whose key is the scalar `key`.
    /// YAML forbids duplicate keys; where a file has them anyway, the last one
    /// wins, as in the API server's decoder.
    pub fn get(&self, mapping: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        self.mapping_entries(mapping)?.iter().rev().find(|(k, _)| self.scalar(*k) == Some(key)).copied()
    }

    /// Follows a path of mapping keys from `from`.
    pub fn get_path(&self, from: NodeId, path: &[&str]) -> Option<(NodeId, NodeId)> {
        let (first, rest) = path.split_first()?;
        let mut entry = self.get(from, first)?;
        for key in rest {
            entry = self.get(entry.1, key)?;
        }
        Some(entry)
    }
}

impl Document {
    /// A readable, indented listing of the tree, its comments and its errors,
    /// for snapshot tests. `text` is the document's text: where a node's
    /// source differs from its value (quotes, block scalars), the source is
    /// shown too, so that a snapshot also checks the ranges.
    pub fn debug_dump(&self, text: &str) -> String {
        use std::fmt::Write;

        let mut out = String::new();
        // An explicit stack instead of recursion: a document may nest as deep
        // as the parser allows, and the dump must not be what overflows.
        let mut stack: Vec<(NodeId, usize, &str)> = Vec::new();
        if let Some(root) = self.root {
            stack.push((root, 0, ""));
        }
        // Each node is listed at most once per parent slot; the bound guards
        // against a malformed arena with a cycle.
        let mut budget = self.nodes.len().saturating_mul(2).saturating_add(1);
        while let Some((id, depth, role)) = stack.pop() {
            if budget == 0 {
                out.push_str("... (cycle in the arena)\n");
                break;
            }
            budget -= 1;
            let Some(node) = self.nodes.get(id.0 as usize) else {
                let _ = writeln!(out, "{:indent$}{role}<missing node {}>", "", id.0, indent = depth * 2);
                continue;
            };
            let range = node.range();
            let _ = write!(out, "{:indent$}{role}", "", indent = depth * 2);
            match node.kind {
                NodeKind::Scalar { value, style } => {
                    let value = self.strings.get(value.range()).unwrap_or("");
                    let style = match style {
                        ScalarStyle::Plain => "plain",
                        ScalarStyle::SingleQuoted => "single",
                        ScalarStyle::DoubleQuoted => "double",
                        ScalarStyle::Literal => "literal",
                        ScalarStyle::Folded => "folded",
                    };
                    let _ = write!(out, "Scalar {style} {value:?} @{}..{}", range.start, range.end);
                    match text.get(range.as_range()) {
                        Some(source) if source == value => {}
                        Some(source) => {
                            let _ = write!(out, " source {source:?}");
                        }
                        None => out.push_str(" <range outside the text>"),
                    }
                    out.push('\n');
                }
                NodeKind::Alias { target } => {
                    let _ = write!(out, "Alias @{}..{}", range.start, range.end);
                    match target.and_then(|target| self.nodes.get(target.0 as usize)) {
                        Some(target) => {
                            let _ = writeln!(out, " -> @{}..{}", target.range().start, target.range().end);
                        }
                        None => out.push_str(" -> unresolved\n"),
                    }
                }
                NodeKind::Mapping { entries, style } => {
                    let _ = writeln!(out, "Mapping {} @{}..{}", style_name(style), range.start, range.end);
                    for (key, value) in self.entries.get(entries.range()).unwrap_or(&[]).iter().rev() {
                        stack.push((*value, depth + 1, "value: "));
                        stack.push((*key, depth + 1, "key: "));
                    }
                }
                NodeKind::Sequence { items, style } => {
                    let _ = writeln!(out, "Sequence {} @{}..{}", style_name(style), range.start, range.end);
                    for item in self.items.get(items.range()).unwrap_or(&[]).iter().rev() {
                        stack.push((*item, depth + 1, "- "));
                    }
                }
            }
        }
        if self.root.is_none() {
            out.push_str("(no root)\n");
        }
        for comment in &self.comments {
            let _ = writeln!(out, "comment {:?} @{}..{}", comment.text, comment.range.start, comment.range.end);
        }
        for error in &self.errors {
            let _ = writeln!(out, "error {:?} @{}..{}", error.message, error.range.start, error.range.end);
        }
        out
    }
}

fn style_name(style: CollectionStyle) -> &'static str {
    match style {
        CollectionStyle::Block => "block",
        CollectionStyle::Flow => "flow",
    }
}

/// Appends to a pool, returning where it went; `None` past 4 GiB of pool,
/// which no document under `maxFileSize` comes near.
pub(super) fn pool_str(pool: &mut String, value: &str) -> Option<Pooled> {
    let start = u32::try_from(pool.len()).ok()?;
    let len = u32::try_from(value.len()).ok()?;
    start.checked_add(len)?;
    pool.push_str(value);
    Some(Pooled { start, len })
}

pub(super) fn pool_slice<T: Copy>(pool: &mut Vec<T>, values: &[T]) -> Option<Pooled> {
    let start = u32::try_from(pool.len()).ok()?;
    let len = u32::try_from(values.len()).ok()?;
    start.checked_add(len)?;
    pool.extend_from_slice(values);
    Some(Pooled { start, len })
}
