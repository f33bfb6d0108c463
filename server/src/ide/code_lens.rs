//! Code lens: "N references" on each StatefulSet and Service, the places on
//! the other side of its tie (a Service's governed StatefulSets'
//! `serviceName` values, a StatefulSet's governing Service's name) and the
//! peer addresses inside strings that name it. The client
//! runs its references view with them.
//!
//! A client asks for a whole document's lenses and has no way to say which
//! part it shows, so the lenses come in two steps, as rust-analyzer's do:
//! where they are (`document_lens_places`, the names alone, cheap on a huge
//! file), then each one's references for the range the client resolves
//! (`code_lenses`), which is what it shows.
//!
//! It knows which places refer to an object, not how a client shows them.

use super::cursor::objects_overlapping;
use crate::checks::Diagnostics;
use crate::syntax::TextRange;
use crate::workspace::{DocumentSlot, FileId, ObjectView, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The object's name (or its `kind` when it has none): where the lens
    /// shows and where the references view opens.
    pub range: TextRange,
    /// `1 reference`, `3 references`.
    pub title: String,
    pub references: Vec<(FileId, TextRange)>,
}

/// The lenses of the StatefulSets and Services whose name lies in `range`.
/// `diagnostics`, the workspace's, narrow the search for peer addresses.
pub fn code_lenses(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, range: TextRange) -> Vec<CodeLens> {
    objects_overlapping(snapshot, file, range)
        .filter_map(|object| {
            let references = references(snapshot, diagnostics, &object)?;
            let anchor = object.anchor_range();
            range.contains_inclusive(anchor.start).then(|| CodeLens {
                range: anchor,
                title: match references.len() {
                    1 => "1 reference".to_owned(),
                    count => format!("{count} references"),
                },
                references,
            })
        })
        .collect()
}

/// Whether `file`'s StatefulSets and Services get lenses: not in a
/// kustomize patch, whose objects are not objects of the workspace.
pub fn has_code_lenses(snapshot: &Snapshot, file: FileId) -> bool {
    !snapshot.index.patch_files.contains(&file)
}

/// Where the lenses of one document go, in order: the name of each
/// StatefulSet and Service (see `has_code_lenses` for the file).
pub fn document_lens_places(slot: &DocumentSlot) -> impl Iterator<Item = TextRange> + '_ {
    slot.objects
        .iter()
        .filter(|object| object.stateful_set().is_some() || object.service().is_some())
        .map(|object| slot.absolute(object.anchor()))
}

/// The places that refer to a StatefulSet or a Service; `None` for other
/// kinds, which get no lens.
fn references(
    snapshot: &Snapshot,
    diagnostics: &Diagnostics,
    object: &ObjectView<'_>,
) -> Option<Vec<(FileId, TextRange)>> {
    let mut references: Vec<(FileId, TextRange)> = if object.stateful_set().is_some() {
        let service = snapshot.governing_service(object);
        service.map(|service| (service.id.file, service.anchor_range())).into_iter().collect()
    } else {
        object.service()?;
        snapshot
            .governed_stateful_sets(object)
            .iter()
            .filter_map(|stateful_set| {
                let field = stateful_set.stateful_set()?.service_name.as_ref()?;
                Some((stateful_set.id.file, stateful_set.absolute(field.value)))
            })
            .collect()
    };
    // And the peer addresses in strings that name it.
    references.extend(super::peer_addresses::references_to(snapshot, Some(diagnostics), object));
    Some(references)
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::checks::fixture::cursor_snapshot;
    use crate::syntax::TextRange;

    /// Each lens as `title @ name → path:text, …`, for the range from `$0`
    /// to the end of the file.
    fn check(fixture: &str, expect: Expect) {
        let (snapshot, file, offset) = cursor_snapshot(fixture);
        let text_of = |file, range: TextRange| {
            let source = snapshot.file(file).expect("file");
            format!("{}:{}", source.path.display(), &source.text[range.as_range()])
        };
        let len = snapshot.file(file).expect("file").text.len();
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let lenses: Vec<String> = super::code_lenses(&snapshot, &diagnostics, file, TextRange::new(offset, len))
            .into_iter()
            .map(|lens| {
                let references: Vec<String> =
                    lens.references.iter().map(|&(file, range)| text_of(file, range)).collect();
                format!("{} @ {} → {}", lens.title, text_of(file, lens.range), references.join(", "))
            })
            .collect();
        expect.assert_eq(&lenses.join("\n"));
    }

    const FILES: &str = r#"
#- /app/service.yaml
$0apiVersion: v1
kind: Service
metadata:
  name: redis
spec: {clusterIP: None, selector: {app: redis}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: redis-config}
---
apiVersion: v1
kind: Service
metadata: {name: lonely}
#- /app/set.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis-replica}
spec:
  serviceName: 'redis'
"#;

    #[test]
    fn services_count_the_stateful_sets_they_govern_and_other_kinds_get_none() {
        check(
            FILES,
            expect![[r#"
                2 references @ /app/service.yaml:redis → /app/set.yaml:redis, /app/set.yaml:'redis'
                0 references @ /app/service.yaml:lonely → "#]],
        );
    }

    #[test]
    fn a_stateful_set_refers_to_its_governing_service() {
        let marked = FILES.replace("$0", "").replace("#- /app/set.yaml\n", "#- /app/set.yaml\n$0");
        check(
            &marked.replace("serviceName: 'redis'", "serviceName: nowhere"),
            expect![[r#"
                1 reference @ /app/set.yaml:redis → /app/service.yaml:redis
                0 references @ /app/set.yaml:redis-replica → "#]],
        );
    }

    #[test]
    fn the_places_are_the_names_of_the_stateful_sets_and_services() {
        let (snapshot, file, _) = cursor_snapshot(FILES);
        let source = snapshot.file(file).expect("file");
        let places: Vec<&str> = source
            .documents
            .iter()
            .flat_map(super::document_lens_places)
            .map(|range| &source.text[range.as_range()])
            .collect();
        assert_eq!(places, ["redis", "lonely"]);
    }

    #[test]
    fn objects_outside_the_range_get_none() {
        check(
            &FILES.replace("$0", "").replace("kind: ConfigMap", "kind: ConfigMap$0"),
            expect!["0 references @ /app/service.yaml:lonely → "],
        );
    }
}
