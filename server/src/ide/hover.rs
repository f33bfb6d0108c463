//! Hover cards: every pod's stable DNS name, the Service's own names, where
//! the namespace and cluster domain came from, the health of the link and the
//! caveats that hold. Plain Markdown, built from the snapshot alone.

use std::fmt::Write;

use super::cursor::Cursor;
use crate::checks::{Code, Diagnostics, Finding};
use crate::syntax::TextRange;
use crate::workspace::{FileId, NamespaceSource, ObjectView, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// The key or value hovered.
    pub range: TextRange,
    pub markdown: String,
}

/// Pods listed one by one up to this many; beyond it the first and last few
/// and the pattern.
const LIST_ALL_UP_TO: i64 = 6;

pub fn hover(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, offset: usize) -> Option<HoverResult> {
    let cursor = Cursor::at(snapshot, file, offset)?;
    let range = cursor.field_at()?.range;
    let object = cursor.object;
    if object.stateful_set().is_some() {
        return Some(HoverResult { range, markdown: stateful_set_card(snapshot, diagnostics, &object) });
    }
    if object.service().is_some() {
        return Some(HoverResult { range, markdown: service_card(snapshot, diagnostics, &object) });
    }
    None
}

fn namespace_source(snapshot: &Snapshot, object: &ObjectView<'_>) -> String {
    match &object.indexed.namespace_source {
        NamespaceSource::Metadata => "from `metadata.namespace`".to_owned(),
        NamespaceSource::Kustomization(path) => {
            format!(
                "from the `namespace` of `{}`",
                path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default()
            )
        }
        NamespaceSource::Default => {
            if snapshot.config.default_namespace == crate::config::DEFAULT_NAMESPACE {
                "no `metadata.namespace`: the default namespace".to_owned()
            } else {
                "no `metadata.namespace`: the configured `defaultNamespace`".to_owned()
            }
        }
    }
}

fn cluster_domain_source(snapshot: &Snapshot) -> &'static str {
    if snapshot.config.cluster_domain == crate::config::DEFAULT_CLUSTER_DOMAIN {
        "the default; set `clusterDomain` if your cluster uses another"
    } else {
        "from the `clusterDomain` setting"
    }
}

/// The pods' DNS names, listed or abbreviated.
fn pod_names(snapshot: &Snapshot, stateful_set: &ObjectView<'_>, service_name: &str, healthy: bool, out: &mut String) {
    let Some(set) = stateful_set.stateful_set() else { return };
    let name = stateful_set.name();
    let namespace = stateful_set.namespace();
    let domain = &snapshot.config.cluster_domain;
    let first = set.first_ordinal();
    let count = set.replica_count();
    let fqdn = |ordinal: i64| format!("`{name}-{ordinal}.{service_name}.{namespace}.svc.{domain}`");
    if count == 0 {
        let _ = writeln!(out, "No pods: `replicas` is 0.\n");
        return;
    }
    let plural = if count == 1 { "" } else { "s" };
    let would_be = if healthy { "" } else { ", would-be names: they do not resolve until the link below is fixed" };
    let _ = writeln!(out, "**{count} pod{plural}** (ordinals {first}–{}{would_be}):\n", first + count - 1);
    if count <= LIST_ALL_UP_TO {
        for ordinal in first..first + count {
            let _ = writeln!(out, "- {}", fqdn(ordinal));
        }
    } else {
        for ordinal in first..first + 3 {
            let _ = writeln!(out, "- {}", fqdn(ordinal));
        }
        let _ = writeln!(out, "- …");
        for ordinal in first + count - 2..first + count {
            let _ = writeln!(out, "- {}", fqdn(ordinal));
        }
        let _ = writeln!(
            out,
            "\nPattern: `{name}-<ordinal>.{service_name}.{namespace}.svc.{domain}`, ordinal {first} to {}",
            first + count - 1
        );
    }
    let _ = writeln!(
        out,
        "\nShort forms: `{name}-{first}.{service_name}` from namespace `{namespace}`, `{name}-{first}.{service_name}.{namespace}` from any namespace.\n"
    );
}

fn service_names(snapshot: &Snapshot, service: &ObjectView<'_>, out: &mut String) {
    let name = service.name();
    let namespace = service.namespace();
    let domain = &snapshot.config.cluster_domain;
    let _ = writeln!(out, "Service DNS name: `{name}.{namespace}.svc.{domain}`");
    let Some(spec) = service.service() else { return };
    let srv: Vec<String> = spec
        .ports
        .iter()
        .filter_map(|port| {
            let port_name = port.name.as_deref()?;
            let protocol = port.protocol.as_deref().unwrap_or("TCP").to_lowercase();
            Some(format!("`_{port_name}._{protocol}.{name}.{namespace}.svc.{domain}`"))
        })
        .collect();
    if !srv.is_empty() {
        let _ = writeln!(out, "\nSRV: {}", srv.join(", "));
    }
    let _ = writeln!(out);
}

