//! Editor features on peer addresses (DNS names inside strings): the
//! reference under the cursor, its hover card, where its labels are defined,
//! and the references to a StatefulSet or Service. It reads the resolution
//! the `dns-name-*` rules read (`checks::references`), so they agree.

use std::fmt::Write;

use crate::checks::references::{Problem, Reference, Resolution};
use crate::checks::Diagnostics;
use crate::model::AddressKind;
use crate::syntax::TextRange;
use crate::workspace::{FileId, ObjectId, ObjectView, Snapshot};

/// The reference whose name holds `offset`, resolved.
pub(crate) fn reference_at(
    snapshot: &Snapshot,
    file: FileId,
    offset: usize,
) -> Option<(Reference<'_>, Resolution<'_>)> {
    let object = snapshot.object_at(file, offset)?;
    let reference = Reference::of_object(snapshot, object)
        .into_iter()
        .find(|reference| reference.range().contains_inclusive(offset))?;
    let resolution = reference.resolve(snapshot);
    Some((reference, resolution))
}

/// Markdown on what a reference names and whether it resolves.
pub(crate) fn hover_card(snapshot: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>) -> String {
    let mut out = String::new();
    let service = reference.label(&reference.address.service);
    let _ = match &reference.address.kind {
        AddressKind::Pod { stateful_set, ordinal } => writeln!(
            out,
            "**pod** `{set}-{ordinal}` of StatefulSet `{set}`, through Service `{service}`, namespace `{}`\n",
            resolution.namespace,
            set = reference.label(stateful_set),
        ),
        AddressKind::ThisPod => writeln!(
            out,
            "**this pod** of StatefulSet `{}`, through Service `{service}`, namespace `{}`\n",
            reference.object.name(),
            resolution.namespace
        ),
        AddressKind::Service => writeln!(out, "**Service** `{service}`, namespace `{}`\n", resolution.namespace),
        AddressKind::Srv(srv) => writeln!(
            out,
            "**SRV name** of port `{}` ({}) of Service `{service}`, namespace `{}`\n",
            reference.label(&srv.port),
            reference.label(&srv.protocol),
            resolution.namespace
        ),
    };
    let _ = writeln!(out, "`{}`\n", reference.full_name(snapshot, resolution));
    let why = match &resolution.problem {
        _ if resolution.broken_tie => {
            "does not resolve: the StatefulSet's tie to its Service is broken (see its finding)".to_owned()
        }
        Some(Problem::Unknown { stateful_set, closest }) => format!(
            "does not resolve: no {} of that name in the workspace{}",
            if *stateful_set { "StatefulSet" } else { "Service" },
            closest.as_ref().map_or(String::new(), |closest| format!("; did you mean `{closest}`?"))
        ),
        Some(Problem::WrongNamespace { expected }) => format!("does not resolve: it lives in namespace `{expected}`"),
        Some(Problem::WrongService { expected: Some(expected) }) => {
            format!("does not resolve: its pods have names under Service `{expected}` only")
        }
        Some(Problem::WrongService { expected: None }) => {
            "does not resolve: the StatefulSet has no `serviceName`".to_owned()
        }
        Some(Problem::OrdinalOutOfRange { first, count, .. }) => {
            format!("does not resolve: the StatefulSet runs {}", crate::checks::pods_phrase(*first, *count))
        }
        Some(Problem::UnknownPort) => "does not resolve: the Service names no such port".to_owned(),
        None if resolution.wrong_domain.is_some() => {
            format!("does not resolve: the cluster domain is `{}`", snapshot.config.cluster_domain)
        }
        None => "resolves once the pod is running and Ready".to_owned(),
    };
    let _ = writeln!(out, "{why}");
    out
}

/// The object a label of the reference at `offset` names: the StatefulSet
/// on the pod label, the Service on the Service label.
pub(crate) fn definition<'a>(
    snapshot: &'a Snapshot,
    reference: &Reference<'a>,
    resolution: &Resolution<'a>,
    offset: usize,
) -> Option<ObjectView<'a>> {
    let on = |range: TextRange| reference.object.absolute(range).contains_inclusive(offset);
    match &reference.address.kind {
        AddressKind::Pod { stateful_set, .. } if on(stateful_set.range()) => resolution.stateful_set.or_else(|| {
            snapshot.index.stateful_sets_named(reference.label(stateful_set)).find_map(|indexed| snapshot.view(indexed))
        }),
        _ if on(reference.address.service.range()) => resolution.service.or_else(|| {
            snapshot
                .index
                .services_named(reference.label(&reference.address.service))
                .find_map(|indexed| snapshot.view(indexed))
        }),
        _ => None,
    }
}

