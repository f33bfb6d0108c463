//! What is under the cursor: the object at an offset and which of the fields
//! the IDE features know (`metadata.name`, `spec.serviceName`, `replicas`,
//! `clusterIP`, …) holds it, on its key or its value. Hover, navigation and
//! completion all ask here, so they agree on where a field starts and ends.
//!
//! It resolves positions only; what to show or do there is each feature's.

use crate::model::Field;
use crate::syntax::TextRange;
use crate::workspace::{FileId, ObjectId, ObjectView, Snapshot};

/// A field the IDE features know, by its place in the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldName {
    /// `metadata.name`, of any kind.
    Name,
    /// A StatefulSet's `spec.serviceName`.
    ServiceName,
    /// A StatefulSet's `spec.replicas`.
    Replicas,
    /// A StatefulSet's `spec.ordinals.start`.
    OrdinalsStart,
    /// A Service's `spec.clusterIP`.
    ClusterIp,
    /// A Service's `spec.publishNotReadyAddresses`.
    PublishNotReadyAddresses,
}

/// The fields of each kind, in the order they are tried.
const STATEFUL_SET_FIELDS: &[FieldName] =
    &[FieldName::Name, FieldName::ServiceName, FieldName::Replicas, FieldName::OrdinalsStart];
const SERVICE_FIELDS: &[FieldName] = &[FieldName::Name, FieldName::ClusterIp, FieldName::PublishNotReadyAddresses];

/// The object under the cursor.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor<'a> {
    pub(crate) object: ObjectView<'a>,
    /// The cursor's offset in the file.
    pub(crate) offset: usize,
    /// The same offset relative to the object's document, as the model's
    /// ranges are.
    relative: usize,
}

/// A field whose entry (key through value) holds the cursor.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldAt<'a> {
    pub(crate) name: FieldName,
    pub(crate) field: &'a Field,
    /// What the cursor is on, absolute: the value when it is on a non-empty
    /// one, else the key.
    pub(crate) range: TextRange,
    /// The cursor is on a scalar value (an empty one counts at its place).
    pub(crate) on_value: bool,
}

impl<'a> Cursor<'a> {
    /// The innermost object at `offset`, if any.
    pub(crate) fn at(snapshot: &'a Snapshot, file: FileId, offset: usize) -> Option<Cursor<'a>> {
        let object = snapshot.object_at(file, offset)?;
        let relative = object.document.relative(offset)?;
        Some(Cursor { object, offset, relative })
    }

    /// The object's field `name`, where its kind has it and it is present.
    pub(crate) fn field(&self, name: FieldName) -> Option<&'a Field> {
        let stateful_set = self.object.stateful_set();
        let service = self.object.service();
        match name {
            FieldName::Name => self.object.object.name.as_ref(),
            FieldName::ServiceName => stateful_set?.service_name.as_ref(),
            FieldName::Replicas => stateful_set?.replicas.as_ref(),
            FieldName::OrdinalsStart => stateful_set?.ordinals_start.as_ref(),
            FieldName::ClusterIp => service?.cluster_ip.as_ref(),
            FieldName::PublishNotReadyAddresses => service?.publish_not_ready_addresses.as_ref(),
        }
    }

    /// The first known field of the object's kind whose entry holds the
    /// cursor (ends included).
    pub(crate) fn field_at(&self) -> Option<FieldAt<'a>> {
        let names = if self.object.stateful_set().is_some() {
            STATEFUL_SET_FIELDS
        } else if self.object.service().is_some() {
            SERVICE_FIELDS
        } else {
            &[]
        };
        names.iter().find_map(|&name| {
            let field = self.field(name)?;
            if !field.entry_range().contains_inclusive(self.relative) {
                return None;
            }
            let on_value = field.value.contains_inclusive(self.relative);
            let range = self.object.absolute(if on_value && !field.value.is_empty() { field.value } else { field.key });
            Some(FieldAt { name, field, range, on_value: on_value && field.is_scalar })
        })
    }

    /// The scalar field `name` when the cursor is where its value is typed:
    /// on the value, or, for a key with no value yet (`serviceName:`), anywhere
    /// after the key on its line.
    pub(crate) fn typing_value_of(&self, name: FieldName) -> Option<&'a Field> {
        let field = self.field(name)?;
        if !field.is_scalar {
            return None;
        }
        let on_value = if field.value.is_empty() {
            let source = self.object.file;
            let key_end = self.object.absolute(field.key).end;
            let line_end = source
                .line_index()
                .line_range(&source.text, source.line_index().line_of(key_end))
                .map_or(key_end, |range| range.end);
            key_end < self.offset && self.offset <= line_end
        } else {
            field.value.contains_inclusive(self.relative)
        };
        on_value.then_some(field)
    }
}

/// The objects of `file` that overlap `range` (ends included), in file order.
/// Only the documents the range touches are looked at, found by binary
/// search, so that a request for one screen of a huge file costs one
/// screen's worth of work.
pub(crate) fn objects_overlapping(
    snapshot: &Snapshot,
    file: FileId,
    range: TextRange,
) -> impl Iterator<Item = ObjectView<'_>> {
    let source = snapshot.file(file);
    let first = source.and_then(|source| source.document_index_at(range.start)).unwrap_or(0);
    source
        .into_iter()
        .flat_map(move |source| {
            source
                .documents
                .iter()
                .enumerate()
                .skip(first)
                .take_while(move |(_, slot)| slot.start <= range.end)
                .flat_map(move |(document, slot)| {
                    (0..slot.objects.len()).filter_map(move |object| {
                        snapshot.object(ObjectId { file, document: document as u32, object: object as u32 })
                    })
                })
        })
        .filter(move |object| {
            let object_range = object.absolute(object.object.range);
            object_range.start <= range.end && range.start <= object_range.end
        })
}

#[cfg(test)]
mod tests {
    use super::{Cursor, FieldName};
    use crate::checks::fixture::cursor_snapshot;

    const SET: &str = "#- /app/set.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  replicas: 3\n";

    /// What the cursor at `$0` resolves to: the field, the text of its range,
    /// and whether it is on the value.
    fn resolve(marked: &str) -> Option<(FieldName, String, bool)> {
        let (snapshot, file, offset) = cursor_snapshot(marked);
        let cursor = Cursor::at(&snapshot, file, offset)?;
        let at = cursor.field_at()?;
        let text = &snapshot.file(file).expect("file").text[at.range.as_range()];
        Some((at.name, text.to_owned(), at.on_value))
    }

    #[test]
    fn fields_resolve_on_their_key_or_value() {
        let on_value = resolve(&SET.replace("serviceName: redis", "serviceName: re$0dis"));
        assert_eq!(on_value, Some((FieldName::ServiceName, "redis".to_owned(), true)));
        let on_key = resolve(&SET.replace("replicas", "repl$0icas"));
        assert_eq!(on_key, Some((FieldName::Replicas, "replicas".to_owned(), false)));
        assert_eq!(resolve(&SET.replace("kind:", "ki$0nd:")), None);
    }

    #[test]
    fn an_empty_value_is_typed_anywhere_after_its_key() {
        let marked = SET.replace("serviceName: redis", "serviceName:  $0");
        let (snapshot, file, offset) = cursor_snapshot(&marked);
        let cursor = Cursor::at(&snapshot, file, offset).expect("an object");
        assert!(cursor.typing_value_of(FieldName::ServiceName).is_some());
        assert!(cursor.typing_value_of(FieldName::Replicas).is_none());
    }
}
