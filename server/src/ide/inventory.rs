//! The DNS inventory of a workspace, for `kube-lsp dns`: every StatefulSet
//! with its namespace, governing Service, the link's health as the
//! diagnostics have it (so it agrees with `kube-lsp check` and hover), its
//! pods' names and its volume claim templates.
//!
//! Plain data; the CLI renders it. The names themselves come from `names.rs`.

use super::builds::AnalysedBuild;
use super::helm::Charts;
use super::names::{link_findings, ServiceNames, StatefulSetNames};
use crate::checks::{Code, Diagnostics};
use crate::syntax::TextRange;
use crate::workspace::{ObjectView, Snapshot, SourceFile};

/// One StatefulSet of the inventory.
#[derive(Clone, Debug)]
pub(crate) struct StatefulSetDns<'a> {
    /// The StatefulSet as the workspace holds it: in a build, the object of
    /// the user's file it comes from; in a chart, the rendered object.
    pub(crate) stateful_set: ObjectView<'a>,
    /// Where it is shown: its name in its file, or, rendered from a chart,
    /// the template line its findings are shown on.
    pub(crate) shown_at: (&'a SourceFile, TextRange),
    /// The kustomize top build it is listed for (`overlays/prod`), whose
    /// names, namespace and fields it has.
    pub(crate) build: Option<&'a str>,
    /// Whether it comes from a chart's render.
    pub(crate) rendered: bool,
    pub(crate) names: StatefulSetNames<'a>,
    /// The governing Service, when the workspace (or the build) holds it.
    pub(crate) service: Option<ServiceNames>,
    /// The codes that break the link, as shown on the StatefulSet; empty
    /// when it is healthy.
    pub(crate) broken: Vec<Code>,
    /// The names of its volume claim templates, in order.
    pub(crate) claim_templates: Vec<&'a str>,
}

/// Every StatefulSet of the snapshot, by namespace, name, then file, place
/// and build (copies of one StatefulSet are each listed, where they are).
/// A StatefulSet of a file that kustomize builds read is listed once per
/// top build (`builds`, from `analysed_builds`), as that build makes it;
/// one rendered from a chart is shown on its template (`charts`).
pub(crate) fn dns_inventory<'a>(
    snapshot: &'a Snapshot,
    diagnostics: &Diagnostics,
    builds: &'a [AnalysedBuild],
    charts: &Charts,
) -> Vec<StatefulSetDns<'a>> {
    let graph = diagnostics.graph();
    let mut entries: Vec<StatefulSetDns<'a>> = snapshot
        .stateful_sets()
        .filter(|stateful_set| !graph.is_built(stateful_set.id.file))
        .filter_map(|stateful_set| {
            let broken = link_findings(diagnostics, &stateful_set).iter().map(|finding| finding.code).collect();
            let mut entry = entry(snapshot, &stateful_set, broken)?;
            if let Some((file, range)) = charts.place(snapshot, stateful_set.id.file, stateful_set.anchor_range()) {
                entry.rendered = true;
                if let Some(template) = snapshot.file(file) {
                    entry.shown_at = (template, range);
                }
            }
            Some(entry)
        })
        .collect();
    for build in builds {
        for built in build.snapshot.stateful_sets() {
            let Some(source) = build.source_of(snapshot, &built) else { continue };
            let broken = build.broken(diagnostics, &built);
            let Some(mut entry) = entry(&build.snapshot, &built, broken) else { continue };
            entry.shown_at = (source.file, source.anchor_range());
            entry.stateful_set = source;
            entry.build = Some(&build.name);
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| {
        let key = |entry: &StatefulSetDns<'a>| {
            (entry.names.namespace, entry.names.name, &entry.shown_at.0.path, entry.shown_at.1.start, entry.build)
        };
        key(a).cmp(&key(b))
    });
    entries
}

/// `stateful_set`'s entry, shown where it is, with the link codes `broken`.
fn entry<'a>(snapshot: &'a Snapshot, stateful_set: &ObjectView<'a>, broken: Vec<Code>) -> Option<StatefulSetDns<'a>> {
    let names = StatefulSetNames::of(snapshot, stateful_set)?;
    let service = snapshot.governing_service(stateful_set).map(|service| ServiceNames::of(snapshot, &service));
    let claim_templates = stateful_set
        .stateful_set()
        .map(|set| set.volume_claim_templates.iter().filter_map(|name| name.as_str()).collect())
        .unwrap_or_default();
    Some(StatefulSetDns {
        stateful_set: *stateful_set,
        shown_at: (stateful_set.file, stateful_set.anchor_range()),
        build: None,
        rendered: false,
        names,
        service,
        broken,
        claim_templates,
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{parse, workspace};

    #[test]
    fn the_inventory_agrees_with_the_diagnostics() {
        let fixture = parse(
            r#"
#- /app/a.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: b}
spec:
  serviceName: web
  volumeClaimTemplates: [{metadata: {name: data}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: a}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: a}
spec: {clusterIP: None, selector: {app: db}}
"#,
        );
        let snapshot = workspace(&fixture).0.snapshot();
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let inventory = super::dns_inventory(&snapshot, &diagnostics, &[], &crate::ide::helm::Charts::default());
        let summary: Vec<String> = inventory
            .iter()
            .map(|entry| {
                let broken: Vec<&str> = entry.broken.iter().map(|code| code.as_str()).collect();
                format!(
                    "{}/{} service={:?} broken={broken:?} claims={:?}",
                    entry.names.namespace,
                    entry.names.name,
                    entry.service.as_ref().map(|service| service.full.as_str()),
                    entry.claim_templates
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "a/db service=Some(\"db.a.svc.cluster.local\") broken=[] claims=[]",
                "b/web service=None broken=[\"service-not-found\"] claims=[\"data\"]",
            ]
        );
    }
}
