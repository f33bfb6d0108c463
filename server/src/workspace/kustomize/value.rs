//! A build's objects as plain YAML values, each scalar, key and collection
//! with the source place that produced it (`Origin`), and their rendering
//! back to YAML text with a map from every rendered range to its origin.
//!
//! It knows YAML values, not Kubernetes: the transformations are in
//! `build.rs` and `patch.rs`.

use crate::syntax::{Document, NodeId, NodeKind, ScalarStyle, TextRange};
use crate::workspace::FileId;

/// Where a value of a build came from: a file and an absolute range in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub file: FileId,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Scalar { text: String, style: ScalarStyle },
    Map(Vec<Entry>),
    Seq(Vec<Node>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub key_origin: Origin,
    pub value: Node,
}

impl Node {
    pub fn scalar(text: &str, style: ScalarStyle, origin: Origin) -> Node {
        Node { value: Value::Scalar { text: text.to_owned(), style }, origin }
    }

    pub fn string(text: &str, origin: Origin) -> Node {
        // A plain scalar where YAML would read it as the same string.
        let style = if plain_is_string(text) { ScalarStyle::Plain } else { ScalarStyle::DoubleQuoted };
        Node::scalar(text, style, origin)
    }

    pub fn map(origin: Origin) -> Node {
        Node { value: Value::Map(Vec::new()), origin }
    }

    /// A plain scalar's or a quoted one's text; `None` for collections.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// An integer as the model reads one (`model::parse_int`: a
    /// plain scalar only; a quoted `"3"` is a string).
    pub fn as_int(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar { text, style } => crate::model::parse_int(text, *style),
            _ => None,
        }
    }

    /// YAML's null, as the model reads it (`model::is_null`).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, style } if crate::model::is_null(text, *style))
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?.iter().rev().find(|entry| entry.key == key).map(|entry| &entry.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => {
                entries.iter_mut().rev().find(|entry| entry.key == key).map(|entry| &mut entry.value)
            }
            _ => None,
        }
    }

    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Node> {
        let mut node = self;
        for key in path {
            node = node.get_mut(key)?;
        }
        Some(node)
    }

    /// Sets `key` in a mapping, replacing the value where the key exists
    /// (keeping the key's origin) or adding it at the end.
    pub fn set(&mut self, key: &str, key_origin: Origin, value: Node) {
        let Value::Map(entries) = &mut self.value else { return };
        match entries.iter_mut().rev().find(|entry| entry.key == key) {
            Some(entry) => entry.value = value,
            None => entries.push(Entry { key: key.to_owned(), key_origin, value }),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let Value::Map(entries) = &mut self.value else { return None };
        let position = entries.iter().rposition(|entry| entry.key == key)?;
        Some(entries.remove(position).value)
    }

    /// The mapping at `path`, made (with `origin`) where it or one on the
    /// way is missing or null. `None` where something on the way is not a
    /// mapping.
    pub fn ensure_map(&mut self, path: &[&str], origin: Origin) -> Option<&mut Node> {
        let mut node = self;
        for key in path {
            let missing = node.get(key).is_none_or(Node::is_null);
            if missing {
                node.set(key, origin, Node::map(origin));
            }
            node = node.get_mut(key)?;
            if !matches!(node.value, Value::Map(_)) {
                return None;
            }
        }
        Some(node)
    }
}

/// Whether `text` written as a plain scalar reads back as the same string
/// (not a number, bool, null or something YAML would parse otherwise).
fn plain_is_string(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !text.starts_with(['-', '.'])
        && text.parse::<f64>().is_err()
        && !matches!(
            text,
            "true"
                | "True"
                | "TRUE"
                | "false"
                | "False"
                | "FALSE"
                | "null"
                | "Null"
                | "NULL"
                | "y"
                | "n"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "Yes"
                | "No"
                | "On"
                | "Off"
        )
        && !text.starts_with("0x")
        && !text.starts_with("0o")
}

