//! Inlay hints: after a StatefulSet's `serviceName` value, the state of the
//! link and its pods (` headless · redis-0…redis-2`, ` not headless`); after
//! `replicas`, the ordinals when `ordinals.start` is not 0; after a Service's
//! `metadata.name`, the StatefulSets it governs. Plain labels at byte
//! offsets, for the requested range only.
//!
//! Whether a Service exists and is headless is read off the snapshot (a fact
//! of the manifests, shown even when a rule is switched off); whether its
//! selector picks the pods is the diagnostics' judgement, not computed again.

use super::cursor::objects_overlapping;
use crate::checks::{Code, Diagnostics};
use crate::syntax::TextRange;
use crate::workspace::{FileId, ObjectView, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: right after the value it is about.
    pub offset: usize,
    /// The text, without the space before it (the client pads it).
    pub label: String,
}

/// Governed StatefulSets named one by one up to this many; beyond it a count.
const NAME_UP_TO: usize = 3;

/// The hints whose place lies in `range` of `file`.
pub fn inlay_hints(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, range: TextRange) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    for object in objects_overlapping(snapshot, file, range) {
        if object.stateful_set().is_some() {
            stateful_set_hints(snapshot, diagnostics, &object, &mut hints);
        } else if object.service().is_some() {
            service_hint(snapshot, &object, &mut hints);
        }
    }
    hints.retain(|hint| range.contains_inclusive(hint.offset));
    hints
}

fn stateful_set_hints(
    snapshot: &Snapshot,
    diagnostics: &Diagnostics,
    stateful_set: &ObjectView<'_>,
    hints: &mut Vec<InlayHint>,
) {
    let Some(set) = stateful_set.stateful_set() else { return };
    if let (Some(field), Some(_)) = (&set.service_name, set.service_name()) {
        let value = stateful_set.absolute(field.value);
        let label = match snapshot.governing_service(stateful_set) {
            None => "no such Service".to_owned(),
            Some(service) if !service.service().is_some_and(|spec| spec.is_headless()) => "not headless".to_owned(),
            Some(_) if has_finding(diagnostics, stateful_set, value, Code::SelectorMismatch) => {
                "headless · selects none of the pods".to_owned()
            }
            Some(_) => format!("headless · {}", pods(stateful_set)),
        };
        hints.push(InlayHint { offset: value.end, label });
    }
    if let Some(field) = &set.replicas {
        let first = set.first_ordinal();
        if first != 0 && field.is_scalar {
            let count = set.replica_count();
            let label = match count {
                0 => "no pods".to_owned(),
                1 => format!("ordinal {first}"),
                _ => format!("ordinals {first}…{}", first + count - 1),
            };
            hints.push(InlayHint { offset: stateful_set.absolute(field.value).end, label });
        }
    }
}

/// `redis-0…redis-2`, `redis-0`, or `no pods`.
fn pods(stateful_set: &ObjectView<'_>) -> String {
    let Some(set) = stateful_set.stateful_set() else { return String::new() };
    let name = stateful_set.name();
    let first = set.first_ordinal();
    match set.replica_count() {
        0 => "no pods".to_owned(),
        1 => format!("{name}-{first}"),
        count => format!("{name}-{first}…{name}-{}", first + count - 1),
    }
}

/// Whether the diagnostics hold a finding of `code` about `stateful_set` that
/// starts inside `range`. Findings are sorted by position, so this is a
/// binary search and a short walk, not a pass over a huge file's findings.
fn has_finding(diagnostics: &Diagnostics, stateful_set: &ObjectView<'_>, range: TextRange, code: Code) -> bool {
    let findings = diagnostics.file(stateful_set.id.file);
    let first = findings.partition_point(|finding| finding.range.start < range.start);
    findings[first..]
        .iter()
        .take_while(|finding| finding.range.start <= range.end)
        .any(|finding| finding.code == code && finding.stateful_set == Some(stateful_set.id))
}

