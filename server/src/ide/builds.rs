//! What the IDE shows of kustomize builds: on hover over an object of a
//! base, its names in each top build that includes it; go to definition
//! from a kustomization's `resources`, `components` or patch entry.

use std::fmt::Write;

use super::names::{link_findings, StatefulSetNames};
use super::navigation::NavigationTarget;
use crate::checks::{Code, Diagnostics};
use crate::syntax::TextRange;
use crate::workspace::kustomize::{build_name, Build, Graph, Rendered, Target};
use crate::workspace::{FileId, ObjectView, Snapshot, Workspace};

/// The hover section on `object`'s names in each top build that includes
/// it: a StatefulSet's first pod and a Service's own DNS name, with the
/// build's namespace and names. `None` for a file no build reads.
pub(super) fn names_in_builds(
    snapshot: &Snapshot,
    diagnostics: &Diagnostics,
    object: &ObjectView<'_>,
) -> Option<String> {
    let graph = diagnostics.graph();
    if !graph.is_built(object.id.file) {
        return None;
    }
    let paths = &graph.paths;
    let source = object.absolute(object.object.range);
    let domain = &snapshot.config.cluster_domain;
    let mut lines: Vec<(String, String)> = Vec::new();
    // A build that leaves the object's name and namespace as the card above
    // shows them (a base used alone, with its own `namespace`) adds nothing
    // when it is the only one.
    let mut unchanged = 0;
    for top in graph.builds_of(object.id.file) {
        let build = Build::of(snapshot, paths, top);
        for built in
            build.objects.iter().filter(|built| built.source.file == object.id.file && built.source.range == source)
        {
            let namespace = built.namespace().unwrap_or(&snapshot.config.default_namespace);
            let name = built.name();
            if Some(name) == object.object.name() && namespace == object.namespace() {
                unchanged += 1;
            }
            let line = match built.kind() {
                "StatefulSet" => {
                    // As `model::StatefulSet` reads them: an integer, never below 0.
                    let number =
                        |path: &[&str]| built.node.get_path(path).and_then(|node| node.as_int()).map(|n| n.max(0));
                    let names = StatefulSetNames {
                        name,
                        namespace,
                        service_name: built
                            .node
                            .get_path(&["spec", "serviceName"])
                            .and_then(|node| node.as_str())
                            .filter(|service| !service.is_empty()),
                        cluster_domain: domain,
                        first: number(&["spec", "ordinals", "start"]).unwrap_or(0),
                        count: number(&["spec", "replicas"]).unwrap_or(1),
                    };
                    match names.pod(names.first) {
                        Some(pod) => format!(
                            "`{}` ({} replica{})",
                            pod.full,
                            names.count,
                            if names.count == 1 { "" } else { "s" }
                        ),
                        None => format!("StatefulSet `{name}` in namespace `{namespace}`"),
                    }
                }
                "Service" => format!("`{name}.{namespace}.svc.{domain}`"),
                kind => format!("{kind} `{name}` in namespace `{namespace}`"),
            };
            lines.push((build_name(snapshot, top), line));
        }
    }
    if lines.is_empty() || (lines.len() == 1 && unchanged == 1) {
        return None;
    }
    lines.sort();
    let mut out = String::from("**In kustomize builds:**\n\n");
    for (build, line) in lines {
        let _ = writeln!(out, "- `{build}`: {line}");
    }
    Some(out)
}

/// The file a kustomization's entry at `offset` names: the file, or the
/// folder's kustomization file.
pub(super) fn entry_target(snapshot: &Snapshot, file: FileId, offset: usize) -> Option<NavigationTarget> {
    snapshot.file(file)?.kustomization.as_ref()?;
    let graph = Graph::of(snapshot);
    let reference = graph.reference_at(file, offset)?;
    match reference.target {
        Target::File(target) | Target::Kustomization(target) => {
            Some(NavigationTarget { file: target, range: TextRange::empty(0), focus_range: TextRange::empty(0) })
        }
        Target::Remote | Target::Missing => None,
    }
}

/// One top build analysed as `kube-lsp check` analyses it
/// (`checks/builds.rs`): its objects rendered and checked as a workspace of
/// their own, with the same configuration. For `kube-lsp dns`, which lists
/// a base's StatefulSets as each build makes them.
pub(crate) struct AnalysedBuild {
    /// `overlays/prod`, as messages name it.
    pub(crate) name: String,
    /// The build's objects, one rendered document each, in build order.
    pub(crate) snapshot: Snapshot,
    pub(crate) diagnostics: Diagnostics,
    build: Build,
    rendered: Rendered,
}