/// Reads a document's node into a value; `place` turns a document range
/// into the origin of the value written there.
/// Aliases are followed (kustomize reads them expanded), so reading is
/// bounded: at most this many nodes per value, and this deep; an alias bomb
/// reads as nulls past the bound instead of expanding without end.
const MAX_NODES: usize = 20_000;
const MAX_DEPTH: usize = 64;

pub fn read(document: &Document, id: NodeId, place: &dyn Fn(TextRange) -> Origin) -> Node {
    let mut budget = MAX_NODES;
    read_bounded(document, id, place, 0, &mut budget)
}

fn read_bounded(
    document: &Document,
    id: NodeId,
    place: &dyn Fn(TextRange) -> Origin,
    depth: usize,
    budget: &mut usize,
) -> Node {
    let origin = place(document.raw_node(id).range());
    let node = document.node(id);
    if depth > MAX_DEPTH || *budget == 0 {
        return Node::scalar("", ScalarStyle::Plain, origin);
    }
    *budget -= 1;
    let value = match node.kind {
        NodeKind::Scalar { .. } | NodeKind::Alias { .. } => {
            let (text, style) = document.scalar_with_style(id).unwrap_or(("", ScalarStyle::Plain));
            Value::Scalar { text: text.to_owned(), style }
        }
        NodeKind::Mapping { .. } => Value::Map(
            document
                .mapping_entries(id)
                .unwrap_or_default()
                .iter()
                .filter_map(|(key, value)| {
                    let key_text = document.scalar(*key)?;
                    Some(Entry {
                        key: key_text.to_owned(),
                        key_origin: place(document.raw_node(*key).range()),
                        value: read_bounded(document, *value, place, depth + 1, budget),
                    })
                })
                .collect(),
        ),
        NodeKind::Sequence { .. } => Value::Seq(
            document
                .sequence_items(id)
                .unwrap_or_default()
                .iter()
                .map(|item| read_bounded(document, *item, place, depth + 1, budget))
                .collect(),
        ),
    };
    Node { value, origin }
}

/// Rendered YAML and where each rendered range came from.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub text: String,
    /// Rendered range → origin, in the order written; a collection's range
    /// holds those of its contents.
    pub spans: Vec<(TextRange, Origin)>,
}

impl Rendered {
    /// The smallest rendered range holding `range`, and its origin.
    pub fn span_of(&self, range: TextRange) -> Option<(TextRange, Origin)> {
        self.spans
            .iter()
            .filter(|(span, _)| span.start <= range.start && range.end <= span.end)
            .min_by_key(|(span, _)| span.len())
            .copied()
    }

    /// Appends one document.
    pub fn document(&mut self, node: &Node) {
        if !self.text.is_empty() {
            self.text.push_str("---\n");
        }
        let start = self.text.len();
        self.block(node, 0);
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        let end = self.text.len();
        self.spans.push((TextRange::new(start, end), node.origin));
    }

    fn indent(&mut self, spaces: usize) {
        self.text.extend(std::iter::repeat_n(' ', spaces));
    }

    /// A node in flow style, on the current line.
    fn flow(&mut self, node: &Node) {
        let start = self.text.len();
        match &node.value {
            Value::Scalar { text, style } => self.scalar(text, *style),
            Value::Map(entries) => {
                self.text.push('{');
                for (number, entry) in entries.iter().enumerate() {
                    if number > 0 {
                        self.text.push_str(", ");
                    }
                    self.key(entry);
                    self.text.push(' ');
                    self.flow(&entry.value);
                }
                self.text.push('}');
            }
            Value::Seq(items) => {
                self.text.push('[');
                for (number, item) in items.iter().enumerate() {
                    if number > 0 {
                        self.text.push_str(", ");
                    }
                    self.flow(item);
                }
                self.text.push(']');
            }
        }
        self.spans.push((TextRange::new(start, self.text.len()), node.origin));
    }

