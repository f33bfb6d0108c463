//! Reading a Helm (Go) template as YAML: every `{{ ... }}` action is replaced
//! by filler of the same byte length, so the masked text parses and every
//! offset in it is the same offset in the template. Only the line structure
//! and the literal keys survive; that is what mapping a rendered finding back
//! to its template line needs (`key_path_at`, `find_path`).
//!
//! An action alone on its line (`{{- if .Values.x }}`, `{{- end }}`,
//! `{{- toYaml .Values.resources | nindent 8 }}`, `{{/* comment */}}`)
//! becomes blanks, so the line disappears from the YAML; an action among
//! other text (a key, a value, part of a quoted string) becomes `x`s, so it
//! stays a scalar. An action that ends a `key:` line and indents what it
//! prints (`labels: {{- include "x.labels" . | nindent 4 }}`) becomes blanks
//! too, leaving the key with an empty value rather than a scalar.
//!
//! It knows Go template delimiters, string literals and comments; it knows
//! nothing of Helm's functions or of Kubernetes.

use super::{Document, NodeKind};
use crate::text::TextRange;

/// A template with its actions masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskedTemplate {
    /// The template, each action replaced by same-length filler (line
    /// breaks inside an action are kept).
    pub text: String,
    /// Every action's range, `{{` to `}}`, in order.
    pub actions: Vec<TextRange>,
}

/// Masks the actions of `template`. Never fails: an unclosed `{{` masks to
/// the end of the text, as Helm would reject it anyway.
pub fn mask_template(template: &str) -> MaskedTemplate {
    let bytes = template.as_bytes();
    let mut actions = Vec::new();
    let mut at = 0;
    while let Some(found) = find(bytes, at, b"{{") {
        let end = action_end(bytes, found);
        actions.push(TextRange::new(found, end));
        at = end;
    }
    let mut masked = bytes.to_vec();
    for action in &actions {
        let filler = if is_alone_on_its_line(bytes, &actions, *action) || prints_indented_block(template, *action) {
            b' '
        } else {
            b'x'
        };
        for byte in &mut masked[action.as_range()] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = filler;
            }
        }
    }
    // Every byte of an action (multi-byte characters included) became ASCII,
    // and the bytes outside actions are the template's: still UTF-8.
    let text = String::from_utf8(masked).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    MaskedTemplate { text, actions }
}

/// Whether the text of `action` (within `template`) is a control action that
/// prints nothing (`if`, `else`, `end`, `range`, `with`, `define`, a
/// comment, a variable assignment).
pub fn is_control_action(template: &str, action: TextRange) -> bool {
    let inner = template.get(action.as_range()).unwrap_or("");
    let inner = inner.trim_start_matches("{{").trim_start_matches('-').trim_start();
    ["if ", "else", "end", "range ", "with ", "define ", "block ", "template ", "/*", "break", "continue"]
        .iter()
        .any(|word| inner.starts_with(word))
        || (inner.starts_with('$') && inner.contains(":="))
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| at + from)
}

/// The end (past `}}`) of the action that starts at `start`: the first `}}`
/// outside string literals, or past `*/}}` for a comment.
fn action_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 2;
    // `{{- /* ... */ -}}` and `{{/* ... */}}`: a comment ends at `*/`.
    let mut probe = at;
    while bytes.get(probe).is_some_and(|byte| *byte == b'-' || *byte == b' ') {
        probe += 1;
    }
    if bytes.get(probe..probe + 2) == Some(b"/*") {
        if let Some(close) = find(bytes, probe + 2, b"*/") {
            at = close + 2;
        }
    }
    while at < bytes.len() {
        match bytes[at] {
            b'"' => at = string_end(bytes, at, b'"', true),
            b'`' => at = string_end(bytes, at, b'`', false),
            b'\'' => at = string_end(bytes, at, b'\'', true),
            b'}' if bytes.get(at + 1) == Some(&b'}') => return at + 2,
            _ => at += 1,
        }
    }
    bytes.len()
}