fn health(findings: &[Finding], out: &mut String) {
    if findings.is_empty() {
        let _ = writeln!(out, "**Link: healthy.** The Service is headless and selects the pods.\n");
        return;
    }
    let _ = writeln!(out, "**Link: broken.**\n");
    for finding in findings {
        let _ = writeln!(out, "- `{}`: {}", finding.code.as_str(), finding.message);
    }
    let _ = writeln!(out);
}

fn caveats(service: Option<&ObjectView<'_>>, out: &mut String) {
    let publishes =
        service.and_then(|service| service.service()).is_some_and(|spec| spec.publishes_not_ready_addresses());
    let _ = writeln!(out, "---\n");
    if publishes {
        let _ = writeln!(out, "- `publishNotReadyAddresses: true`: names resolve as soon as a pod exists, Ready or not, as peer discovery needs.");
    } else {
        let _ = writeln!(
            out,
            "- Names resolve only for existing, Ready pods. Peer discovery at start-up needs `publishNotReadyAddresses: true` on the Service."
        );
    }
    let _ = writeln!(
        out,
        "- `clusterIP` and `serviceName` cannot change on a deployed object: delete and recreate it to change them."
    );
}

/// The tie findings of one StatefulSet shown on it (not those about the
/// Service alone), as the diagnostics have them.
fn link_findings(diagnostics: &Diagnostics, stateful_set: &ObjectView<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = diagnostics
        .file(stateful_set.id.file)
        .iter()
        .filter(|finding| {
            let on_set = stateful_set.absolute(stateful_set.object.range);
            finding.stateful_set == Some(stateful_set.id)
                && finding.file == stateful_set.id.file
                && on_set.contains_inclusive(finding.range.start)
        })
        .filter(|finding| {
            matches!(
                finding.code,
                Code::ServiceNameMissing
                    | Code::ServiceNameInvalid
                    | Code::ServiceNotFound
                    | Code::ServiceNotHeadless
                    | Code::SelectorMismatch
            )
        })
        .cloned()
        .collect();
    findings.dedup_by(|a, b| a.code == b.code);
    findings
}

fn stateful_set_card(snapshot: &Snapshot, diagnostics: &Diagnostics, stateful_set: &ObjectView<'_>) -> String {
    let mut out = String::new();
    let name = stateful_set.name();
    let service_name = stateful_set.stateful_set().and_then(|set| set.service_name());
    let service = snapshot.governing_service(stateful_set);
    let findings = link_findings(diagnostics, stateful_set);
    match service_name {
        Some(service_name) => {
            let _ = writeln!(out, "### StatefulSet `{name}` → Service `{service_name}`\n");
            pod_names(snapshot, stateful_set, service_name, findings.is_empty(), &mut out);
        }
        None => {
            let _ = writeln!(out, "### StatefulSet `{name}`\n");
            let _ = writeln!(out, "No `serviceName`: the pods get no per-pod DNS names.\n");
        }
    }
    if let Some(service) = &service {
        service_names(snapshot, service, &mut out);
    }
    let _ = writeln!(out, "Namespace `{}` ({}).\n", stateful_set.namespace(), namespace_source(snapshot, stateful_set));
    let _ =
        writeln!(out, "Cluster domain `{}` ({}).\n", snapshot.config.cluster_domain, cluster_domain_source(snapshot));
    health(&findings, &mut out);
    caveats(service.as_ref(), &mut out);
    out
}