    fn key(&mut self, entry: &Entry) {
        let start = self.text.len();
        self.scalar(&entry.key, if plain_key(&entry.key) { ScalarStyle::Plain } else { ScalarStyle::DoubleQuoted });
        self.spans.push((TextRange::new(start, self.text.len()), entry.key_origin));
        self.text.push(':');
    }

    /// A mapping's entries at `indent`, one a line; nested collections in
    /// block style, so that every value has a line of its own.
    fn block(&mut self, node: &Node, indent: usize) {
        match &node.value {
            Value::Map(entries) if !entries.is_empty() => {
                for (number, entry) in entries.iter().enumerate() {
                    if number > 0 {
                        self.indent(indent);
                    }
                    self.key(entry);
                    self.value_after_key(&entry.value, indent);
                }
            }
            _ => {
                self.flow(node);
                self.text.push('\n');
            }
        }
    }

    fn value_after_key(&mut self, value: &Node, indent: usize) {
        match &value.value {
            Value::Map(entries) if !entries.is_empty() => {
                self.text.push('\n');
                let start = self.text.len();
                self.indent(indent + 2);
                self.block(value, indent + 2);
                self.spans.push((TextRange::new(start, self.text.len()), value.origin));
            }
            Value::Seq(items) if !items.is_empty() => {
                self.text.push('\n');
                let start = self.text.len();
                for item in items {
                    self.indent(indent + 2);
                    self.text.push_str("- ");
                    let item_start = self.text.len();
                    self.block(item, indent + 4);
                    self.spans.push((TextRange::new(item_start, self.text.len()), item.origin));
                }
                self.spans.push((TextRange::new(start, self.text.len()), value.origin));
            }
            _ => {
                self.text.push(' ');
                self.flow(value);
                self.text.push('\n');
            }
        }
    }

    fn scalar(&mut self, text: &str, style: ScalarStyle) {
        let plain_safe = style == ScalarStyle::Plain
            && !text
                .contains(['\n', '#', ':', '{', '}', '[', ']', ',', '"', '\'', '&', '*', '!', '|', '>', '%', '@', '`'])
            && !text.starts_with([' ', '-', '?'])
            && !text.ends_with(' ');
        if plain_safe {
            self.text.push_str(text);
            return;
        }
        self.text.push('"');
        for c in text.chars() {
            match c {
                '"' => self.text.push_str("\\\""),
                '\\' => self.text.push_str("\\\\"),
                '\n' => self.text.push_str("\\n"),
                '\t' => self.text.push_str("\\t"),
                c if c.is_control() => self.text.push_str(&format!("\\u{:04x}", c as u32)),
                c => self.text.push(c),
            }
        }
        self.text.push('"');
    }
}

fn plain_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_document;

    #[test]
    fn rendering_keeps_values_and_maps_each_back_to_its_origin() {
        let text = "a: 1\nb: {c: \"x: y\", d: [1, two]}\ne: []\nf: 'None'\n";
        let document = parse_document(text);
        let root = document.root.expect("root");
        let node = read(&document, root, &|range| Origin { file: FileId(3), range });
        let mut rendered = Rendered::default();
        rendered.document(&node);
        let again = parse_document(&rendered.text);
        let back = read(&again, again.root.expect("root"), &|range| Origin { file: FileId(0), range });
        let strip = |node: &Node| {
            format!("{:?}", node.value)
                .replace(|c: char| c.is_ascii_digit(), "")
                .replace("SingleQuoted", "DoubleQuoted")
        };
        assert_eq!(strip(&node), strip(&back), "{}", rendered.text);
        let two = rendered.text.find("two").expect("two");
        let (_, origin) = rendered.span_of(TextRange::new(two, two + 3)).expect("origin");
        assert_eq!(&text[origin.range.as_range()], "two");
    }
}
