//! Minimal YAML edits for fixes: set a scalar, insert or replace a mapping
//! entry, and render a new Service document in the file's own indentation and
//! line ending. Edits keep comments, quoting and style around them.
//!
//! It edits text through the span tree; it does not decide what to fix.

use crate::model::{Field, Labels};
use crate::syntax::edit::{column, indent_step, line_end, line_start, quote_key};
pub(crate) use crate::syntax::edit::{quote, Value};
use crate::syntax::{CollectionStyle, Document, NodeId, NodeKind, TextRange};
use crate::text::{detect_line_ending, TextEdit};
use crate::workspace::{DocumentSlot, FileId, ObjectView, Snapshot};

/// Edits to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub file: FileId,
    pub edits: Vec<TextEdit>,
}

/// A fix for one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<FileEdit>,
    pub is_preferred: bool,
}

/// SPEC's limit on a code action's title, in characters.
pub(crate) const TITLE_LIMIT: usize = 80;

/// The first title that fits SPEC's limit, else the last (the shortest the
/// caller could word it). Callers list the most telling wording first: names
/// are up to 63 characters, so a title that names two objects may not fit.
pub(super) fn fitting_title(candidates: impl IntoIterator<Item = String>) -> String {
    let mut last = String::new();
    for candidate in candidates {
        if candidate.chars().count() <= TITLE_LIMIT {
            return candidate;
        }
        last = candidate;
    }
    last
}

impl Fix {
    pub fn new(title: String, edits: Vec<FileEdit>) -> Fix {
        Fix { title, edits, is_preferred: false }
    }

    pub fn preferred(mut self) -> Fix {
        self.is_preferred = true;
        self
    }
}

// Labels are a model type, so writing them as a value is said here, not in
// `syntax`.
impl Value {
    pub fn labels(labels: &Labels) -> Value {
        Value::Map(labels.iter().map(|(k, v)| (quote_key(k), Value::Scalar(quote(v)))).collect())
    }
}

/// Edits that work on one document of one file.
pub struct DocumentEditor<'a> {
    pub text: &'a str,
    pub slot: &'a DocumentSlot,
    pub eol: &'static str,
    pub step: usize,
}

