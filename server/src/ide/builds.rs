//! What the IDE shows of kustomize builds: on hover over an object of a
//! base, its names in each top build that includes it; go to definition
//! from a kustomization's `resources`, `components` or patch entry.

use std::fmt::Write;

use super::navigation::NavigationTarget;
use crate::syntax::TextRange;
use crate::workspace::kustomize::{build_name, Build, Graph, Paths, Target};
use crate::workspace::{FileId, ObjectView, Snapshot};

/// The hover section on `object`'s names in each top build that includes
/// it: a StatefulSet's first pod and a Service's own DNS name, with the
/// build's namespace and names. `None` for a file no build reads.
pub(super) fn names_in_builds(snapshot: &Snapshot, object: &ObjectView<'_>) -> Option<String> {
    let graph = Graph::of(snapshot);
    if !graph.is_built(object.id.file) {
        return None;
    }
    let paths = Paths::of(snapshot);
    let source = object.absolute(object.object.range);
    let domain = &snapshot.config.cluster_domain;
    let mut out = String::from("**In kustomize builds:**\n\n");
    let mut any = false;
    for top in graph.builds_of(object.id.file) {
        let build = Build::of(snapshot, &paths, top);
        for built in
            build.objects.iter().filter(|built| built.source.file == object.id.file && built.source.range == source)
        {
            let namespace = built.namespace().unwrap_or(&snapshot.config.default_namespace);
            let name = built.name();
            let line = match built.kind() {
                "StatefulSet" => {
                    let service = built.node.get_path(&["spec", "serviceName"]).and_then(|node| node.as_str());
                    let first = built
                        .node
                        .get_path(&["spec", "ordinals", "start"])
                        .and_then(|node| node.as_str())
                        .and_then(|start| start.parse::<i64>().ok())
                        .unwrap_or(0);
                    let replicas = built
                        .node
                        .get_path(&["spec", "replicas"])
                        .and_then(|node| node.as_str())
                        .and_then(|count| count.parse::<i64>().ok())
                        .unwrap_or(1);
                    match service {
                        Some(service) => format!(
                            "`{name}-{first}.{service}.{namespace}.svc.{domain}` ({replicas} replica{})",
                            if replicas == 1 { "" } else { "s" }
                        ),
                        None => format!("StatefulSet `{name}` in namespace `{namespace}`"),
                    }
                }
                "Service" => format!("`{name}.{namespace}.svc.{domain}`"),
                kind => format!("{kind} `{name}` in namespace `{namespace}`"),
            };
            let _ = writeln!(out, "- `{}`: {line}", build_name(snapshot, top));
            any = true;
        }
    }
    any.then_some(out)
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
