//! The DNS inventory of a workspace, for `kube-lsp dns`: every StatefulSet
//! with its namespace, governing Service, the link's health as the
//! diagnostics have it (so it agrees with `kube-lsp check` and hover), its
//! pods' names and its volume claim templates.
//!
//! Plain data; the CLI renders it. The names themselves come from `names.rs`.

use super::names::{link_findings, ServiceNames, StatefulSetNames};
use crate::checks::{Code, Diagnostics};
use crate::workspace::{ObjectView, Snapshot};

/// One StatefulSet of the inventory.
#[derive(Clone, Debug)]
pub(crate) struct StatefulSetDns<'a> {
    pub(crate) stateful_set: ObjectView<'a>,
    pub(crate) names: StatefulSetNames<'a>,
    /// The governing Service, when the workspace holds it.
    pub(crate) service: Option<ServiceNames>,
    /// The codes that break the link, as shown on the StatefulSet; empty
    /// when it is healthy.
    pub(crate) broken: Vec<Code>,
    /// The names of its volume claim templates, in order.
    pub(crate) claim_templates: Vec<&'a str>,
}

/// Every StatefulSet of the snapshot, by namespace, name, then file and
/// place (copies of one StatefulSet are each listed, where they are).
pub(crate) fn dns_inventory<'a>(snapshot: &'a Snapshot, diagnostics: &Diagnostics) -> Vec<StatefulSetDns<'a>> {
    let mut entries: Vec<StatefulSetDns<'a>> = snapshot
        .stateful_sets()
        .filter_map(|stateful_set| {
            let names = StatefulSetNames::of(snapshot, &stateful_set)?;
            let service = snapshot.governing_service(&stateful_set).map(|service| ServiceNames::of(snapshot, &service));
            let broken = link_findings(diagnostics, &stateful_set).iter().map(|finding| finding.code).collect();
            let claim_templates = stateful_set
                .stateful_set()
                .map(|set| set.volume_claim_templates.iter().filter_map(|name| name.as_str()).collect())
                .unwrap_or_default();
            Some(StatefulSetDns { stateful_set, names, service, broken, claim_templates })
        })
        .collect();
    entries.sort_by(|a, b| {
        let key = |entry: &StatefulSetDns<'a>| {
            (
                entry.names.namespace,
                entry.names.name,
                &entry.stateful_set.file.path,
                entry.stateful_set.anchor_range().start,
            )
        };
        key(a).cmp(&key(b))
    });
    entries
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
        let inventory = super::dns_inventory(&snapshot, &diagnostics);
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