impl<'a> DocumentEditor<'a> {
    pub fn new(text: &'a str, slot: &'a DocumentSlot) -> DocumentEditor<'a> {
        DocumentEditor { text, slot, eol: detect_line_ending(text).as_str(), step: indent_step(text) }
    }

    pub fn of(view: &ObjectView<'a>) -> DocumentEditor<'a> {
        DocumentEditor::new(&view.file.text, view.document)
    }

    fn document(&self) -> &Document {
        &self.slot.syntax
    }

    fn absolute(&self, range: TextRange) -> TextRange {
        self.slot.absolute(range)
    }

    /// Replaces a scalar field's value. An empty value (`clusterIP:`) gets the
    /// space it needs after the colon.
    pub fn set_scalar(&self, field: &Field, new_value: &str) -> TextEdit {
        let range = self.absolute(field.value);
        let needs_space = range.is_empty() && self.text[..range.start].ends_with(':');
        let new_text = if needs_space { format!(" {new_value}") } else { new_value.to_owned() };
        TextEdit { range, new_text }
    }

    /// Replaces a field's value, whatever its shape, with `value`, in the
    /// style of the mapping it is in.
    pub fn replace_value(&self, parent: NodeId, field: &Field, value: &Value) -> TextEdit {
        if let Value::Scalar(text) = value {
            if field.is_scalar {
                return self.set_scalar(field, text);
            }
        }
        let key = self.absolute(field.key);
        let value_range = self.absolute(self.document().raw_node(field.value_node).range());
        let flow = self.is_flow(parent) || self.is_flow(field.value_node);
        if flow || matches!(value, Value::Scalar(_)) {
            return TextEdit { range: value_range, new_text: value.render_flow() };
        }
        // A block value: rewrite the whole entry, key included, so that the
        // new lines get the indentation of the key.
        let indent = column(self.text, key.start);
        let rendered = value.render_entry(&self.text[key.start..key.end], indent, self.step, self.eol);
        let end = value_range.end.max(key.end);
        TextEdit { range: TextRange::new(key.start, end), new_text: rendered.trim_start().to_owned() }
    }

    fn is_flow(&self, node: NodeId) -> bool {
        matches!(
            self.document().node(node).kind,
            NodeKind::Mapping { style: CollectionStyle::Flow, .. }
                | NodeKind::Sequence { style: CollectionStyle::Flow, .. }
        )
    }

    /// Adds `key: value` to a mapping: in a flow mapping after `{`, in a block
    /// mapping on a new line after its first entry, at that entry's column.
    pub fn insert_entry(&self, mapping: NodeId, key: &str, value: &Value) -> Option<TextEdit> {
        let document = self.document();
        let entries = document.mapping_entries(mapping)?;
        let mapping_range = self.absolute(document.raw_node(mapping).range());
        if self.is_flow(mapping) {
            let open = mapping_range.start + self.text[mapping_range.as_range()].find('{')? + 1;
            let separator = if entries.is_empty() { "" } else { ", " };
            return Some(TextEdit::insert(open, format!("{key}: {}{separator}", value.render_flow())));
        }
        let (first_key, first_value) = *entries.first()?;
        let first_key_range = self.absolute(document.raw_node(first_key).range());
        let indent = column(self.text, first_key_range.start);
        let rendered = value.render_entry(key, indent, self.step, self.eol);
        let value_end = self.absolute(document.raw_node(first_value).range()).end.max(first_key_range.end);
        let prefix = &self.text[line_start(self.text, first_key_range.start)..first_key_range.start];
        if prefix.trim().is_empty() {
            // Before the first entry: the new line goes where the mapping starts.
            let at = line_start(self.text, first_key_range.start);
            Some(TextEdit::insert(at, format!("{rendered}{}", self.eol)))
        } else {
            // The first key shares its line (`- name: x`): insert after the
            // first entry's last line instead.
            let at = line_end(self.text, value_end);
            Some(TextEdit::insert(at, format!("{}{rendered}", self.eol)))
        }
    }

    /// Sets `key` in a mapping to `value`, replacing it where it exists.
    pub fn set_entry(&self, mapping: NodeId, key: &str, value: &Value) -> Option<TextEdit> {
        let document = self.document();
        match document.get(mapping, key) {
            Some(entry) => {
                let field = Field::read(document, entry);
                Some(self.replace_value(mapping, &field, value))
            }
            None => self.insert_entry(mapping, key, value),
        }
    }

    /// Removes a whole block entry (its lines), or replaces a flow entry's
    /// value: used to drop a stale `clusterIPs`.
    pub fn remove_entry(&self, mapping: NodeId, field: &Field, flow_replacement: &Value) -> TextEdit {
        if self.is_flow(mapping) {
            return self.replace_value(mapping, field, flow_replacement);
        }
        let key = self.absolute(field.key);
        let value_end = self.absolute(self.document().raw_node(field.value_node).range()).end.max(key.end);
        let start = line_start(self.text, key.start);
        let mut end = line_end(self.text, value_end);
        if self.text[end..].starts_with("\r\n") {
            end += 2;
        } else if end < self.text.len() {
            end += 1;
        }
        TextEdit { range: TextRange::new(start, end), new_text: String::new() }
    }

    /// Inserts a whole new document before this one.
    pub fn insert_document_before(&self, body: &str) -> TextEdit {
        let start = self.slot.start;
        let own = &self.text[start..(start + self.slot.len).min(self.text.len())];
        let new_text = if own.starts_with("---") {
            format!("---{eol}{body}", eol = self.eol)
        } else {
            format!("{body}---{eol}", eol = self.eol)
        };
        TextEdit::insert(start, new_text)
    }
}

/// The labels a new Service should select to find a StatefulSet's pods: its
/// `spec.selector.matchLabels` where the pods carry them, else its template
/// labels (a selector that misses its own template selects no pod; that is
/// `statefulset-selector-mismatch`'s to report).
pub fn pod_selector_labels(stateful_set: &ObjectView<'_>) -> Labels {
    let template_labels =
        stateful_set.object.pod_template.as_ref().map(|template| template.labels.clone()).unwrap_or_default();
    let match_labels = stateful_set
        .stateful_set()
        .and_then(|set| set.selector.as_ref())
        .map(|selector| selector.match_labels.clone())
        .unwrap_or_default();
    let on_pods = match_labels.iter().all(|(key, value)| template_labels.get(key) == Some(value));
    if !match_labels.is_empty() && (on_pods || template_labels.is_empty()) {
        match_labels
    } else {
        template_labels
    }
}