fn string_end(bytes: &[u8], open: usize, quote: u8, escapes: bool) -> usize {
    let mut at = open + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if escapes => at += 2,
            // A line break ends a broken literal: Go would reject it, and
            // this keeps one stray quote from swallowing the file.
            b'\n' if escapes => return at,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Whether the lines `action` spans hold nothing but blanks and actions.
fn is_alone_on_its_line(bytes: &[u8], actions: &[TextRange], action: TextRange) -> bool {
    let line_start = bytes[..action.start].iter().rposition(|byte| *byte == b'\n').map_or(0, |at| at + 1);
    let line_end = bytes[action.end..].iter().position(|byte| *byte == b'\n').map_or(bytes.len(), |at| at + action.end);
    let mut at = line_start;
    while at < line_end {
        if let Some(other) = actions.iter().find(|other| other.start <= at && at < other.end) {
            at = other.end;
            continue;
        }
        if !bytes[at].is_ascii_whitespace() {
            return false;
        }
        at += 1;
    }
    true
}

/// Whether `action` ends its line after a `key:` and prints an indented
/// block (`| nindent 4`, `| indent 4`).
fn prints_indented_block(template: &str, action: TextRange) -> bool {
    let inner = template.get(action.as_range()).unwrap_or("");
    let rest_of_line = template.get(action.end..).unwrap_or("").split('\n').next().unwrap_or("");
    let before = template.get(..action.start).unwrap_or("").rsplit('\n').next().unwrap_or("");
    inner.contains("nindent") && rest_of_line.trim().is_empty() && before.trim_end().ends_with(':')
}

/// One step of a path from a document's root: a mapping key or a sequence
/// item's index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// Where an offset is in a document's tree: the path to the innermost entry
/// or item holding it, and whether it is on that entry's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    pub steps: Vec<PathStep>,
    pub on_key: bool,
}

/// The path to the node at `offset` (relative to the document), or `None`
/// when the offset is outside the root.
pub fn key_path_at(document: &Document, offset: usize) -> Option<KeyPath> {
    let mut node = document.root?;
    let mut path = KeyPath { steps: Vec::new(), on_key: false };
    // Bounded by the tree's depth, which the parser bounds.
    'down: loop {
        match document.node(node).kind {
            NodeKind::Mapping { .. } => {
                for &(key, value) in document.mapping_entries(node).unwrap_or(&[]) {
                    let key_range = document.node(key).range();
                    let value_range = document.node(value).range();
                    let Some(name) = document.scalar(key) else { continue };
                    if key_range.contains_inclusive(offset) && offset < key_range.end.max(key_range.start + 1) {
                        path.steps.push(PathStep::Key(name.to_owned()));
                        path.on_key = true;
                        return Some(path);
                    }
                    if value_range.contains_inclusive(offset) {
                        path.steps.push(PathStep::Key(name.to_owned()));
                        node = value;
                        continue 'down;
                    }
                }
                return Some(path);
            }
            NodeKind::Sequence { .. } => {
                for (index, &item) in document.sequence_items(node).unwrap_or(&[]).iter().enumerate() {
                    if document.node(item).range().contains_inclusive(offset) {
                        path.steps.push(PathStep::Index(index));
                        node = item;
                        continue 'down;
                    }
                }
                return Some(path);
            }
            _ => return Some(path),
        }
    }
}

/// How far a path reaches into another document (`find_path`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// How many steps of the path were found.
    pub depth: usize,
    /// The range to show: the last found entry's key or value (`on_key`), or
    /// the root when no step was found.
    pub range: TextRange,
    /// Where the found entry's text may continue: up to the next sibling of
    /// it or of an ancestor (the actions that filled it live in there).
    pub region: TextRange,
}