/// Every reference in the workspace that names `object` (a StatefulSet's
/// pods or a Service), with the range of the label that names it, in file
/// order. Only the addresses that spell its name are resolved; with the
/// workspace's `diagnostics`, only the documents that mention the name are
/// looked at (without, every object is).
pub(crate) fn references_to(
    snapshot: &Snapshot,
    diagnostics: Option<&Diagnostics>,
    object: &ObjectView<'_>,
) -> Vec<(FileId, TextRange)> {
    let name = object.name();
    let mut found = Vec::new();
    match diagnostics.and_then(|diagnostics| diagnostics.documents_mentioning(name)) {
        Some(documents) => {
            for (file, revision) in documents {
                let Some((document, slot)) =
                    snapshot.file(file).and_then(|source| source.document_by_revision(revision))
                else {
                    continue;
                };
                // The index leaves some objects out (a kustomize patch's).
                let holders = (0..slot.objects.len()).filter_map(|number| {
                    snapshot.object(ObjectId { file, document: document as u32, object: number as u32 })
                });
                holders.for_each(|holder| naming(snapshot, holder, object, &mut found));
            }
            found.sort_by_key(|&(file, range)| (file, range.start));
        }
        None => snapshot.objects().for_each(|holder| naming(snapshot, holder, object, &mut found)),
    }
    found
}

/// The labels of `holder`'s peer addresses that name `object`, onto `found`.
fn naming<'a>(
    snapshot: &'a Snapshot,
    holder: ObjectView<'a>,
    object: &ObjectView<'_>,
    found: &mut Vec<(FileId, TextRange)>,
) {
    let is_set = object.stateful_set().is_some();
    let name = object.name();
    for address in holder.addresses() {
        let label = match (address.kind, is_set) {
            (AddressKind::Pod { stateful_set, .. }, true) => stateful_set,
            (_, true) => continue,
            (_, false) => address.service,
        };
        if holder.label(&label) != name {
            continue;
        }
        let Some(reference) = Reference::checked(snapshot, holder, address) else { continue };
        let resolution = reference.resolve(snapshot);
        let named = if is_set { resolution.stateful_set } else { resolution.service };
        if named.is_some_and(|named| named.id == object.id) {
            found.push((holder.id.file, holder.absolute(label.range())));
        }
    }
}