/// Every top build of `snapshot` with objects, by name.
pub(crate) fn analysed_builds(snapshot: &Snapshot) -> Vec<AnalysedBuild> {
    let graph = Graph::of(snapshot);
    let mut builds: Vec<AnalysedBuild> = graph
        .tops
        .iter()
        .filter_map(|&top| {
            let build = Build::of(snapshot, &graph.paths, top);
            if build.objects.is_empty() {
                return None;
            }
            let rendered = build.render();
            let mut workspace = Workspace::new((*snapshot.config).clone());
            workspace.set_text(crate::checks::build_document_path(top), rendered.text.clone(), None);
            let built = workspace.snapshot();
            let diagnostics = Diagnostics::of(&built);
            Some(AnalysedBuild { name: build_name(snapshot, top), snapshot: built, diagnostics, build, rendered })
        })
        .collect();
    builds.sort_by(|a, b| a.name.cmp(&b.name));
    builds
}

impl AnalysedBuild {
    /// The object of `source` (the user's files) that `built`, an object of
    /// this build, comes from.
    pub(crate) fn source_of<'a>(&self, source: &'a Snapshot, built: &ObjectView<'_>) -> Option<ObjectView<'a>> {
        let object = self.build.objects.get(built.id.document as usize)?;
        source.object_at(object.source.file, object.source.range.start)
    }