fn service_hint(snapshot: &Snapshot, service: &ObjectView<'_>, hints: &mut Vec<InlayHint>) {
    let Some(field) = service.object.name.as_ref().filter(|field| field.is_scalar && !field.value.is_empty()) else {
        return;
    };
    let governed = snapshot.governed_stateful_sets(service);
    if governed.is_empty() {
        return;
    }
    // Copies of one StatefulSet (the same manifest in two overlays) are one
    // name to the reader.
    let mut names: Vec<&str> = Vec::new();
    for stateful_set in &governed {
        if !names.contains(&stateful_set.name()) {
            names.push(stateful_set.name());
        }
    }
    let mut label = format!("governs {}", names.iter().take(NAME_UP_TO).copied().collect::<Vec<_>>().join(", "));
    if names.len() > NAME_UP_TO {
        label.push_str(&format!(" +{}", names.len() - NAME_UP_TO));
    }
    hints.push(InlayHint { offset: service.absolute(field.value).end, label });
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::checks::fixture::cursor_snapshot;
    use crate::syntax::TextRange;

    /// The file with each hint written in at its place as `⟨label⟩`, for the
    /// range from `$0` to the end of the file.
    fn check(fixture: &str, expect: Expect) {
        let (snapshot, file, offset) = cursor_snapshot(fixture);
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let text = &snapshot.file(file).expect("file").text;
        let hints = super::inlay_hints(&snapshot, &diagnostics, file, TextRange::new(offset, text.len()));
        let mut rendered = text.clone();
        for hint in hints.iter().rev() {
            rendered.insert_str(hint.offset, &format!("⟨{}⟩", hint.label));
        }
        expect.assert_eq(&rendered);
    }

    const PAIR: &str = r#"
#- /app/redis.yaml
$0apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector: {app: redis}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#;

    #[test]
    fn a_healthy_link_shows_its_pods_and_the_service_what_it_governs() {
        check(
            PAIR,
            expect![[r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis⟨governs redis⟩
                spec:
                  clusterIP: None
                  selector: {app: redis}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis⟨headless · redis-0…redis-2⟩
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template: {metadata: {labels: {app: redis}}}
            "#]],
        );
    }

    #[test]
    fn a_broken_link_says_what_is_wrong() {
        check(
            &PAIR.replace("  clusterIP: None\n", ""),
            expect![[r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis⟨governs redis⟩
                spec:
                  selector: {app: redis}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis⟨not headless⟩
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template: {metadata: {labels: {app: redis}}}
            "#]],
        );
        check(
            &PAIR.replace("selector: {app: redis}", "selector: {app: cache}"),
            expect![[r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis⟨governs redis⟩
                spec:
                  clusterIP: None
                  selector: {app: cache}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis⟨headless · selects none of the pods⟩
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template: {metadata: {labels: {app: redis}}}
            "#]],
        );
        check(
            &PAIR.replace("serviceName: redis", "serviceName: nowhere"),
            expect![[r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis
                spec:
                  clusterIP: None
                  selector: {app: redis}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: nowhere⟨no such Service⟩
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template: {metadata: {labels: {app: redis}}}
            "#]],
        );
    }

    #[test]
    fn replicas_show_the_ordinals_only_when_they_do_not_start_at_0() {
        check(
            &PAIR.replace("  replicas: 3\n", "  replicas: 3\n  ordinals: {start: 5}\n"),
            expect![[r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis⟨governs redis⟩
                spec:
                  clusterIP: None
                  selector: {app: redis}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis⟨headless · redis-5…redis-7⟩
                  replicas: 3⟨ordinals 5…7⟩
                  ordinals: {start: 5}
                  selector: {matchLabels: {app: redis}}
                  template: {metadata: {labels: {app: redis}}}
            "#]],
        );
    }

    #[test]
    fn only_the_requested_range_gets_hints() {
        // From the StatefulSet's document on: the Service's name is outside.
        check(
            &PAIR.replace("$0", "").replace("---\n", "---\n$0"),
            expect![[r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis
                spec:
                  clusterIP: None
                  selector: {app: redis}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis⟨headless · redis-0…redis-2⟩
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template: {metadata: {labels: {app: redis}}}
            "#]],
        );
    }

    #[test]
    fn a_kustomize_patch_gets_no_hints() {
        // A patch is a partial object: its `serviceName` names a Service the
        // build has, not one of the patch's own namespace.
        check(
            r#"
#- /app/kustomization.yaml
resources: [set.yaml]
patchesStrategicMerge: [patch.yaml]
#- /app/patch.yaml
$0apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  ordinals: {start: 1}
"#,
            expect![[r#"
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis
                  replicas: 3
                  ordinals: {start: 1}
            "#]],
        );
    }
}