/// The object a name under the cursor stands for: a StatefulSet's or
/// Service's `metadata.name`, or a label of a peer address.
pub(crate) fn named_object_at(snapshot: &Snapshot, file: FileId, offset: usize) -> Option<ObjectView<'_>> {
    if let Some((reference, resolution)) = reference_at(snapshot, file, offset) {
        return definition(snapshot, &reference, &resolution, offset);
    }
    let object = snapshot.object_at(file, offset)?;
    let name = object.object.name.as_ref()?;
    let on_name = object.absolute(name.value).contains_inclusive(offset);
    (on_name && (object.stateful_set().is_some() || object.service().is_some())).then_some(object)
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::cursor_snapshot;
    use crate::checks::Diagnostics;

    const FILES: &str = "
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis-hs
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis-hs, namespace: cache}
spec: {clusterIP: None, selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  a: replicaof redis-0.redis-hs 6379
  b: sentinel monitor main redis-1.redis-hs.default 6379 2
";

    fn text_at(
        snapshot: &crate::workspace::Snapshot,
        file: crate::workspace::FileId,
        range: crate::syntax::TextRange,
    ) -> String {
        snapshot.file(file).expect("file").text[range.as_range()].to_owned()
    }

    #[test]
    fn hover_says_what_a_name_names_and_why_it_does_not_resolve() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("redis-0.redis-hs", "red$0is-0.redis-hs"));
        let diagnostics = Diagnostics::of(&snapshot);
        let card = crate::ide::hover(&snapshot, &diagnostics, file, offset).expect("a card");
        assert_eq!(text_at(&snapshot, file, card.range), "redis-0.redis-hs");
        assert!(card.markdown.contains("**pod** `redis-0` of StatefulSet `redis`"), "{}", card.markdown);
        assert!(card.markdown.contains("`redis-0.redis-hs.cache.svc.cluster.local`"), "{}", card.markdown);
        assert!(card.markdown.contains("resolves once the pod is running"), "{}", card.markdown);
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replace("redis-1.redis-hs.default", "redis-1.redis-hs.def$0ault"));
        let diagnostics = Diagnostics::of(&snapshot);
        let card = crate::ide::hover(&snapshot, &diagnostics, file, offset).expect("a card");
        assert!(card.markdown.contains("it lives in namespace `cache`"), "{}", card.markdown);
        // The pods in the rule's words (`only pod 0`, `no pods`), not `0 to 0`.
        let one = FILES.replace("replicas: 3", "replicas: 1").replace("redis-1.redis-hs.default", "red$0is-1.redis-hs");
        let (snapshot, file, offset) = cursor_snapshot(&one);
        let card = crate::ide::hover(&snapshot, &Diagnostics::of(&snapshot), file, offset).expect("a card");
        assert!(card.markdown.contains("the StatefulSet runs only pod 0"), "{}", card.markdown);
    }

    #[test]
    fn definition_goes_to_the_stateful_set_or_the_service_by_label() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("redis-0.redis-hs", "re$0dis-0.redis-hs"));
        let targets = crate::ide::goto_definition(&snapshot, file, offset);
        assert_eq!(targets.len(), 1);
        assert_eq!(text_at(&snapshot, targets[0].file, targets[0].focus_range), "redis");
        assert_eq!(
            snapshot.object_at(targets[0].file, targets[0].focus_range.start).expect("object").object.kind(),
            "StatefulSet"
        );
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("redis-0.redis-hs", "redis-0.redis-$0hs"));
        let targets = crate::ide::goto_definition(&snapshot, file, offset);
        assert_eq!(targets.len(), 1);
        assert_eq!(text_at(&snapshot, targets[0].file, targets[0].focus_range), "redis-hs");
    }

    #[test]
    fn references_of_a_stateful_set_and_a_service_include_peer_addresses() {
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replace("name: redis, namespace", "name: re$0dis, namespace"));
        let diagnostics = Diagnostics::of(&snapshot);
        let found: Vec<String> = crate::ide::references(&snapshot, &diagnostics, file, offset, false)
            .into_iter()
            .map(|(file, range)| text_at(&snapshot, file, range))
            .collect();
        // The name in the wrong namespace names no pod of this set.
        assert_eq!(found, ["redis"]);
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replace("name: redis-hs, namespace", "name: redis-$0hs, namespace"));
        let diagnostics = Diagnostics::of(&snapshot);
        let found: Vec<(u32, String)> = crate::ide::references(&snapshot, &diagnostics, file, offset, false)
            .into_iter()
            .map(|(file, range)| (file.0, text_at(&snapshot, file, range)))
            .collect();
        assert_eq!(found, [(0, "redis-hs".to_owned()), (1, "redis-hs".to_owned())]);
    }

    #[test]
    fn the_documents_that_mention_a_name_hold_every_reference_to_it() {
        // Files a kustomize build reads are checked in the build, but what
        // they mention is noted all the same.
        let built = format!("{FILES}#- /app/kustomization.yaml\nresources: [redis.yaml, app.yaml]\n");
        for files in [FILES, built.as_str()] {
            let (snapshot, _, _) = cursor_snapshot(&files.replace("redis-0.redis-hs", "$0redis-0.redis-hs"));
            let diagnostics = Diagnostics::of(&snapshot);
            let mut named = 0;
            for object in
                snapshot.objects().filter(|object| object.stateful_set().is_some() || object.service().is_some())
            {
                let narrowed = super::references_to(&snapshot, Some(&diagnostics), &object);
                let everywhere = super::references_to(&snapshot, None, &object);
                assert_eq!(narrowed, everywhere, "{}", object.name());
                named += usize::from(!everywhere.is_empty());
            }
            assert_eq!(named, 2, "both the StatefulSet and the Service are named in strings");
        }
        let (snapshot, _, _) = cursor_snapshot(&FILES.replace("redis-0.redis-hs", "$0redis-0.redis-hs"));
        let diagnostics = Diagnostics::of(&snapshot);
        // Diagnostics of one file know only its mentions: every object is looked at.
        let partial = Diagnostics::for_file(&snapshot, crate::workspace::FileId(0));
        assert_eq!(partial.documents_mentioning("redis-hs"), None);
        assert!(diagnostics.documents_mentioning("redis-hs").is_some_and(|documents| !documents.is_empty()));
    }

    #[test]
    fn renaming_a_service_rewrites_the_service_label_inside_strings_only() {
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replace("name: redis-hs, namespace", "name: redis-$0hs, namespace"));
        let edits = crate::ide::rename(&snapshot, file, offset, "peers").expect("rename");
        let app = snapshot.file_id(std::path::Path::new("/app/app.yaml")).expect("app");
        let app_edits = &edits.iter().find(|edit| edit.file == app).expect("edits in app.yaml").edits;
        let text = crate::text::apply_edits(&snapshot.file(app).expect("app").text, app_edits);
        assert!(text.contains("a: replicaof redis-0.peers 6379\n"), "{text}");
        // The name in the wrong namespace names another Service: untouched.
        assert!(text.contains("redis-1.redis-hs.default"), "{text}");
        // The same from the Service label inside the string.
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("redis-0.redis-hs", "redis-0.redis-$0hs"));
        let (range, name) = crate::ide::prepare_rename(&snapshot, file, offset).expect("renameable");
        assert_eq!((text_at(&snapshot, file, range), name.as_str()), ("redis-hs".to_owned(), "redis-hs"));
        let from_label = crate::ide::rename(&snapshot, file, offset, "peers").expect("rename");
        assert_eq!(from_label, edits);
    }

    #[test]
    fn renaming_a_stateful_set_from_a_pod_label_rewrites_its_name_and_the_pod_labels() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("redis-0.redis-hs", "re$0dis-0.redis-hs"));
        let (range, text) = crate::ide::prepare_rename(&snapshot, file, offset).expect("renameable");
        assert_eq!((text_at(&snapshot, file, range), text.as_str()), ("redis".to_owned(), "redis"));
        let edits = crate::ide::rename(&snapshot, file, offset, "cache").expect("rename");
        let mut texts = Vec::new();
        for edit in &edits {
            texts.push(crate::text::apply_edits(&snapshot.file(edit.file).expect("file").text, &edit.edits));
        }
        assert!(texts[0].contains("metadata: {name: cache, namespace: cache}"), "{}", texts[0]);
        assert!(texts[0].contains("metadata: {name: redis-hs, namespace: cache}"), "{}", texts[0]);
        assert!(texts[1].contains("a: replicaof cache-0.redis-hs 6379"), "{}", texts[1]);
        assert!(texts[1].contains("redis-1.redis-hs.default"), "{}", texts[1]);
        assert!(crate::ide::rename(&snapshot, file, offset, "Bad_Name").is_err());
    }

    #[test]
    fn highlight_and_code_lens_count_peer_addresses() {
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replace("name: redis, namespace", "name: re$0dis, namespace"));
        let diagnostics = Diagnostics::of(&snapshot);
        let lenses =
            crate::ide::code_lenses(&snapshot, &diagnostics, file, crate::syntax::TextRange::new(0, offset + 10));
        let set_lens = lenses.iter().find(|lens| text_at(&snapshot, file, lens.range) == "redis").expect("a lens");
        // Its governing Service and one peer address.
        assert_eq!(set_lens.title, "2 references");
        let (snapshot, file, offset) = cursor_snapshot(&format!(
            "{}  c: $0redis-2.redis-hs\n",
            FILES.replace("apiVersion: v1\nkind: ConfigMap", "apiVersion: v1\nkind: ConfigMap\n# redis")
        ));
        let diagnostics = Diagnostics::of(&snapshot);
        let marked: Vec<String> = crate::ide::highlights(&snapshot, &diagnostics, file, offset)
            .iter()
            .map(|highlight| format!("{:?} {}", highlight.kind, text_at(&snapshot, file, highlight.range)))
            .collect();
        assert_eq!(marked, ["Reference redis", "Reference redis"]);
    }
}