    /// The codes that break `stateful_set`'s link in this build, as
    /// `kube-lsp check` reports them: the build's own tie findings on it
    /// that `diagnostics` (the workspace's, levels and ignores applied) shows
    /// at the source place they move back to.
    pub(crate) fn broken(&self, diagnostics: &Diagnostics, stateful_set: &ObjectView<'_>) -> Vec<Code> {
        link_findings(&self.diagnostics, stateful_set)
            .into_iter()
            .filter(|finding| {
                self.rendered.span_of(finding.range).is_some_and(|(_, origin)| {
                    diagnostics
                        .file(origin.file)
                        .iter()
                        .any(|reported| reported.code == finding.code && reported.range == origin.range)
                })
            })
            .map(|finding| finding.code)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::cursor_snapshot;
    use crate::checks::Diagnostics;

    const FILES: &str = r#"
#- /repo/base/kustomization.yaml
resources: [redis.yaml]
#- /repo/base/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
#- /repo/overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
resources:
  - ../../base
#- /repo/overlays/dev/kustomization.yaml
namespace: dev
resources: [../../base]
"#;

    #[test]
    fn hover_on_a_base_object_shows_its_names_in_each_build() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replacen("name: redis}", "name: re$0dis}", 1));
        let diagnostics = Diagnostics::of(&snapshot);
        let hover = super::super::hover(&snapshot, &diagnostics, file, offset).expect("a hover");
        let builds = hover.markdown.split_once("**In kustomize builds:**").expect("a builds section").1;
        assert_eq!(
            builds.trim(),
            "- `overlays/dev`: `redis-0.redis.dev.svc.cluster.local` (3 replicas)\n\
             - `overlays/prod`: `prod-redis-0.prod-redis.prod.svc.cluster.local` (3 replicas)"
        );
        let (snapshot, file, offset) =
            cursor_snapshot(&FILES.replacen("name: redis}\nspec: {c", "name: r$0edis}\nspec: {c", 1));
        let hover = super::super::hover(&snapshot, &Diagnostics::of(&snapshot), file, offset).expect("a hover");
        assert!(
            hover.markdown.contains("- `overlays/prod`: `prod-redis.prod.svc.cluster.local`"),
            "{}",
            hover.markdown
        );
    }

    /// A StatefulSet with an empty `serviceName` gets no pod DNS names in a
    /// build either (not `prod-redis-0..prod.svc…`).
    #[test]
    fn a_stateful_set_without_a_service_name_shows_no_pod_name_in_builds() {
        let files =
            FILES.replacen("serviceName: redis", "serviceName: \"\"", 1).replacen("name: redis}", "name: re$0dis}", 1);
        let (snapshot, file, offset) = cursor_snapshot(&files);
        let hover = super::super::hover(&snapshot, &Diagnostics::of(&snapshot), file, offset).expect("a hover");
        let builds = hover.markdown.split_once("**In kustomize builds:**").expect("a builds section").1;
        assert_eq!(
            builds.trim(),
            "- `overlays/dev`: StatefulSet `redis` in namespace `dev`\n\
             - `overlays/prod`: StatefulSet `prod-redis` in namespace `prod`"
        );
    }

    /// A build reads `replicas` and `ordinals.start` as the card above does
    /// (the model): a quoted number is a string, so the default; hex is a
    /// number; a negative count is no pods.
    #[test]
    fn a_build_reads_its_numbers_as_the_model_does() {
        let hover_of = |replicas: &str, start: &str| {
            let files = FILES
                .replacen("replicas: 3", &format!("replicas: {replicas}\n  ordinals: {{start: {start}}}"), 1)
                .replacen("name: redis}", "name: re$0dis}", 1);
            let (snapshot, file, offset) = cursor_snapshot(&files);
            let hover = super::super::hover(&snapshot, &Diagnostics::of(&snapshot), file, offset).expect("a hover");
            hover.markdown.split_once("**In kustomize builds:**").expect("a builds section").1.trim().to_owned()
        };
        let builds = hover_of("\"3\"", "0x2");
        assert!(builds.contains("`redis-2.redis.dev.svc.cluster.local` (1 replica)"), "{builds}");
        let builds = hover_of("-2", "1");
        assert!(builds.contains("(0 replicas)"), "{builds}");
    }

    /// A base used alone, whose kustomization only sets the namespace the
    /// card already uses, gets no builds section; one that renames does.
    #[test]
    fn a_base_used_alone_that_renames_nothing_adds_no_builds_section() {
        let alone = r#"
#- /repo/app/kustomization.yaml
namespace: cache
resources: [redis.yaml]
#- /repo/app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: re$0dis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#;
        let (snapshot, file, offset) = cursor_snapshot(alone);
        let hover = super::super::hover(&snapshot, &Diagnostics::of(&snapshot), file, offset).expect("a hover");
        assert!(!hover.markdown.contains("In kustomize builds"), "{}", hover.markdown);
        assert!(hover.markdown.contains("redis-0.redis.cache.svc.cluster.local"), "{}", hover.markdown);
        let renamed = alone.replace("namespace: cache\n", "namespace: cache\nnamePrefix: blue-\n");
        let (snapshot, file, offset) = cursor_snapshot(&renamed);
        let hover = super::super::hover(&snapshot, &Diagnostics::of(&snapshot), file, offset).expect("a hover");
        assert!(hover.markdown.contains("`blue-redis-0.redis.cache.svc.cluster.local`"), "{}", hover.markdown);
    }

    #[test]
    fn the_inventory_lists_a_base_stateful_set_once_per_build_as_the_build_makes_it() {
        let files = format!(
            "{FILES}#- /repo/overlays/dev/patch.yaml\napiVersion: v1\nkind: Service\nmetadata: {{name: redis}}\nspec: {{clusterIP: 10.0.0.1}}\n"
        )
        .replace("resources: [../../base]", "resources: [../../base]\npatches: [{path: patch.yaml}]");
        let snapshot = crate::checks::fixture::workspace(&crate::checks::fixture::parse(&files)).0.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        let builds = super::analysed_builds(&snapshot);
        let inventory = super::super::dns_inventory(&snapshot, &diagnostics, &builds, &Default::default());
        let summary: Vec<String> = inventory
            .iter()
            .map(|entry| {
                format!(
                    "{:?} {}/{} {:?} from {} broken={:?}",
                    entry.build,
                    entry.names.namespace,
                    entry.names.name,
                    entry.names.pod(0).map(|pod| pod.full),
                    entry.shown_at.0.path.display(),
                    entry.broken.iter().map(|code| code.as_str()).collect::<Vec<_>>()
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "Some(\"overlays/dev\") dev/redis Some(\"redis-0.redis.dev.svc.cluster.local\") from /repo/base/redis.yaml \
                 broken=[\"service-not-headless\"]",
                "Some(\"overlays/prod\") prod/prod-redis Some(\"prod-redis-0.prod-redis.prod.svc.cluster.local\") \
                 from /repo/base/redis.yaml broken=[]",
            ]
        );
    }

    #[test]
    fn definition_goes_from_an_entry_to_the_file_or_the_folders_kustomization() {
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("  - ../../base", "  - ../../ba$0se"));
        let targets = super::super::goto_definition(&snapshot, file, offset);
        let paths: Vec<String> =
            targets.iter().map(|target| snapshot.file(target.file).expect("file").path.display().to_string()).collect();
        assert_eq!(paths, ["/repo/base/kustomization.yaml"]);
        let (snapshot, file, offset) = cursor_snapshot(&FILES.replace("[redis.yaml]", "[red$0is.yaml]"));
        let targets = super::super::goto_definition(&snapshot, file, offset);
        assert_eq!(targets.len(), 1);
        assert_eq!(snapshot.file(targets[0].file).expect("file").path.display().to_string(), "/repo/base/redis.yaml");
    }
}
