//! Volume claims of a StatefulSet: the hover card on a
//! `volumeClaimTemplates[].metadata.name` (each pod's claim name, the
//! namespace, and that claims outlive their pods), and go to definition from
//! a PersistentVolume's `spec.claimRef` or a PersistentVolumeClaim named
//! `<claim>-<set>-<n>` to the claim template that makes it.
//!
//! Plain data like the rest of `ide`; the names come from `names.rs`.

use std::fmt::Write;

use super::cursor::Cursor;
use super::hover::{namespace_source, HoverResult};
use super::names::{Listing, StatefulSetNames};
use super::navigation::NavigationTarget;
use crate::model::{claim_template_of, Field};
use crate::workspace::{ObjectView, Snapshot};

/// The claim template whose `metadata.name` (key or value) holds the cursor.
fn template_at<'a>(cursor: &Cursor<'a>) -> Option<&'a Field> {
    let relative = cursor.object.document.relative(cursor.offset)?;
    let set = cursor.object.stateful_set()?;
    set.volume_claim_templates.iter().find(|name| name.entry_range().contains_inclusive(relative))
}

/// The card for a claim template's name, if the cursor is on one.
pub(crate) fn hover(snapshot: &Snapshot, cursor: &Cursor<'_>) -> Option<HoverResult> {
    let template = template_at(cursor)?;
    let stateful_set = &cursor.object;
    let names = StatefulSetNames::of(snapshot, stateful_set)?;
    let claim = template.as_str()?;
    // As for the other fields: the value when the cursor is on it, else the key.
    let relative = stateful_set.document.relative(cursor.offset)?;
    let on_value = !template.value.is_empty() && template.value.contains_inclusive(relative);
    let range = stateful_set.absolute(if on_value { template.value } else { template.key });
    let mut out = String::new();
    let _ = writeln!(out, "### Volume claim `{claim}` of StatefulSet `{}`\n", names.name);
    match names.last() {
        None => {
            let _ =
                writeln!(out, "No claim is made while `replicas` is 0; those of earlier pods stay as said below.\n");
        }
        Some(last) => {
            let plural = if names.count == 1 { "" } else { "s" };
            let _ =
                writeln!(out, "**{} claim{plural}**, one per pod (ordinals {}–{last}):\n", names.count, names.first);
            let item = |ordinal: i64| format!("- `{}`", names.claim(claim, ordinal));
            match Listing::of(names.ordinals()) {
                Listing::All(ordinals) => ordinals.for_each(|ordinal| {
                    let _ = writeln!(out, "{}", item(ordinal));
                }),
                Listing::Abbreviated { head, tail } => {
                    head.for_each(|ordinal| {
                        let _ = writeln!(out, "{}", item(ordinal));
                    });
                    let _ = writeln!(out, "- …");
                    tail.for_each(|ordinal| {
                        let _ = writeln!(out, "{}", item(ordinal));
                    });
                    let _ =
                        writeln!(out, "\nPattern: `{}`, ordinal {} to {last}", names.claim_pattern(claim), names.first);
                }
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "Namespace `{}` ({}).\n", names.namespace, namespace_source(snapshot, stateful_set));
    let _ = writeln!(out, "---\n");
    retention(stateful_set, &mut out);
    Some(HoverResult { range, markdown: out })
}

/// What happens to the claims when the StatefulSet is deleted or scaled
/// down: by default nothing, and a pod that comes back mounts its old claim.
fn retention(stateful_set: &ObjectView<'_>, out: &mut String) {
    let Some(set) = stateful_set.stateful_set() else { return };
    let policy = |field: &Option<Field>| field.as_ref().and_then(Field::as_str).map(str::to_owned);
    let (when_deleted, when_scaled) = (policy(&set.claims_when_deleted), policy(&set.claims_when_scaled));
    if when_deleted.is_none() && when_scaled.is_none() {
        let _ = writeln!(
            out,
            "- Claims outlive their pods: deleting the StatefulSet or scaling it down keeps them \
             (`persistentVolumeClaimRetentionPolicy` is `Retain` when unset), and a pod that comes back \
             mounts its old claim again."
        );
        return;
    }
    let says = |value: &Option<String>, event: &str| match value.as_deref() {
        Some("Delete") => format!("`Delete`: {event} deletes the claims"),
        Some("Retain") | None => format!("`Retain`: {event} keeps the claims"),
        Some(other) => format!("`{other}`: not a policy the API knows (`Retain` or `Delete`)"),
    };
    let _ = writeln!(
        out,
        "- `persistentVolumeClaimRetentionPolicy`: `whenDeleted` {}; `whenScaled` {}.",
        says(&when_deleted, "deleting the StatefulSet"),
        says(&when_scaled, "scaling down")
    );
    let _ = writeln!(out, "- A kept claim is mounted again by the pod of the same ordinal when it comes back.");
}

/// The claim name and namespace under the cursor: a PersistentVolume's
/// `spec.claimRef.name` (namespace from `claimRef.namespace`, else the
/// default namespace), or a PersistentVolumeClaim's `metadata.name`.
fn claim_at<'a>(snapshot: &'a Snapshot, cursor: &Cursor<'a>) -> Option<(&'a str, &'a str)> {
    let relative = cursor.object.document.relative(cursor.offset)?;
    let object = cursor.object.object;
    if let Some(claim_ref) = object.claim_ref() {
        let name = claim_ref.name.as_ref().filter(|name| name.entry_range().contains_inclusive(relative))?;
        // A PersistentVolume has no namespace of its own: an unnamed
        // `claimRef.namespace` is where the claim would be created.
        let namespace =
            claim_ref.namespace.as_ref().and_then(Field::as_str).unwrap_or(snapshot.config.default_namespace.as_str());
        return Some((name.as_str()?, namespace));
    }
    if object.kind() == "PersistentVolumeClaim" {
        let name = object.name.as_ref().filter(|name| name.value.contains_inclusive(relative))?;
        return Some((name.as_str()?, cursor.object.namespace()));
    }
    None
}

/// The claim templates that make the claim under the cursor, in its
/// namespace. Any ordinal counts, in the range of pods or not: claims outlive
/// the pods that scaled away, and such a claim is still that template's.
/// `None` when the cursor is on no claim name.
pub(crate) fn goto_definition(snapshot: &Snapshot, cursor: &Cursor<'_>) -> Option<Vec<NavigationTarget>> {
    let (claim, namespace) = claim_at(snapshot, cursor)?;
    let mut targets = Vec::new();
    for stateful_set in snapshot.stateful_sets().filter(|set| set.namespace() == namespace) {
        let Some(set) = stateful_set.stateful_set() else { continue };
        for template in &set.volume_claim_templates {
            let Some(template_name) = template.as_str() else { continue };
            if claim_template_of(claim, template_name, stateful_set.name()).is_some() {
                targets.push(NavigationTarget {
                    file: stateful_set.id.file,
                    range: stateful_set.absolute(stateful_set.object.range),
                    focus_range: stateful_set.absolute(template.value),
                });
            }
        }
    }
    Some(targets)
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::checks::fixture::cursor_snapshot;

    fn check_hover(fixture: &str, expect: Expect) {
        let (snapshot, file, offset) = cursor_snapshot(fixture);
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let actual = match crate::ide::hover(&snapshot, &diagnostics, file, offset) {
            Some(hover) => {
                let source = snapshot.file(file).expect("file");
                format!("range: {:?}\n{}", &source.text[hover.range.as_range()], hover.markdown)
            }
            None => "no hover".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    /// Each target as `path:line: focus text`.
    fn check_definition(fixture: &str, expect: Expect) {
        let (snapshot, file, offset) = cursor_snapshot(fixture);
        let targets = crate::ide::goto_definition(&snapshot, file, offset);
        let actual: Vec<String> = targets
            .iter()
            .map(|target| {
                let source = snapshot.file(target.file).expect("file");
                let line = source.line_index().line_of(target.focus_range.start) + 1;
                format!("{}:{line}: {}", source.path.display(), &source.text[target.focus_range.as_range()])
            })
            .collect();
        expect.assert_eq(&actual.join("\n"));
    }

    const SETS: &str = r#"
#- /app/db.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec: {accessModes: [ReadWriteOnce]}
    - metadata: {name: wal}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: other}
spec:
  serviceName: db
  volumeClaimTemplates:
    - metadata: {name: data}
#- /app/storage.yaml
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  claimRef: {name: data-db-1, namespace: shop}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: wal-db-7, namespace: shop}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data-db-1}
"#;

    #[test]
    fn hover_on_a_claim_template_lists_each_pods_claim() {
        check_hover(
            &SETS.replace("name: data\n", "name: da$0ta\n"),
            expect![[r#"
                range: "data"
                ### Volume claim `data` of StatefulSet `db`

                **3 claims**, one per pod (ordinals 0–2):

                - `data-db-0`
                - `data-db-1`
                - `data-db-2`

                Namespace `shop` (from `metadata.namespace`).

                ---

                - Claims outlive their pods: deleting the StatefulSet or scaling it down keeps them (`persistentVolumeClaimRetentionPolicy` is `Retain` when unset), and a pod that comes back mounts its old claim again.
            "#]],
        );
    }

    #[test]
    fn hover_on_the_key_of_a_flow_template_works_too() {
        check_hover(
            &SETS.replace("- metadata: {name: wal}", "- metadata: {na$0me: wal}"),
            expect![[r#"
                range: "name"
                ### Volume claim `wal` of StatefulSet `db`

                **3 claims**, one per pod (ordinals 0–2):

                - `wal-db-0`
                - `wal-db-1`
                - `wal-db-2`

                Namespace `shop` (from `metadata.namespace`).

                ---

                - Claims outlive their pods: deleting the StatefulSet or scaling it down keeps them (`persistentVolumeClaimRetentionPolicy` is `Retain` when unset), and a pod that comes back mounts its old claim again.
            "#]],
        );
    }

    #[test]
    fn many_claims_are_abbreviated_and_the_retention_policy_is_read() {
        check_hover(
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 50
  ordinals: {start: 1}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}
  volumeClaimTemplates:
    - metadata: {name: cac$0he}
"#,
            expect![[r#"
                range: "cache"
                ### Volume claim `cache` of StatefulSet `web`

                **50 claims**, one per pod (ordinals 1–50):

                - `cache-web-1`
                - `cache-web-2`
                - `cache-web-3`
                - …
                - `cache-web-49`
                - `cache-web-50`

                Pattern: `cache-web-<ordinal>`, ordinal 1 to 50

                Namespace `default` (no `metadata.namespace`: the default namespace).

                ---

                - `persistentVolumeClaimRetentionPolicy`: `whenDeleted` `Delete`: deleting the StatefulSet deletes the claims; `whenScaled` `Retain`: scaling down keeps the claims.
                - A kept claim is mounted again by the pod of the same ordinal when it comes back.
            "#]],
        );
    }

    #[test]
    fn no_claims_while_replicas_is_zero_and_an_unknown_policy_is_named() {
        check_hover(
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
spec:
  replicas: 0
  persistentVolumeClaimRetentionPolicy: {whenScaled: Keep}
  volumeClaimTemplates:
    - metadata:
        na$0me: cache
"#,
            expect![[r#"
                range: "name"
                ### Volume claim `cache` of StatefulSet `web`

                No claim is made while `replicas` is 0; those of earlier pods stay as said below.

                Namespace `shop` (from `metadata.namespace`).

                ---

                - `persistentVolumeClaimRetentionPolicy`: `whenDeleted` `Retain`: deleting the StatefulSet keeps the claims; `whenScaled` `Keep`: not a policy the API knows (`Retain` or `Delete`).
                - A kept claim is mounted again by the pod of the same ordinal when it comes back.
            "#]],
        );
    }

    #[test]
    fn definition_from_a_claim_ref_goes_to_the_template_of_its_namespace() {
        check_definition(
            &SETS.replace("claimRef: {name: data-db-1", "claimRef: {name: data-d$0b-1"),
            expect!["/app/db.yaml:11: data"],
        );
    }

    #[test]
    fn definition_from_a_claim_takes_any_ordinal() {
        // Ordinal 7 is past `replicas: 3`: a claim left by a scale-down is
        // still the template's.
        check_definition(&SETS.replace("name: wal-db-7", "name: wal-$0db-7"), expect!["/app/db.yaml:13: wal"]);
        // A claim with no namespace is in the default namespace, where no
        // StatefulSet `db` makes claims.
        check_definition(&SETS.replace("name: data-db-1}", "name: data-$0db-1}"), expect![[r#""#]]);
    }

    #[test]
    fn a_claim_ref_without_namespace_and_other_places_give_nothing() {
        check_definition(
            &SETS.replace("claimRef: {name: data-db-1, namespace: shop}", "claimRef: {name: data-d$0b-1}"),
            expect![[r#""#]],
        );
        check_definition(&SETS.replace("name: pv-1", "name: p$0v-1"), expect![[r#""#]]);
        check_hover(&SETS.replace("accessModes", "access$0Modes"), expect![[r#"no hover"#]]);
    }
}
