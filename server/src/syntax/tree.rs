//! The span tree: YAML documents as an arena of nodes, each with a byte range.
//!
//! This file knows nothing of the YAML crate (that is `parse.rs`) and nothing of
//! Kubernetes (that is `model`). Every range in a `Document` is relative to the
//! start of that document's text, so that a document that did not change can be
//! reused, shared behind an `Arc`, at a new offset after an edit elsewhere in
//! the file: only `DocumentSlot::start` moves.

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `value` is the scalar after escape processing.
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    /// Entries in source order; keys are nodes too (usually scalars).
    Mapping {
        entries: Vec<(NodeId, NodeId)>,
        style: CollectionStyle,
    },
    Sequence {
        items: Vec<NodeId>,
        style: CollectionStyle,
    },
    /// `*name`; `target` is the anchored node, `None` when the anchor is
    /// unknown. Aliases are never expanded into copies, so an alias bomb costs
    /// one node per alias.
    Alias {
        target: Option<NodeId>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's text: for a scalar its source token (with quotes), for a
    /// collection from its first to its last character.
    pub range: TextRange,
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

    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn mapping_entries(&self, id: NodeId) -> Option<&[(NodeId, NodeId)]> {
        match &self.node(id).kind {
            NodeKind::Mapping { entries, .. } => Some(entries),
            _ => None,
        }
    }

    pub fn sequence_items(&self, id: NodeId) -> Option<&[NodeId]> {
        match &self.node(id).kind {
            NodeKind::Sequence { items, .. } => Some(items),
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
            let range = node.range;
            let _ = write!(out, "{:indent$}{role}", "", indent = depth * 2);
            match &node.kind {
                NodeKind::Scalar { value, style } => {
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
                            let _ = writeln!(out, " -> @{}..{}", target.range.start, target.range.end);
                        }
                        None => out.push_str(" -> unresolved\n"),
                    }
                }
                NodeKind::Mapping { entries, style } => {
                    let _ = writeln!(out, "Mapping {} @{}..{}", style_name(*style), range.start, range.end);
                    for (key, value) in entries.iter().rev() {
                        stack.push((*value, depth + 1, "value: "));
                        stack.push((*key, depth + 1, "key: "));
                    }
                }
                NodeKind::Sequence { items, style } => {
                    let _ = writeln!(out, "Sequence {} @{}..{}", style_name(*style), range.start, range.end);
                    for item in items.iter().rev() {
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