/// Follows `path` in `document` as far as it goes. A sequence index also
/// matches the item whose `name` is the same as the one the caller looked
/// for when indexes differ (`{{- range }}` and `{{- if }}` items shift them):
/// `names` gives, for each index step, the item's `name` in the other
/// document.
pub fn find_path(document: &Document, text_len: usize, path: &KeyPath, names: &[Option<String>]) -> Option<Found> {
    let root = document.root?;
    let root_range = document.node(root).range();
    let mut found = Found { depth: 0, range: root_range, region: TextRange::new(root_range.start, text_len) };
    let mut node = root;
    for (depth, step) in path.steps.iter().enumerate() {
        let last = depth + 1 == path.steps.len();
        match step {
            PathStep::Key(name) => {
                let entries = document.mapping_entries(node).unwrap_or(&[]);
                let Some(position) = entries.iter().rposition(|(key, _)| document.scalar(*key) == Some(name)) else {
                    break;
                };
                let (key, value) = entries[position];
                let key_range = document.node(key).range();
                let value_range = document.node(value).range();
                if let Some((next, _)) = entries.get(position + 1) {
                    found.region.end = found.region.end.min(document.node(*next).range().start);
                }
                found.region.start = key_range.start;
                found.range = if last && path.on_key { key_range } else { value_range };
                if found.range.is_empty() {
                    found.range = key_range;
                }
                found.depth = depth + 1;
                node = value;
            }
            PathStep::Index(index) => {
                let items = document.sequence_items(node).unwrap_or(&[]);
                let wanted = names.get(depth).cloned().flatten();
                let by_name = wanted.as_deref().and_then(|wanted| {
                    items.iter().position(|item| {
                        document.get(*item, "name").and_then(|(_, value)| document.scalar(value)) == Some(wanted)
                    })
                });
                let Some(position) = by_name.or((*index < items.len()).then_some(*index)) else { break };
                let item = items[position];
                if let Some(next) = items.get(position + 1) {
                    found.region.end = found.region.end.min(document.node(*next).range().start);
                }
                found.range = document.node(item).range();
                found.region.start = found.range.start;
                found.depth = depth + 1;
                node = item;
            }
        }
    }
    Some(found)
}