/// A complete headless Service for a StatefulSet's pods, as a document body
/// in the file's indentation and line ending (ends with a line break).
pub fn generated_service(
    editor: &DocumentEditor<'_>,
    stateful_set: &ObjectView<'_>,
    name: &str,
    publish_not_ready_addresses: bool,
) -> String {
    let eol = editor.eol;
    let step = editor.step;
    let mut metadata = vec![("name".to_owned(), Value::Scalar(quote(name)))];
    if let Some(namespace) = stateful_set.object.namespace.as_ref().and_then(Field::as_str) {
        metadata.push(("namespace".to_owned(), Value::Scalar(quote(namespace))));
    }
    let mut spec = vec![("clusterIP".to_owned(), Value::Scalar("None".to_owned()))];
    if publish_not_ready_addresses {
        spec.push(("publishNotReadyAddresses".to_owned(), Value::Scalar("true".to_owned())));
    }
    spec.push(("selector".to_owned(), Value::labels(&pod_selector_labels(stateful_set))));
    let mut ports = Vec::new();
    let mut seen = Vec::new();
    for port in stateful_set.object.pod_template.iter().flat_map(|template| template.ports.iter()) {
        let Some(number) = port.port else { continue };
        let protocol = port.protocol.clone().unwrap_or_else(|| "TCP".to_owned());
        if seen.contains(&(number, protocol.clone())) {
            continue;
        }
        seen.push((number, protocol.clone()));
        let port_name = port.name.clone().unwrap_or_else(|| format!("{}-{number}", protocol.to_lowercase()));
        let mut entries = vec![
            ("name".to_owned(), Value::Scalar(quote(&port_name))),
            ("port".to_owned(), Value::Scalar(number.to_string())),
        ];
        if protocol != "TCP" {
            entries.push(("protocol".to_owned(), Value::Scalar(quote(&protocol))));
        }
        ports.push(Value::Map(entries));
    }
    if !ports.is_empty() {
        spec.push(("ports".to_owned(), Value::List(ports)));
    }
    let lines = [
        Value::Scalar("v1".to_owned()).render_entry("apiVersion", 0, step, eol),
        Value::Scalar("Service".to_owned()).render_entry("kind", 0, step, eol),
        Value::Map(metadata).render_entry("metadata", 0, step, eol),
        Value::Map(spec).render_entry("spec", 0, step, eol),
    ];
    let mut body = lines.join(eol);
    body.push_str(eol);
    body
}

/// The edit that inserts a generated headless Service before a StatefulSet's
/// document.
pub fn insert_generated_service(
    stateful_set: &ObjectView<'_>,
    name: &str,
    publish_not_ready_addresses: bool,
) -> FileEdit {
    let editor = DocumentEditor::of(stateful_set);
    let body = generated_service(&editor, stateful_set, name, publish_not_ready_addresses);
    FileEdit { file: stateful_set.id.file, edits: vec![editor.insert_document_before(&body)] }
}

/// Whether a Service named `name` exists in `namespace`.
pub fn service_exists(snapshot: &Snapshot, namespace: &str, name: &str) -> bool {
    snapshot.index.services(namespace, name).next().is_some()
}

/// Merges edits to the same file into one `FileEdit` each.
pub fn merge(edits: Vec<FileEdit>) -> Vec<FileEdit> {
    let mut merged: Vec<FileEdit> = Vec::new();
    for edit in edits {
        match merged.iter_mut().find(|existing| existing.file == edit.file) {
            Some(existing) => existing.edits.extend(edit.edits),
            None => merged.push(edit),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_title_that_fits_wins_else_the_last() {
        let long = "x".repeat(TITLE_LIMIT + 1);
        assert_eq!(fitting_title([long.clone(), "short".to_owned(), "other".to_owned()]), "short");
        assert_eq!(fitting_title([long.clone(), long.clone()]), long);
    }
}
