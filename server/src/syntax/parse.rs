//! Parsing one YAML document's text into a `Document` span tree. The only file
//! that names the YAML crate (granit-parser); it knows nothing of Kubernetes,
//! and nothing of how a file is split into documents (that is `split.rs`).
//!
//! The tree is built from the parser's events with an explicit stack, never by
//! recursion, so a document nested ten thousand levels deep costs memory, not
//! the thread's stack. Aliases become `Alias` nodes pointing at their anchor
//! and are never expanded.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{ErrorKind, Event, Marker, Options, Parser, ScanError, Span, StructureStyle};

use super::tree::{
    pool_slice, pool_str, CollectionStyle, Comment, Document, Node, NodeId, NodeKind, Pooled, ScalarStyle, SyntaxError,
    TextRange,
};

/// Collections nested deeper than this are not built: no manifest comes near
/// it, and it bounds the work an adversarial file can cause.
const MAX_NESTING: usize = 1000;

/// Parses the text of one document (as cut by `split_documents`: it may start
/// with a `---` line, end with a `...` line, or hold only comments).
///
/// Never fails: on the first syntax error it records the error, keeps the
/// nodes built so far (an unfinished collection keeps its completed entries)
/// and stops. Every range is relative to the start of `text`.
pub fn parse_document(text: &str) -> Document {
    let mut builder = Builder::new(text);
    let mut parser = Parser::new_from_str_with_options(text, parser_options());
    while let Some(next) = parser.next_event() {
        let keep_going = match next {
            Ok((event, span)) => builder.event(event, &span),
            Err(error) => {
                builder.scan_error(&error);
                false
            }
        };
        if !keep_going {
            break;
        }
    }
    builder.finish()
}

fn parser_options() -> Options {
    granit_parser::options! {
        // An alias to an unknown anchor is a node to report, not a reason to
        // lose the rest of the document.
        emit_unresolved_aliases: true,
        // The parser's limits (255 each by default) raised to ours. Its
        // scanner runs ahead of its events, so for flow or block nesting alone
        // the parser is the one that stops, at the opener that goes too deep;
        // our own check catches the two kinds mixed.
        flow_nesting_limit: MAX_NESTING,
        block_nesting_limit: MAX_NESTING,
    }
}

/// A collection whose end event has not been seen yet.
struct Frame {
    node: NodeId,
    children: Children,
    /// The end of the last completed child (or of the opening `[`/`{`, or the
    /// start of a block collection): where the collection ends if its closing
    /// event carries no position of its own, as for all block collections.
    end: usize,
    /// Whether this collection is a mapping key; a key does not extend its
    /// mapping's range until its value is complete.
    is_key: bool,
}

enum Children {
    Mapping { entries: Vec<(NodeId, NodeId)>, pending_key: Option<NodeId> },
    Sequence { items: Vec<NodeId> },
}

struct Builder<'text> {
    text: &'text str,
    nodes: Vec<Node>,
    strings: String,
    entries: Vec<(NodeId, NodeId)>,
    items: Vec<NodeId>,
    root: Option<NodeId>,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    frames: Vec<Frame>,
    /// The parser's anchor ids (unique per definition) to the anchored node.
    anchors: HashMap<usize, NodeId>,
    /// The end of the last event before the current one, where the search
    /// starts for a block scalar's `|` or `>` and for the first `-` of a
    /// sequence at the indentation of its key, which the parser's spans
    /// leave out.
    previous_end: usize,
    /// Set at the end of the first document. Splitting leaves one document
    /// per text, but should the parser see another, its nodes are not built:
    /// only the first document has the root.
    document_done: bool,
}

