//! Go to definition (serviceName → Service; a volume claim → its template,
//! in `volume_claims.rs`), find references (Service →
//! the StatefulSets it governs) and rename of a Service with every
//! `serviceName` that names it.

use super::cursor::{Cursor, FieldName};
use crate::checks::{Diagnostics, FileEdit};
use crate::model::names::is_dns1035_label;
use crate::model::Field;
use crate::syntax::{ScalarStyle, TextRange};
use crate::text::TextEdit;
use crate::workspace::{FileId, ObjectView, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub file: FileId,
    /// The whole target object.
    pub range: TextRange,
    /// Its name.
    pub focus_range: TextRange,
}

/// What the cursor is on, for navigation.
enum Subject<'a> {
    /// A StatefulSet's `serviceName` value.
    ServiceName { stateful_set: ObjectView<'a>, field: &'a Field },
    /// A Service's `metadata.name` value.
    ServiceDefinition { service: ObjectView<'a>, field: &'a Field },
}

fn subject_at(snapshot: &Snapshot, file: FileId, offset: usize) -> Option<Subject<'_>> {
    let cursor = Cursor::at(snapshot, file, offset)?;
    let at = cursor.field_at().filter(|at| at.on_value)?;
    match at.name {
        FieldName::ServiceName => Some(Subject::ServiceName { stateful_set: cursor.object, field: at.field }),
        FieldName::Name if cursor.object.service().is_some() => {
            Some(Subject::ServiceDefinition { service: cursor.object, field: at.field })
        }
        _ => None,
    }
}

fn target(service: &ObjectView<'_>) -> NavigationTarget {
    NavigationTarget {
        file: service.id.file,
        range: service.absolute(service.object.range),
        focus_range: service.anchor_range(),
    }
}