/// For each index step of `path` in `document`, the `name` of the item it
/// goes through (`find_path`'s `names`).
pub fn item_names(document: &Document, path: &KeyPath) -> Vec<Option<String>> {
    let mut names = Vec::with_capacity(path.steps.len());
    let Some(mut node) = document.root else { return names };
    for step in &path.steps {
        let next = match step {
            PathStep::Key(name) => {
                names.push(None);
                document.get(node, name).map(|(_, value)| value)
            }
            PathStep::Index(index) => {
                let item = document.sequence_items(node).and_then(|items| items.get(*index)).copied();
                names.push(item.and_then(|item| {
                    document.get(item, "name").and_then(|(_, value)| document.scalar(value)).map(str::to_owned)
                }));
                item
            }
        };
        let Some(next) = next else { break };
        node = next;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_document;

    const STATEFUL_SET: &str = r#"{{- if .Values.enabled }}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "redis.fullname" . }}
  labels:
    {{- include "redis.labels" . | nindent 4 }}
  {{- with .Values.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceName: {{ printf "%s-headless" (include "redis.fullname" .) }}
  {{/* a comment with }} inside */}}
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default "7" }}"
          {{ .Values.extraKey }}: value
{{- end }}
"#;

    #[test]
    fn masking_keeps_lengths_and_lines_and_the_yaml_parses() {
        let masked = mask_template(STATEFUL_SET);
        assert_eq!(masked.text.len(), STATEFUL_SET.len());
        assert_eq!(masked.text.lines().count(), STATEFUL_SET.lines().count());
        // Each run of filler shown as one `X`, blank lines as empty.
        let shape: Vec<String> = masked
            .text
            .lines()
            .map(|line| {
                let mut shown = String::new();
                for character in line.trim_end().chars() {
                    if !(character == 'x' && shown.ends_with('X')) {
                        shown.push(if character == 'x' { 'X' } else { character });
                    }
                }
                shown
            })
            .collect();
        let expected = [
            "",
            "apiVersion: apps/v1",
            "kind: StatefulSet",
            "metadata:",
            "  name: X",
            "  labels:",
            "",
            "",
            "  annotations:",
            "",
            "",
            "spec:",
            "  serviceName: X",
            "",
            "  replicas: X",
            "  template:",
            "    spec:",
            "      containers:",
            "        - name: X",
            "          image: \"X:X\"",
            "          X: value",
            "",
        ];
        assert_eq!(shape, expected);
        let document = parse_document(&masked.text);
        assert!(document.errors.is_empty(), "{:?}", document.errors);
        let root = document.root.expect("a root");
        let (_, service_name) = document.get_path(root, &["spec", "serviceName"]).expect("spec.serviceName");
        let at = document.node(service_name).range().start;
        assert_eq!(&STATEFUL_SET[at..at + 8], "{{ print");
        assert_eq!(masked.actions.len(), 14);
        assert!(is_control_action(STATEFUL_SET, masked.actions[0]));
        assert!(!is_control_action(STATEFUL_SET, masked.actions[1]));
    }

    #[test]
    fn a_key_line_with_nindent_keeps_an_empty_value() {
        let template = "metadata:\n  labels: {{- include \"x.labels\" . | nindent 4 }}\n  name: a\n";
        let masked = mask_template(template);
        let document = parse_document(&masked.text);
        assert!(document.errors.is_empty(), "{:?}", document.errors);
        let root = document.root.expect("a root");
        assert!(document.get_path(root, &["metadata", "name"]).is_some());
        let (_, labels) = document.get_path(root, &["metadata", "labels"]).expect("labels");
        assert_eq!(document.scalar(labels), Some(""));
    }

    #[test]
    fn unclosed_and_multi_byte_actions_stay_in_bounds() {
        for template in ["a: {{ .Values.x", "a: {{ \"é\" }}\nb: 1\n", "{{", "a: \"{{ \"unterminated }}\n"] {
            let masked = mask_template(template);
            assert_eq!(masked.text.len(), template.len(), "{template:?}");
        }
    }

    #[test]
    fn a_rendered_path_is_found_in_the_masked_template() {
        let rendered = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: release-name-redis\n  labels:\n    app: redis\nspec:\n  serviceName: release-name-redis-headless\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: \"redis:7\"\n";
        let rendered_document = parse_document(rendered);
        let masked = mask_template(STATEFUL_SET);
        let template_document = parse_document(&masked.text);

        let at = rendered.find("release-name-redis-headless").expect("serviceName");
        let path = key_path_at(&rendered_document, at).expect("a path");
        assert_eq!(path.steps, [PathStep::Key("spec".into()), PathStep::Key("serviceName".into())]);
        let names = item_names(&rendered_document, &path);
        let found = find_path(&template_document, masked.text.len(), &path, &names).expect("found");
        assert_eq!(found.depth, 2);
        assert!(STATEFUL_SET[found.range.as_range()].starts_with("{{ printf"));

        // A label that `include` printed: the path stops at `labels`, whose
        // region holds the action that printed it.
        let at = rendered.find("app: redis").expect("the label");
        let path = key_path_at(&rendered_document, at).expect("a path");
        let found = find_path(&template_document, masked.text.len(), &path, &[]).expect("found");
        assert_eq!(found.depth, 2);
        let action = masked
            .actions
            .iter()
            .find(|action| found.region.contains_inclusive(action.start) && !is_control_action(STATEFUL_SET, **action))
            .expect("the action that printed it");
        assert!(STATEFUL_SET[action.as_range()].contains("redis.labels"));

        // An item by index, and an image inside it.
        let at = rendered.find("\"redis:7\"").expect("the image");
        let path = key_path_at(&rendered_document, at).expect("a path");
        let names = item_names(&rendered_document, &path);
        assert_eq!(names[4], Some("redis".to_owned()));
        let found = find_path(&template_document, masked.text.len(), &path, &names).expect("found");
        assert_eq!(found.depth, path.steps.len());
        assert!(STATEFUL_SET[found.range.as_range()].starts_with("\"{{ .Values.image"));
    }

    #[test]
    fn a_key_offset_says_so() {
        let document = parse_document("a:\n  b: 1\n");
        let path = key_path_at(&document, 5).expect("a path");
        assert_eq!(path, KeyPath { steps: vec![PathStep::Key("a".into()), PathStep::Key("b".into())], on_key: true });
    }
}
