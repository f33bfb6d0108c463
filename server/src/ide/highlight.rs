//! Document highlight on the names of a tie: on a StatefulSet's
//! `serviceName` or a Service's `metadata.name`, the Service's name (where it
//! is defined) and every `serviceName` of that namespace naming it, in the
//! one file asked about; on a StatefulSet's own name, that name. Without it
//! an editor highlights every equal word, comments and paths included.
//!
//! It resolves names, not words: a `redis` in a label or an image is not the
//! Service `redis`.

use super::cursor::{Cursor, FieldName};
use crate::checks::Diagnostics;
use crate::syntax::TextRange;
use crate::workspace::{FileId, Snapshot};

/// How a highlighted place uses the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    /// Where the name is declared: an object's `metadata.name`.
    Definition,
    /// Where it is used: a `serviceName` naming the Service.
    Reference,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub kind: HighlightKind,
}

/// The places in `file` that name what the cursor is on, in file order;
/// empty where the cursor is on no name of a tie.
/// `diagnostics`, the workspace's, narrow the search for peer addresses.
pub fn highlights(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, offset: usize) -> Vec<Highlight> {
    let mut found = tie_highlights(snapshot, file, offset);
    // The peer addresses (`redis-0.redis` in a string) that name the object.
    if let Some(object) = super::peer_addresses::named_object_at(snapshot, file, offset) {
        if object.id.file == file && !found.iter().any(|highlight| highlight.range == object.anchor_range()) {
            found.push(Highlight { range: object.anchor_range(), kind: HighlightKind::Definition });
        }
        for (in_file, range) in super::peer_addresses::references_to(snapshot, Some(diagnostics), &object) {
            if in_file == file {
                found.push(Highlight { range, kind: HighlightKind::Reference });
            }
        }
    }
    found.sort_by_key(|highlight| (highlight.range.start, highlight.range.end));
    found.dedup();
    found
}

fn tie_highlights(snapshot: &Snapshot, file: FileId, offset: usize) -> Vec<Highlight> {
    let Some(cursor) = Cursor::at(snapshot, file, offset) else { return Vec::new() };
    let Some(at) = cursor.field_at().filter(|at| at.on_value) else { return Vec::new() };
    let object = cursor.object;
    let service_name = match at.name {
        FieldName::ServiceName => object.stateful_set().and_then(|set| set.service_name()),
        FieldName::Name if object.service().is_some() => Some(object.name()),
        FieldName::Name if object.stateful_set().is_some() => {
            return vec![Highlight { range: object.anchor_range(), kind: HighlightKind::Definition }];
        }
        _ => None,
    };
    let Some(service_name) = service_name.filter(|name| !name.is_empty()) else { return Vec::new() };
    let namespace = object.namespace();
    // A whole-file walk, not the index: a `serviceName` naming no Service
    // has no entry to start from, and the highlights are of one file.
    let mut found = Vec::new();
    for candidate in snapshot.objects_in_file(file) {
        if candidate.namespace() != namespace {
            continue;
        }
        if candidate.service().is_some() && candidate.name() == service_name {
            if let Some(field) = candidate.object.name.as_ref().filter(|field| field.is_scalar) {
                found.push(Highlight { range: candidate.absolute(field.value), kind: HighlightKind::Definition });
            }
        } else if let Some(set) = candidate.stateful_set() {
            if set.service_name() == Some(service_name) {
                if let Some(field) = &set.service_name {
                    found.push(Highlight { range: candidate.absolute(field.value), kind: HighlightKind::Reference });
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::HighlightKind;
    use crate::checks::fixture::cursor_snapshot;

    /// The file with each highlight bracketed: `«definition»`, `‹reference›`.
    fn check(fixture: &str, expect: Expect) {
        let (snapshot, file, offset) = cursor_snapshot(fixture);
        let mut text = snapshot.file(file).expect("file").text.clone();
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        for highlight in super::highlights(&snapshot, &diagnostics, file, offset).iter().rev() {
            let (open, close) = match highlight.kind {
                HighlightKind::Definition => ("«", "»"),
                HighlightKind::Reference => ("‹", "›"),
            };
            text.insert_str(highlight.range.end, close);
            text.insert_str(highlight.range.start, open);
        }
        expect.assert_eq(&text);
    }

    const FILE: &str = r#"
#- /app/redis.yaml
# The Service redis, for the StatefulSet redis.
apiVersion: v1
kind: Service
metadata:
  name: redis
spec: {clusterIP: None, selector: {app: redis}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  template: {spec: {containers: [{name: redis, image: redis}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis-elsewhere, namespace: other}
spec:
  serviceName: redis
"#;

    #[test]
    fn the_service_name_highlights_its_definition_and_references_in_its_namespace() {
        let expected = || {
            expect![[r#"
            # The Service redis, for the StatefulSet redis.
            apiVersion: v1
            kind: Service
            metadata:
              name: «redis»
            spec: {clusterIP: None, selector: {app: redis}}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: redis}
            spec:
              serviceName: ‹redis›
              template: {spec: {containers: [{name: redis, image: redis}]}}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: redis-elsewhere, namespace: other}
            spec:
              serviceName: redis
        "#]]
        };
        check(&FILE.replacen("serviceName: redis", "serviceName: re$0dis", 1), expected());
        check(&FILE.replacen("  name: redis", "  name: red$0is", 1), expected());
    }

    #[test]
    fn a_stateful_set_name_highlights_itself_and_other_places_nothing() {
        check(
            &FILE.replacen("{name: redis}", "{name: $0redis}", 1),
            expect![[r#"
                # The Service redis, for the StatefulSet redis.
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis
                spec: {clusterIP: None, selector: {app: redis}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: «redis»}
                spec:
                  serviceName: redis
                  template: {spec: {containers: [{name: redis, image: redis}]}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis-elsewhere, namespace: other}
                spec:
                  serviceName: redis
            "#]],
        );
        let on_image = FILE.replace("image: redis", "image: re$0dis");
        let (snapshot, file, offset) = cursor_snapshot(&on_image);
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        assert_eq!(super::highlights(&snapshot, &diagnostics, file, offset), Vec::new());
    }

    #[test]
    fn a_service_name_naming_no_service_highlights_the_others_that_name_it() {
        check(
            &(FILE.replace("  name: redis\n", "  name: cache\n").replacen("serviceName: redis", "serviceName: $0redis", 1)
                + "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis-2}\nspec: {serviceName: redis}\n"),
            expect![[r#"
                # The Service redis, for the StatefulSet redis.
                apiVersion: v1
                kind: Service
                metadata:
                  name: cache
                spec: {clusterIP: None, selector: {app: redis}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: ‹redis›
                  template: {spec: {containers: [{name: redis, image: redis}]}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis-elsewhere, namespace: other}
                spec:
                  serviceName: redis
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis-2}
                spec: {serviceName: ‹redis›}
            "#]],
        );
    }
}