impl<'text> Builder<'text> {
    fn new(text: &'text str) -> Builder<'text> {
        Builder {
            text,
            nodes: Vec::new(),
            strings: String::new(),
            entries: Vec::new(),
            items: Vec::new(),
            root: None,
            comments: Vec::new(),
            errors: Vec::new(),
            frames: Vec::new(),
            anchors: HashMap::new(),
            previous_end: 0,
            document_done: false,
        }
    }

    /// Handles one event; returns false when building must stop.
    fn event(&mut self, event: Event<'_>, span: &Span) -> bool {
        let start = self.offset(&span.start);
        let end = self.offset(&span.end).max(start);
        if let Event::Comment(payload, _) = &event {
            let range = TextRange::new(start, end);
            let text = match self.text.get(range.as_range()) {
                Some(source) => source.to_string(),
                None => format!("#{payload}"),
            };
            self.comments.push(Comment { text, range });
            return true;
        }
        let keep_going = if self.document_done { true } else { self.node_event(event, TextRange::new(start, end)) };
        self.previous_end = self.previous_end.max(end);
        keep_going
    }

    fn node_event(&mut self, event: Event<'_>, range: TextRange) -> bool {
        match event {
            Event::Scalar(value, style, anchor, _tag) => {
                let (value, style, range) = self.scalar(value, style, range);
                let Some(value) = pool_str(&mut self.strings, &value) else {
                    self.push_error("document too large".to_owned(), range.start);
                    return false;
                };
                let Some(id) = self.push_node(NodeKind::Scalar { value, style }, range) else {
                    return false;
                };
                self.define_anchor(anchor, id);
                self.attach(id, range.end);
            }
            Event::Alias(anchor) => {
                let target = self.anchors.get(&anchor).copied();
                let Some(id) = self.push_node(NodeKind::Alias { target }, range) else {
                    return false;
                };
                self.attach(id, range.end);
            }
            Event::UnresolvedAlias(_) => {
                let Some(id) = self.push_node(NodeKind::Alias { target: None }, range) else {
                    return false;
                };
                self.attach(id, range.end);
            }
            Event::SequenceStart(style, anchor, _tag) => {
                let range = match style {
                    StructureStyle::Block if self.next_slot_is_value() => {
                        TextRange::empty(self.block_sequence_start(range.start))
                    }
                    _ => range,
                };
                let kind = NodeKind::Sequence { items: Pooled::default(), style: collection_style(style) };
                return self.open(kind, anchor, range, Children::Sequence { items: Vec::new() });
            }
            Event::MappingStart(style, anchor, _tag) => {
                let kind = NodeKind::Mapping { entries: Pooled::default(), style: collection_style(style) };
                let children = Children::Mapping { entries: Vec::new(), pending_key: None };
                return self.open(kind, anchor, range, children);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection's end event covers its `]` or `}`; a block
                // collection's is an empty span wherever the next token is,
                // possibly after blank and comment lines, so it ends with its
                // last child instead.
                let closing_end = (!range.is_empty()).then_some(range.end);
                self.close(closing_end);
            }
            Event::DocumentEnd => {
                while !self.frames.is_empty() {
                    self.close(None);
                }
                self.document_done = true;
            }
            // Stream and document starts carry nothing for the tree; `Anchor`
            // events are not enabled; comments were handled by the caller.
            _ => {}
        }
        true
    }

    /// The value, style and range of a scalar, from the parser's.
    fn scalar(
        &self,
        value: Cow<'_, str>,
        style: granit_parser::ScalarStyle,
        range: TextRange,
    ) -> (String, ScalarStyle, TextRange) {
        match style {
            granit_parser::ScalarStyle::Plain if range.is_empty() => {
                // An empty node (`clusterIP:`): the parser reports it as `~`,
                // placed at the end of the key. It becomes "" after the `:`,
                // where a fix would insert a value, so that it cannot be told
                // from an explicit `~` by its value.
                let offset = if self.next_slot_is_value() { self.after_colon(range.start) } else { range.start };
                (String::new(), ScalarStyle::Plain, TextRange::empty(offset))
            }
            granit_parser::ScalarStyle::Plain => (value.into_owned(), ScalarStyle::Plain, range),
            granit_parser::ScalarStyle::SingleQuoted => (value.into_owned(), ScalarStyle::SingleQuoted, range),
            granit_parser::ScalarStyle::DoubleQuoted => (value.into_owned(), ScalarStyle::DoubleQuoted, range),
            granit_parser::ScalarStyle::Literal => {
                (value.into_owned(), ScalarStyle::Literal, self.block_scalar_range(range))
            }
            granit_parser::ScalarStyle::Folded => {
                (value.into_owned(), ScalarStyle::Folded, self.block_scalar_range(range))
            }
        }
    }

    /// Whether the next node fills a mapping value slot.
    fn next_slot_is_value(&self) -> bool {
        matches!(self.frames.last(), Some(Frame { children: Children::Mapping { pending_key: Some(_), .. }, .. }))
    }

    /// The offset just after the `:` that follows `offset` (after blanks), or
    /// `offset` itself when no `:` follows (`{a, b}`, `? a`).
    fn after_colon(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut position = offset;
        while matches!(bytes.get(position), Some(b' ' | b'\t')) {
            position += 1;
        }
        if bytes.get(position) == Some(&b':') {
            position + 1
        } else {
            offset
        }
    }

    /// The range of a block scalar from its `|` or `>` to the end of its last
    /// non-blank content. The parser's span starts at the content and runs to
    /// the next token, over trailing blank lines and the next line's indent.
    fn block_scalar_range(&self, content: TextRange) -> TextRange {
        let bytes = self.text.as_bytes();
        let is_indicator = |position: usize| matches!(bytes.get(position), Some(b'|' | b'>'));
        let start = self.find_indicator(content.start, is_indicator).unwrap_or(content.start);
        let mut end = content.end.max(start);
        while end > start + 1 && matches!(bytes.get(end - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            end -= 1;
        }
        TextRange::new(start, end.min(bytes.len()))
    }

    /// The `-` of the first entry of a block sequence that is a mapping
    /// value. The parser starts an indented sequence at its `-`, but one at
    /// the indentation of its key (`ports:\n- 80`) where the first entry's
    /// content starts, which is the next `-` in `ports:\n- - 80`. The first
    /// `-` after the key is the right one in every case. (A sequence that is
    /// an entry of another is always reported at its own `-`.)
    fn block_sequence_start(&self, reported: usize) -> usize {
        let bytes = self.text.as_bytes();
        let is_entry = |position: usize| {
            bytes.get(position) == Some(&b'-')
                && matches!(bytes.get(position + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
        };
        self.find_indicator(reported, is_entry).unwrap_or(reported)
    }

    /// The first offset from the end of the previous event up to `limit`
    /// (included) where `is_indicator` holds. Between the previous token and
    /// a node's indicator there can only be blanks, line breaks, `:`, `-`,
    /// `?`, comments, an anchor and a tag; the last three are skipped whole,
    /// since they may contain any character.
    fn find_indicator(&self, limit: usize, is_indicator: impl Fn(usize) -> bool) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let search_end = limit.saturating_add(1).min(bytes.len());
        let mut position = self.previous_end;
        while position < search_end {
            if is_indicator(position) {
                return Some(position);
            }
            match bytes.get(position) {
                Some(b'#') => {
                    while !matches!(bytes.get(position), None | Some(b'\n' | b'\r')) {
                        position += 1;
                    }
                }
                Some(b'&' | b'!') => {
                    while !matches!(bytes.get(position), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
                        position += 1;
                    }
                }
                _ => position += 1,
            }
        }
        None
    }

    fn push_node(&mut self, kind: NodeKind, range: TextRange) -> Option<NodeId> {
        let Ok(index) = u32::try_from(self.nodes.len()) else {
            // Unreachable for any text under 4 GiB (every node has a token);
            // reported rather than assumed.
            self.push_error("document has too many nodes".to_string(), range.start);
            return None;
        };
        self.nodes.push(Node::new(kind, range));
        Some(NodeId(index))
    }

    fn define_anchor(&mut self, anchor: usize, id: NodeId) {
        // The parser numbers each anchor definition from 1; 0 means none.
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    /// Puts `child` in the next slot of the innermost open collection (or
    /// makes it the root), and returns whether that slot was a mapping key.
    fn attach(&mut self, child: NodeId, child_end: usize) -> bool {
        let Some(frame) = self.frames.last_mut() else {
            if self.root.is_none() {
                self.root = Some(child);
            }
            return false;
        };
        let is_key = match &mut frame.children {
            Children::Mapping { entries, pending_key } => match pending_key.take() {
                Some(key) => {
                    entries.push((key, child));
                    false
                }
                None => {
                    *pending_key = Some(child);
                    true
                }
            },
            Children::Sequence { items } => {
                items.push(child);
                false
            }
        };
        if !is_key {
            frame.end = frame.end.max(child_end);
        }
        is_key
    }

    /// Starts a collection; returns false when it is nested too deep.
    fn open(&mut self, kind: NodeKind, anchor: usize, range: TextRange, children: Children) -> bool {
        if self.frames.len() >= MAX_NESTING {
            self.push_error(nesting_message(), range.start);
            return false;
        }
        let Some(id) = self.push_node(kind, range) else {
            return false;
        };
        self.define_anchor(anchor, id);
        // The collection takes its slot in the parent now, so that an
        // unfinished collection is still part of the tree after an error.
        let is_key = self.attach(id, range.start);
        self.frames.push(Frame { node: id, children, end: range.end, is_key });
        true
    }

    /// Ends the innermost open collection at `closing_end` (its `]` or `}`),
    /// or else at the end of its last child.
    fn close(&mut self, closing_end: Option<usize>) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let Frame { node, children, end, is_key } = frame;
        let end = closing_end.unwrap_or(end).max(end);
        if let Some(collection) = self.nodes.get_mut(node.0 as usize) {
            collection.end_at(end);
            // Children go to the pools whole, when their collection closes,
            // so that each collection's are contiguous there.
            match (&mut collection.kind, children) {
                (NodeKind::Mapping { entries, .. }, Children::Mapping { entries: built, .. }) => {
                    // A key still waiting for its value is left out: only
                    // completed entries are kept.
                    *entries = pool_slice(&mut self.entries, &built).unwrap_or_default();
                }
                (NodeKind::Sequence { items, .. }, Children::Sequence { items: built }) => {
                    *items = pool_slice(&mut self.items, &built).unwrap_or_default();
                }
                _ => {}
            }
        }
        if !is_key {
            if let Some(parent) = self.frames.last_mut() {
                parent.end = parent.end.max(end);
            }
        }
    }

    fn scan_error(&mut self, error: &ScanError) {
        let offset = self.offset(error.marker());
        let message = match error.kind() {
            ErrorKind::RecursionLimitExceeded => nesting_message(),
            _ => readable_message(error),
        };
        self.push_error(message, offset);
    }

    /// Records an error at `offset`, covering the character there unless it
    /// is a line break or the end of the text.
    fn push_error(&mut self, message: String, offset: usize) {
        let end = match self.text.get(offset..).and_then(|rest| rest.chars().next()) {
            Some('\n' | '\r') | None => offset,
            Some(character) => offset + character.len_utf8(),
        };
        self.errors.push(SyntaxError { message, range: TextRange::new(offset, end) });
    }

    /// A parser position as a byte offset into the text, on a character
    /// boundary.
    fn offset(&self, marker: &Marker) -> usize {
        let offset = match marker.byte_offset() {
            Some(offset) => offset,
            // String input always has byte offsets; should one be missing,
            // the character index says the same thing more slowly.
            None => self.text.char_indices().nth(marker.index()).map_or(self.text.len(), |(offset, _)| offset),
        };
        floor_char_boundary(self.text, offset)
    }

    fn finish(mut self) -> Document {
        while !self.frames.is_empty() {
            self.close(None);
        }
        // Comments can reach us out of source order (the parser buffers them
        // while it decides what a line is).
        self.comments.sort_by_key(|comment| comment.range.start);
        // The arena grew by doubling; trees live as long as their file, so
        // the slack (a quarter of the trees' memory on a 20 MiB file) is
        // given back once, here.
        self.nodes.shrink_to_fit();
        self.strings.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.items.shrink_to_fit();
        let pools = (self.strings, self.entries, self.items);
        Document::from_parts(self.nodes, pools, self.root, self.comments, self.errors)
    }
}

fn collection_style(style: StructureStyle) -> CollectionStyle {
    match style {
        StructureStyle::Block => CollectionStyle::Block,
        StructureStyle::Flow => CollectionStyle::Flow,
    }
}

fn nesting_message() -> String {
    format!("nesting deeper than {MAX_NESTING} levels")
}

/// The parser's message, starting lower case like our other messages (but
/// leaving `YAML` alone).
fn readable_message(error: &ScanError) -> String {
    let info = error.info();
    let message = if info.is_empty() { format!("{:?}", error.kind()) } else { info };
    let mut chars = message.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(message.chars().skip(1)).collect()
        }
        _ => message,
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use proptest::prelude::*;

    fn check(text: &str, expected: Expect) {
        let document = parse_document(text);
        expected.assert_eq(&document.debug_dump(text));
    }

    #[test]
    fn block_mapping_and_sequence() {
        check(
            "kind: Service\nmetadata:\n  name: web\nports:\n  - 80\n  - 443\n",
            expect![[r#"
                Mapping block @0..57
                  key: Scalar plain "kind" @0..4
                  value: Scalar plain "Service" @6..13
                  key: Scalar plain "metadata" @14..22
                  value: Mapping block @26..35
                    key: Scalar plain "name" @26..30
                    value: Scalar plain "web" @32..35
                  key: Scalar plain "ports" @36..41
                  value: Sequence block @45..57
                    - Scalar plain "80" @47..49
                    - Scalar plain "443" @54..57
            "#]],
        );
    }

    #[test]
    fn sequence_at_the_indentation_of_its_key() {
        check(
            "ports:\n- 80\n- name: http\n  port: 8080\nkind: x\n",
            expect![[r#"
            Mapping block @0..45
              key: Scalar plain "ports" @0..5
              value: Sequence block @7..37
                - Scalar plain "80" @9..11
                - Mapping block @14..37
                  key: Scalar plain "name" @14..18
                  value: Scalar plain "http" @20..24
                  key: Scalar plain "port" @27..31
                  value: Scalar plain "8080" @33..37
              key: Scalar plain "kind" @38..42
              value: Scalar plain "x" @44..45
        "#]],
        );
    }

    #[test]
    fn block_sequences_start_at_their_first_dash() {
        check(
            "a:\n- - x\n  - y\nb:\n-\n- z\nc: &s\n- &i # why\n  w\n",
            expect![[r##"
            Mapping block @0..44
              key: Scalar plain "a" @0..1
              value: Sequence block @3..14
                - Sequence block @5..14
                  - Scalar plain "x" @7..8
                  - Scalar plain "y" @13..14
              key: Scalar plain "b" @15..16
              value: Sequence block @18..23
                - Scalar plain "" @19..19
                - Scalar plain "z" @22..23
              key: Scalar plain "c" @24..25
              value: Sequence block @30..44
                - Scalar plain "w" @43..44
            comment "# why" @35..40
        "##]],
        );
        check(
            "- - x\n-   - y\n",
            expect![[r#"
            Sequence block @0..13
              - Sequence block @2..5
                - Scalar plain "x" @4..5
              - Sequence block @10..13
                - Scalar plain "y" @12..13
        "#]],
        );
    }

    #[test]
    fn flow_collections() {
        check(
            "{a: [1, 2], b: {c: d}, e: [], f: {}}\n",
            expect![[r#"
            Mapping flow @0..36
              key: Scalar plain "a" @1..2
              value: Sequence flow @4..10
                - Scalar plain "1" @5..6
                - Scalar plain "2" @8..9
              key: Scalar plain "b" @12..13
              value: Mapping flow @15..21
                key: Scalar plain "c" @16..17
                value: Scalar plain "d" @19..20
              key: Scalar plain "e" @23..24
              value: Sequence flow @26..28
              key: Scalar plain "f" @30..31
              value: Mapping flow @33..35
        "#]],
        );
    }

    #[test]
    fn flow_sequence_with_a_single_pair_mapping() {
        check(
            "[a, b: c]",
            expect![[r#"
            Sequence flow @0..9
              - Scalar plain "a" @1..2
              - Mapping flow @4..8
                key: Scalar plain "b" @4..5
                value: Scalar plain "c" @7..8
        "#]],
        );
    }

    #[test]
    fn scalar_styles() {
        check(
            "plain: a b\nsingle: 'it''s'\ndouble: \"tab\\tend\"\nmulti: first\n  second\nquoted: \"x\n  y\"\n",
            expect![[r#"
                Mapping block @0..83
                  key: Scalar plain "plain" @0..5
                  value: Scalar plain "a b" @7..10
                  key: Scalar plain "single" @11..17
                  value: Scalar single "it's" @19..26 source "'it''s'"
                  key: Scalar plain "double" @27..33
                  value: Scalar double "tab\tend" @35..45 source "\"tab\\tend\""
                  key: Scalar plain "multi" @46..51
                  value: Scalar plain "first second" @53..67 source "first\n  second"
                  key: Scalar plain "quoted" @68..74
                  value: Scalar double "x y" @76..83 source "\"x\n  y\""
            "#]],
        );
    }

    #[test]
    fn block_scalars_span_from_indicator_to_content_end() {
        check(
            "literal: |\n  line one\n  line two\n\nfolded: >-\n  folded\n  text\nkeep: |+\n  kept\n\n\nlast: 1\n",
            expect![[r#"
                Mapping block @0..86
                  key: Scalar plain "literal" @0..7
                  value: Scalar literal "line one\nline two\n" @9..32 source "|\n  line one\n  line two"
                  key: Scalar plain "folded" @34..40
                  value: Scalar folded "folded text" @42..60 source ">-\n  folded\n  text"
                  key: Scalar plain "keep" @61..65
                  value: Scalar literal "kept\n\n\n" @67..76 source "|+\n  kept"
                  key: Scalar plain "last" @79..83
                  value: Scalar plain "1" @85..86
            "#]],
        );
    }

    #[test]
    fn block_scalar_after_anchor_tag_and_comment() {
        check(
            "a: &x !t | # why\n  text\nb:\n  - >\n    item\n  - |\n",
            expect![[r##"
            Mapping block @0..47
              key: Scalar plain "a" @0..1
              value: Scalar literal "text\n" @9..23 source "| # why\n  text"
              key: Scalar plain "b" @24..25
              value: Sequence block @29..47
                - Scalar folded "item\n" @31..41 source ">\n    item"
                - Scalar literal "" @46..47 source "|"
            comment "# why" @11..16
        "##]],
        );
    }

    #[test]
    fn block_scalar_at_the_root() {
        check(
            "--- |\n  text\n...\n",
            expect![[r#"
            Scalar literal "text\n" @4..12 source "|\n  text"
        "#]],
        );
    }

    #[test]
    fn empty_values_are_empty_strings_after_the_colon() {
        check(
            "clusterIP:\nselector:   # none\nports:\n  -\n  - name:\nflow: {a: , b}\n",
            expect![[r##"
            Mapping block @0..65
              key: Scalar plain "clusterIP" @0..9
              value: Scalar plain "" @10..10
              key: Scalar plain "selector" @11..19
              value: Scalar plain "" @20..20
              key: Scalar plain "ports" @30..35
              value: Sequence block @39..50
                - Scalar plain "" @40..40
                - Mapping block @45..50
                  key: Scalar plain "name" @45..49
                  value: Scalar plain "" @50..50
              key: Scalar plain "flow" @51..55
              value: Mapping flow @57..65
                key: Scalar plain "a" @58..59
                value: Scalar plain "" @60..60
                key: Scalar plain "b" @63..64
                value: Scalar plain "" @64..64
            comment "# none" @23..29
        "##]],
        );
    }

    #[test]
    fn null_spellings_stay_strings() {
        check(
            "a: ~\nb: null\nc: Null\n",
            expect![[r#"
            Mapping block @0..20
              key: Scalar plain "a" @0..1
              value: Scalar plain "~" @3..4
              key: Scalar plain "b" @5..6
              value: Scalar plain "null" @8..12
              key: Scalar plain "c" @13..14
              value: Scalar plain "Null" @16..20
        "#]],
        );
    }

    #[test]
    fn anchors_and_aliases() {
        check(
            "base: &base\n  a: 1\nother: *base\nlist: &list [x, *list]\nmissing: *nope\n*base : key\n",
            expect![[r#"
                Mapping block @0..81
                  key: Scalar plain "base" @0..4
                  value: Mapping block @14..18
                    key: Scalar plain "a" @14..15
                    value: Scalar plain "1" @17..18
                  key: Scalar plain "other" @19..24
                  value: Alias @26..31 -> @14..18
                  key: Scalar plain "list" @32..36
                  value: Sequence flow @44..54
                    - Scalar plain "x" @45..46
                    - Alias @48..53 -> @44..54
                  key: Scalar plain "missing" @55..62
                  value: Alias @64..69 -> unresolved
                  key: Alias @70..75 -> @14..18
                  value: Scalar plain "key" @78..81
            "#]],
        );
    }

    #[test]
    fn comments() {
        check(
            "# head\na: 1 # right\n# between\nb: [1, # in flow\n  2]\n# tail\n",
            expect![[r##"
            Mapping block @7..51
              key: Scalar plain "a" @7..8
              value: Scalar plain "1" @10..11
              key: Scalar plain "b" @30..31
              value: Sequence flow @33..51
                - Scalar plain "1" @34..35
                - Scalar plain "2" @49..50
            comment "# head" @0..6
            comment "# right" @12..19
            comment "# between" @20..29
            comment "# in flow" @37..46
            comment "# tail" @52..58
        "##]],
        );
    }

    #[test]
    fn only_comments_has_no_root() {
        check(
            "# just a comment\n\n# another\n",
            expect![[r##"
            (no root)
            comment "# just a comment" @0..16
            comment "# another" @18..27
        "##]],
        );
        check(
            "",
            expect![[r#"
            (no root)
        "#]],
        );
    }

    #[test]
    fn explicit_markers_and_directives() {
        check(
            "%YAML 1.2\n--- # start\na: 1\n... # end\n",
            expect![[r##"
            Mapping block @22..26
              key: Scalar plain "a" @22..23
              value: Scalar plain "1" @25..26
            comment "# start" @14..21
            comment "# end" @31..36
        "##]],
        );
        check(
            "---\n",
            expect![[r#"
            Scalar plain "" @3..3
        "#]],
        );
        check(
            "--- {a: 1}\n",
            expect![[r#"
            Mapping flow @4..10
              key: Scalar plain "a" @5..6
              value: Scalar plain "1" @8..9
        "#]],
        );
    }

    #[test]
    fn tags_are_ignored() {
        check(
            "a: !!str 5\nb: !custom {c: d}\nc: !!null\n",
            expect![[r#"
            Mapping block @0..38
              key: Scalar plain "a" @0..1
              value: Scalar plain "5" @9..10
              key: Scalar plain "b" @11..12
              value: Mapping flow @22..28
                key: Scalar plain "c" @23..24
                value: Scalar plain "d" @26..27
              key: Scalar plain "c" @29..30
              value: Scalar plain "" @38..38
        "#]],
        );
    }

    #[test]
    fn crlf_line_ends() {
        check(
            "a: 1\r\nb:\r\n  - x\r\n  - |\r\n    y\r\n# c\r\n",
            expect![[r##"
            Mapping block @0..29
              key: Scalar plain "a" @0..1
              value: Scalar plain "1" @3..4
              key: Scalar plain "b" @6..7
              value: Sequence block @12..29
                - Scalar plain "x" @14..15
                - Scalar literal "y\n" @21..29 source "|\r\n    y"
            comment "# c" @31..34
        "##]],
        );
    }

    #[test]
    fn bom_does_not_shift_offsets() {
        let text = "\u{feff}kind: Service\nmetadata: {name: web}\n";
        let document = parse_document(text);
        let root = document.root.unwrap();
        let (key, value) = document.get_path(root, &["metadata", "name"]).unwrap();
        assert_eq!(&text[document.node(key).range().as_range()], "name");
        assert_eq!(&text[document.node(value).range().as_range()], "web");
        check(
            text,
            expect![[r#"
            Mapping block @3..38
              key: Scalar plain "kind" @3..7
              value: Scalar plain "Service" @9..16
              key: Scalar plain "metadata" @17..25
              value: Mapping flow @27..38
                key: Scalar plain "name" @28..32
                value: Scalar plain "web" @34..37
        "#]],
        );
    }

    #[test]
    fn bom_before_a_document_marker() {
        check(
            "\u{feff}---\na: 1\n",
            expect![[r#"
            Mapping block @7..11
              key: Scalar plain "a" @7..8
              value: Scalar plain "1" @10..11
        "#]],
        );
    }

    #[test]
    fn tabs() {
        check(
            "a:\tb\nc: [d,\te]\n",
            expect![[r#"
            Mapping block @0..14
              key: Scalar plain "a" @0..1
              value: Scalar plain "b" @3..4
              key: Scalar plain "c" @5..6
              value: Sequence flow @8..14
                - Scalar plain "d" @9..10
                - Scalar plain "e" @12..13
        "#]],
        );
        check(
            "a:\n\tb: 1\n",
            expect![[r#"
            Mapping block @0..0
            error "tabs disallowed within this context (block indentation)" @4..5
        "#]],
        );
    }

    #[test]
    fn syntax_error_keeps_the_tree_built_before_it() {
        check(
            "kind: StatefulSet\nmetadata:\n  name: web\n  labels: {app: web\nspec:\n  replicas: 3\n",
            expect![[r#"
                Mapping block @0..64
                  key: Scalar plain "kind" @0..4
                  value: Scalar plain "StatefulSet" @6..17
                  key: Scalar plain "metadata" @18..26
                  value: Mapping block @30..64
                    key: Scalar plain "name" @30..34
                    value: Scalar plain "web" @36..39
                    key: Scalar plain "labels" @42..48
                    value: Mapping flow @50..64
                      key: Scalar plain "app" @51..54
                      value: Scalar plain "web spec" @56..64 source "web\nspec"
                error "while parsing a flow mapping, did not find expected ',' or '}'" @64..65
            "#]],
        );
        check(
            "a: 1\n  b: 2\n",
            expect![[r#"
            Mapping block @0..8
              key: Scalar plain "a" @0..1
              value: Scalar plain "1 b" @3..8 source "1\n  b"
            error "mapping values are not allowed in this context" @8..9
        "#]],
        );
        check(
            "a: 'unterminated\n",
            expect![[r#"
            Mapping block @0..0
            error "unclosed quote" @3..4
        "#]],
        );
    }

    #[test]
    fn error_offsets_are_relative_and_on_char_boundaries() {
        let text = "é: [1,\n";
        let document = parse_document(text);
        for error in &document.errors {
            assert!(text.is_char_boundary(error.range.start));
            assert!(text.is_char_boundary(error.range.end));
        }
        check(
            text,
            expect![[r#"
            Mapping block @0..6
              key: Scalar plain "é" @0..2
              value: Sequence flow @4..6
                - Scalar plain "1" @5..6
            error "unclosed bracket '['" @4..5
        "#]],
        );
    }

    #[test]
    fn deep_flow_nesting_is_bounded() {
        let text = "[".repeat(10_000);
        let document = parse_document(&text);
        assert_eq!(document.errors.len(), 1);
        assert_eq!(document.errors[0].message, "nesting deeper than 1000 levels");
        assert_eq!(document.errors[0].range, TextRange::new(1000, 1001));
        // The parser's scanner stops at the 1001st `[` before the parser has
        // emitted a single event (it looks ahead for a possible `key:`), so
        // nothing is built; the error is what matters.
        assert!(document.nodes.len() <= 1000);
    }

    #[test]
    fn deep_block_nesting_is_bounded() {
        let text: String = (0..1200).map(|depth| format!("{:width$}- \n", "", width = depth * 2)).collect();
        let document = parse_document(&text);
        assert!(document.root.is_some());
        let messages: Vec<_> = document.errors.iter().map(|error| error.message.as_str()).collect();
        assert_eq!(messages, ["nesting deeper than 1000 levels"]);
    }

    #[test]
    fn mixed_block_and_flow_nesting_is_bounded() {
        // 600 block levels and 600 flow levels: each within the parser's own
        // limits, together beyond ours.
        let mut text: String = (0..600).map(|depth| format!("{:width$}- \n", "", width = depth * 2)).collect();
        text.truncate(text.len() - 1);
        text.push_str(&"[".repeat(600));
        text.push_str(&"]".repeat(600));
        let document = parse_document(&text);
        let messages: Vec<_> = document.errors.iter().map(|error| error.message.as_str()).collect();
        assert_eq!(messages, ["nesting deeper than 1000 levels"]);
        let opener = document.errors[0].range.start;
        assert_eq!(&text[opener..opener + 1], "[");
        assert_eq!(document.nodes.len(), 1000);
        assert!(document.root.is_some());
    }

    #[test]
    fn a_second_document_in_the_text_is_not_the_root() {
        // `split_documents` never leaves two documents in one text; should
        // the parser see a second one anyway, the first keeps the root.
        check(
            "a: 1\n...\nb: 2\n",
            expect![[r#"
            Mapping block @0..4
              key: Scalar plain "a" @0..1
              value: Scalar plain "1" @3..4
        "#]],
        );
    }

    #[test]
    fn nesting_of_exactly_the_limit_is_fine() {
        let text = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let document = parse_document(&text);
        assert!(document.errors.is_empty());
        assert_eq!(document.nodes.len(), 1000);
        // The dump walks the tree without recursion too.
        assert_eq!(document.debug_dump(&text).lines().count(), 1000);
    }

    #[test]
    fn alias_bomb_is_not_expanded() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let mut previous = 'a';
        for name in 'b'..='z' {
            let aliases = vec![format!("*{previous}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{aliases}]\n"));
            previous = name;
        }
        let started = std::time::Instant::now();
        let document = parse_document(&text);
        let elapsed = started.elapsed();
        assert!(document.errors.is_empty());
        // One mapping, 26 keys, 26 sequences of 9 items: nothing copied.
        assert_eq!(document.nodes.len(), 1 + 26 * 2 + 26 * 9);
        assert!(elapsed < std::time::Duration::from_secs(1), "took {elapsed:?}");
        let root = document.root.unwrap();
        let (_, z) = document.get(root, "z").unwrap();
        let first = document.sequence_items(z).unwrap()[0];
        // Following an alias gives the anchored sequence, not a copy.
        assert_eq!(document.node(first).range(), document.node(document.get(root, "y").unwrap().1).range());
    }

    #[test]
    fn kind_list_with_items() {
        check(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n- kind: StatefulSet\n  metadata: {name: db}\n",
            expect![[r#"
                Mapping block @0..134
                  key: Scalar plain "apiVersion" @0..10
                  value: Scalar plain "v1" @12..14
                  key: Scalar plain "kind" @15..19
                  value: Scalar plain "List" @21..25
                  key: Scalar plain "items" @26..31
                  value: Sequence block @33..134
                    - Mapping block @35..91
                      key: Scalar plain "apiVersion" @35..45
                      value: Scalar plain "v1" @47..49
                      key: Scalar plain "kind" @52..56
                      value: Scalar plain "Service" @58..65
                      key: Scalar plain "metadata" @68..76
                      value: Mapping block @82..91
                        key: Scalar plain "name" @82..86
                        value: Scalar plain "web" @88..91
                    - Mapping block @94..134
                      key: Scalar plain "kind" @94..98
                      value: Scalar plain "StatefulSet" @100..111
                      key: Scalar plain "metadata" @114..122
                      value: Mapping flow @124..134
                        key: Scalar plain "name" @125..129
                        value: Scalar plain "db" @131..133
            "#]],
        );
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let text = "name: first\nname: second\n";
        let document = parse_document(text);
        let root = document.root.unwrap();
        let (_, value) = document.get(root, "name").unwrap();
        assert_eq!(document.scalar(value), Some("second"));
        assert_eq!(document.mapping_entries(root).unwrap().len(), 2);
    }

    #[test]
    fn unicode_ranges_are_bytes() {
        check(
            "名前: \"🦀 crab\"\né: ü\n",
            expect![[r#"
            Mapping block @0..26
              key: Scalar plain "名前" @0..6
              value: Scalar double "🦀 crab" @8..19 source "\"🦀 crab\""
              key: Scalar plain "é" @20..22
              value: Scalar plain "ü" @24..26
        "#]],
        );
    }

    fn assert_ranges_valid(text: &str, document: &Document) -> Result<(), TestCaseError> {
        let in_text = |range: TextRange| {
            range.start <= range.end
                && range.end <= text.len()
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end)
        };
        for node in &document.nodes {
            prop_assert!(in_text(node.range()), "node {:?} in {:?}", node, text);
        }
        for comment in &document.comments {
            prop_assert!(in_text(comment.range), "comment {:?} in {:?}", comment, text);
            prop_assert!(text[comment.range.as_range()].starts_with('#'));
        }
        for error in &document.errors {
            prop_assert!(in_text(error.range), "error {:?} in {:?}", error, text);
        }
        if let Some(root) = document.root {
            prop_assert!((root.0 as usize) < document.nodes.len());
        }
        Ok(())
    }

    fn yamlish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\n"),
            Just("\r\n"),
            Just("  "),
            Just("\t"),
            Just("- "),
            Just(": "),
            Just(":"),
            Just("? "),
            Just("["),
            Just("]"),
            Just("{"),
            Just("}"),
            Just(", "),
            Just("#c"),
            Just("&a "),
            Just("*a"),
            Just("!t "),
            Just("|"),
            Just(">-"),
            Just("'q'"),
            Just("\"d\\n\""),
            Just("'"),
            Just("\""),
            Just("key"),
            Just("é"),
            Just("🦀"),
            Just("---"),
            Just("..."),
            Just("%YAML 1.2"),
            Just("\u{feff}"),
            Just("~"),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            let document = parse_document(&text);
            assert_ranges_valid(&text, &document)?;
        }

        #[test]
        fn ranges_are_valid_on_yaml_like_text(text in yamlish()) {
            let document = parse_document(&text);
            assert_ranges_valid(&text, &document)?;
            let _ = document.debug_dump(&text);
        }

        #[test]
        fn split_documents_parse_on_their_own(text in yamlish()) {
            for range in crate::syntax::split_documents(&text) {
                let document_text = &text[range.as_range()];
                let document = parse_document(document_text);
                assert_ranges_valid(document_text, &document)?;
            }
        }
    }
}