pub fn goto_definition(snapshot: &Snapshot, file: FileId, offset: usize) -> Vec<NavigationTarget> {
    if let Some(entry) = super::builds::entry_target(snapshot, file, offset) {
        return vec![entry];
    }
    let claim =
        Cursor::at(snapshot, file, offset).and_then(|cursor| super::volume_claims::goto_definition(snapshot, &cursor));
    if let Some(targets) = claim {
        return targets;
    }
    if let Some((reference, resolution)) = super::peer_addresses::reference_at(snapshot, file, offset) {
        return super::peer_addresses::definition(snapshot, &reference, &resolution, offset)
            .map(|object| target(&object))
            .into_iter()
            .collect();
    }
    match subject_at(snapshot, file, offset) {
        Some(Subject::ServiceName { stateful_set, .. }) => {
            let Some(name) = stateful_set.stateful_set().and_then(|set| set.service_name()) else { return Vec::new() };
            snapshot
                .index
                .services(stateful_set.namespace(), name)
                .filter_map(|service| snapshot.view(service))
                .map(|service| target(&service))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The Service a subject is about, if it exists.
fn service_of<'a>(snapshot: &'a Snapshot, subject: &Subject<'a>) -> Option<ObjectView<'a>> {
    match subject {
        Subject::ServiceName { stateful_set, .. } => snapshot.governing_service(stateful_set),
        Subject::ServiceDefinition { service, .. } => Some(*service),
    }
}

/// `(file, range)` of each `serviceName` naming the Service at `offset`; with
/// `include_declaration`, the Service's own name too.
///
/// `diagnostics`, the workspace's, narrow the search for peer addresses.
pub fn references(
    snapshot: &Snapshot,
    diagnostics: &Diagnostics,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<(FileId, TextRange)> {
    // A StatefulSet's name: the peer addresses that name its pods.
    if let Some(cursor) = Cursor::at(snapshot, file, offset) {
        let on_name = cursor.field_at().is_some_and(|at| at.on_value && matches!(at.name, FieldName::Name));
        if on_name && cursor.object.stateful_set().is_some() {
            let mut references = Vec::new();
            if include_declaration {
                references.push((cursor.object.id.file, cursor.object.anchor_range()));
            }
            references.extend(super::peer_addresses::references_to(snapshot, Some(diagnostics), &cursor.object));
            return references;
        }
    }
    let Some(subject) = subject_at(snapshot, file, offset) else { return Vec::new() };
    let Some(service) = service_of(snapshot, &subject) else { return Vec::new() };
    let mut references = Vec::new();
    if include_declaration {
        references.push((service.id.file, service.anchor_range()));
    }
    for stateful_set in snapshot.governed_stateful_sets(&service) {
        if let Some(field) = stateful_set.stateful_set().and_then(|set| set.service_name.as_ref()) {
            references.push((stateful_set.id.file, stateful_set.absolute(field.value)));
        }
    }
    references.extend(super::peer_addresses::references_to(snapshot, Some(diagnostics), &service));
    references
}

/// The range and current text of the renameable name at `offset`.
pub fn prepare_rename(snapshot: &Snapshot, file: FileId, offset: usize) -> Option<(TextRange, String)> {
    if let Some(range) = stateful_set_named_at(snapshot, file, offset)
        .map(|(_, range)| range)
        .or_else(|| service_label_at(snapshot, file, offset).map(|(_, range)| range))
    {
        let text = snapshot.file(file)?.text.get(range.as_range())?.to_owned();
        return Some((range, text));
    }
    match subject_at(snapshot, file, offset)? {
        Subject::ServiceName { stateful_set, field } => Some((stateful_set.absolute(field.value), field.text.clone())),
        Subject::ServiceDefinition { service, field } => Some((service.absolute(field.value), field.text.clone())),
    }
}

/// A new value in the quoting style of the old one.
fn requote(field: &Field, new_name: &str) -> String {
    match field.style {
        ScalarStyle::SingleQuoted => format!("'{new_name}'"),
        ScalarStyle::DoubleQuoted => format!("\"{new_name}\""),
        _ => new_name.to_owned(),
    }
}

/// Edits that rename the Service at `offset` (from its name or from a
/// `serviceName` naming it) and every `serviceName` that names it. An error
/// says why not, e.g. the new name is not a DNS-1035 label.
/// The StatefulSet whose name (or a pod label naming it inside a string) is
/// at `offset`, and the range of that name in `file`.
fn stateful_set_named_at(snapshot: &Snapshot, file: FileId, offset: usize) -> Option<(ObjectView<'_>, TextRange)> {
    let stateful_set = super::peer_addresses::named_object_at(snapshot, file, offset)
        .filter(|object| object.stateful_set().is_some())?;
    if stateful_set.id.file == file && stateful_set.anchor_range().contains_inclusive(offset) {
        let range = stateful_set.anchor_range();
        return Some((stateful_set, range));
    }
    let (_, range) = super::peer_addresses::references_to(snapshot, None, &stateful_set)
        .into_iter()
        .find(|(in_file, range)| *in_file == file && range.contains_inclusive(offset))?;
    Some((stateful_set, range))
}

/// The Service a peer address's Service label at `offset` names, and that
/// label's range.
fn service_label_at(snapshot: &Snapshot, file: FileId, offset: usize) -> Option<(ObjectView<'_>, TextRange)> {
    let (reference, resolution) = super::peer_addresses::reference_at(snapshot, file, offset)?;
    let label = reference.object.absolute(reference.address.service.range());
    let service = resolution.service.filter(|service| service.object.name.is_some())?;
    label.contains_inclusive(offset).then_some((service, label))
}

/// Edits that rename a StatefulSet: its `metadata.name` and the pod label of
/// every peer address naming its pods (nothing else of those strings).
fn rename_stateful_set(
    snapshot: &Snapshot,
    stateful_set: &ObjectView<'_>,
    new_name: &str,
) -> Result<Vec<FileEdit>, String> {
    if !crate::model::names::is_dns1123_label(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid StatefulSet name: use at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit"
        ));
    }
    let taken = snapshot.index.stateful_sets_named(new_name).any(|other| other.namespace == stateful_set.namespace());
    if taken {
        return Err(format!("a StatefulSet `{new_name}` already exists in namespace `{}`", stateful_set.namespace()));
    }
    let mut edits: Vec<FileEdit> = Vec::new();
    let mut push = |file: FileId, edit: TextEdit| match edits.iter_mut().find(|existing| existing.file == file) {
        Some(existing) => existing.edits.push(edit),
        None => edits.push(FileEdit { file, edits: vec![edit] }),
    };
    if let Some(field) = &stateful_set.object.name {
        push(stateful_set.id.file, TextEdit::new(stateful_set.absolute(field.value), requote(field, new_name)));
    }
    for (file, range) in super::peer_addresses::references_to(snapshot, None, stateful_set) {
        push(file, TextEdit::new(range, new_name));
    }
    Ok(edits)
}

pub fn rename(snapshot: &Snapshot, file: FileId, offset: usize, new_name: &str) -> Result<Vec<FileEdit>, String> {
    if let Some((stateful_set, _)) = stateful_set_named_at(snapshot, file, offset) {
        return rename_stateful_set(snapshot, &stateful_set, new_name);
    }
    // From the Service label of a peer address: as from the Service's name.
    if let Some((service, _)) = service_label_at(snapshot, file, offset) {
        return rename(snapshot, service.id.file, service.anchor_range().start, new_name);
    }
    if !is_dns1035_label(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid Service name: use at most 63 lower-case letters, digits and `-`, starting with a letter and ending with a letter or digit"
        ));
    }
    let subject = subject_at(snapshot, file, offset)
        .ok_or_else(|| "rename works on a Service's `metadata.name` or a StatefulSet's `serviceName`".to_owned())?;
    let mut edits: Vec<FileEdit> = Vec::new();
    let mut push = |file: FileId, edit: TextEdit| match edits.iter_mut().find(|existing| existing.file == file) {
        Some(existing) => existing.edits.push(edit),
        None => edits.push(FileEdit { file, edits: vec![edit] }),
    };
    match service_of(snapshot, &subject) {
        Some(service) => {
            if snapshot.index.services(service.namespace(), new_name).next().is_some() {
                return Err(format!("a Service `{new_name}` already exists in namespace `{}`", service.namespace()));
            }
            if let Some(field) = &service.object.name {
                push(service.id.file, TextEdit::new(service.absolute(field.value), requote(field, new_name)));
            }
            for stateful_set in snapshot.governed_stateful_sets(&service) {
                if let Some(field) = stateful_set.stateful_set().and_then(|set| set.service_name.as_ref()) {
                    push(
                        stateful_set.id.file,
                        TextEdit::new(stateful_set.absolute(field.value), requote(field, new_name)),
                    );
                }
            }
            // The Service label of each peer address that names it, and nothing else of the string.
            for (file, range) in super::peer_addresses::references_to(snapshot, None, &service) {
                push(file, TextEdit::new(range, new_name));
            }
        }
        None => match subject {
            // A `serviceName` naming no Service: rename just that field.
            Subject::ServiceName { stateful_set, field } => {
                push(stateful_set.id.file, TextEdit::new(stateful_set.absolute(field.value), requote(field, new_name)));
            }
            Subject::ServiceDefinition { .. } => {}
        },
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::cursor_snapshot;
    use crate::text::apply_edits;

    const FILES: &str = r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
spec: {clusterIP: None, selector: {app: redis}}
#- /app/set.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: "redis"
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: other, namespace: elsewhere}
spec:
  serviceName: redis
"#;

    fn text_at(
        snapshot: &crate::workspace::Snapshot,
        file: crate::workspace::FileId,
        range: crate::syntax::TextRange,
    ) -> String {
        let source = snapshot.file(file).expect("file");
        format!("{}:{}", source.path.display(), &source.text[range.as_range()])
    }

    #[test]
    fn definition_goes_from_service_name_to_the_service() {
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replace("serviceName: \"redis\"", "serviceName: \"re$0dis\""));
        let targets = super::goto_definition(&snapshot, file, offset);
        assert_eq!(targets.len(), 1);
        assert_eq!(text_at(&snapshot, targets[0].file, targets[0].focus_range), "/app/service.yaml:redis");
        assert!(text_at(&snapshot, targets[0].file, targets[0].range).starts_with("/app/service.yaml:apiVersion: v1"));
    }

    #[test]
    fn references_are_the_governed_stateful_sets_of_the_namespace() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replacen("name: redis", "name: r$0edis", 1));
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let references: Vec<String> = super::references(&snapshot, &diagnostics, file, offset, true)
            .into_iter()
            .map(|(f, r)| text_at(&snapshot, f, r))
            .collect();
        assert_eq!(references, vec!["/app/service.yaml:redis", "/app/set.yaml:\"redis\""]);
    }

    #[test]
    fn rename_updates_the_service_and_its_service_names() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replacen("name: redis", "name: r$0edis", 1));
        assert_eq!(super::prepare_rename(&snapshot, file, offset).map(|(_, text)| text), Some("redis".to_owned()));
        let edits = super::rename(&snapshot, file, offset, "cache").expect("rename succeeds");
        let renamed: Vec<String> = edits
            .iter()
            .map(|edit| {
                let source = snapshot.file(edit.file).expect("file");
                apply_edits(&source.text, &edit.edits)
            })
            .collect();
        assert!(renamed[0].contains("  name: cache\n"), "{}", renamed[0]);
        assert!(renamed[1].contains("serviceName: \"cache\"\n"), "{}", renamed[1]);
        // The StatefulSet in another namespace names another Service.
        assert!(renamed[1].contains("  serviceName: redis\n"), "{}", renamed[1]);
        assert!(super::rename(&snapshot, file, offset, "Not_Valid").is_err());
    }
}