fn service_card(snapshot: &Snapshot, diagnostics: &Diagnostics, service: &ObjectView<'_>) -> String {
    let mut out = String::new();
    let name = service.name();
    let headless = service.service().is_some_and(|spec| spec.is_headless());
    let _ = writeln!(out, "### Service `{name}`{}\n", if headless { " (headless)" } else { "" });
    service_names(snapshot, service, &mut out);
    let _ = writeln!(out, "Namespace `{}` ({}).\n", service.namespace(), namespace_source(snapshot, service));
    let _ =
        writeln!(out, "Cluster domain `{}` ({}).\n", snapshot.config.cluster_domain, cluster_domain_source(snapshot));
    let governed = snapshot.governed_stateful_sets(service);
    if governed.is_empty() {
        let _ = writeln!(out, "Governs no StatefulSet in the workspace.\n");
    }
    for stateful_set in &governed {
        let _ = writeln!(out, "#### Governs StatefulSet `{}`\n", stateful_set.name());
        let findings = link_findings(diagnostics, stateful_set);
        pod_names(snapshot, stateful_set, name, findings.is_empty(), &mut out);
        health(&findings, &mut out);
    }
    caveats(Some(service), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::checks::fixture::cursor_snapshot;

    fn check(fixture: &str, expect: Expect) {
        let (snapshot, file, offset) = cursor_snapshot(fixture);
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let hover = super::hover(&snapshot, &diagnostics, file, offset);
        let actual = match hover {
            Some(hover) => {
                let source = snapshot.file(file).expect("file");
                format!("range: {:?}\n{}", &source.text[hover.range.as_range()], hover.markdown)
            }
            None => "no hover".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    const BROKEN: &str = r#"
#- /app/redis.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  namespace: default
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#;

    #[test]
    fn hover_on_service_name_shows_pods_and_the_broken_link() {
        check(
            &BROKEN.replace("serviceName: redis", "serviceName: re$0dis"),
            expect![[r#"
                range: "redis"
                ### StatefulSet `redis` → Service `redis`

                **3 pods** (ordinals 0–2, would-be names: they do not resolve until the link below is fixed):

                - `redis-0.redis.default.svc.cluster.local`
                - `redis-1.redis.default.svc.cluster.local`
                - `redis-2.redis.default.svc.cluster.local`

                Short forms: `redis-0.redis` from namespace `default`, `redis-0.redis.default` from any namespace.

                Service DNS name: `redis.default.svc.cluster.local`

                SRV: `_redis._tcp.redis.default.svc.cluster.local`

                Namespace `default` (from `metadata.namespace`).

                Cluster domain `cluster.local` (the default; set `clusterDomain` if your cluster uses another).

                **Link: broken.**

                - `service-not-headless`: Service 'redis' is not headless: pods of StatefulSet 'redis' get no DNS names; it has no clusterIP: None

                ---

                - Names resolve only for existing, Ready pods. Peer discovery at start-up needs `publishNotReadyAddresses: true` on the Service.
                - `clusterIP` and `serviceName` cannot change on a deployed object: delete and recreate it to change them.
            "#]],
        );
    }

    #[test]
    fn hover_on_the_service_lists_what_it_governs() {
        check(
            &BROKEN.replacen("name: redis", "name: red$0is", 1),
            expect![[r#"
                range: "redis"
                ### Service `redis`

                Service DNS name: `redis.default.svc.cluster.local`

                SRV: `_redis._tcp.redis.default.svc.cluster.local`

                Namespace `default` (no `metadata.namespace`: the default namespace).

                Cluster domain `cluster.local` (the default; set `clusterDomain` if your cluster uses another).

                #### Governs StatefulSet `redis`

                **3 pods** (ordinals 0–2, would-be names: they do not resolve until the link below is fixed):

                - `redis-0.redis.default.svc.cluster.local`
                - `redis-1.redis.default.svc.cluster.local`
                - `redis-2.redis.default.svc.cluster.local`

                Short forms: `redis-0.redis` from namespace `default`, `redis-0.redis.default` from any namespace.

                **Link: broken.**

                - `service-not-headless`: Service 'redis' is not headless: pods of StatefulSet 'redis' get no DNS names; it has no clusterIP: None

                ---

                - Names resolve only for existing, Ready pods. Peer discovery at start-up needs `publishNotReadyAddresses: true` on the Service.
                - `clusterIP` and `serviceName` cannot change on a deployed object: delete and recreate it to change them.
            "#]],
        );
    }

    #[test]
    fn many_replicas_are_abbreviated() {
        check(
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
spec:
  serviceName: web
  replicas: 1$000
  ordinals: {start: 5}
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: web}
"#,
            expect![[r#"
                range: "100"
                ### StatefulSet `web` → Service `web`

                **100 pods** (ordinals 5–104):

                - `web-5.web.shop.svc.cluster.local`
                - `web-6.web.shop.svc.cluster.local`
                - `web-7.web.shop.svc.cluster.local`
                - …
                - `web-103.web.shop.svc.cluster.local`
                - `web-104.web.shop.svc.cluster.local`

                Pattern: `web-<ordinal>.web.shop.svc.cluster.local`, ordinal 5 to 104

                Short forms: `web-5.web` from namespace `shop`, `web-5.web.shop` from any namespace.

                Service DNS name: `web.shop.svc.cluster.local`

                Namespace `shop` (from `metadata.namespace`).

                Cluster domain `cluster.local` (the default; set `clusterDomain` if your cluster uses another).

                **Link: healthy.** The Service is headless and selects the pods.

                ---

                - `publishNotReadyAddresses: true`: names resolve as soon as a pod exists, Ready or not, as peer discovery needs.
                - `clusterIP` and `serviceName` cannot change on a deployed object: delete and recreate it to change them.
            "#]],
        );
    }

    #[test]
    fn no_hover_elsewhere() {
        check(
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: w$0eb}}
"#,
            expect![[r#"no hover"#]],
        );
    }
}
