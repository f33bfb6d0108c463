//! Hover cards: every pod's stable DNS name, the Service's own names, where
//! the namespace and cluster domain came from, the health of the link and the
//! caveats that hold. Plain Markdown, built from the snapshot alone.

use std::fmt::Write;

use super::cursor::Cursor;
use super::names::{link_findings, Listing, ServiceNames, StatefulSetNames};
use crate::checks::{Code, Diagnostics, Finding};
use crate::syntax::TextRange;
use crate::workspace::{FileId, NamespaceSource, ObjectView, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// The key or value hovered.
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, offset: usize) -> Option<HoverResult> {
    if let Some((reference, resolution)) = super::peer_addresses::reference_at(snapshot, file, offset) {
        let markdown = super::peer_addresses::hover_card(snapshot, &reference, &resolution);
        return Some(HoverResult { range: reference.range(), markdown });
    }
    let cursor = Cursor::at(snapshot, file, offset)?;
    if let Some(card) = super::volume_claims::hover(snapshot, &cursor) {
        return Some(card);
    }
    let range = cursor.field_at()?.range;
    let object = cursor.object;
    let mut markdown = if object.stateful_set().is_some() {
        stateful_set_card(snapshot, diagnostics, &object)
    } else if object.service().is_some() {
        service_card(snapshot, diagnostics, &object)
    } else {
        String::new()
    };
    if let Some(builds) = super::builds::names_in_builds(snapshot, diagnostics, &object) {
        if !markdown.is_empty() && !markdown.ends_with("\n\n") {
            markdown.push('\n');
        }
        markdown.push_str(&builds);
    }
    (!markdown.is_empty()).then_some(HoverResult { range, markdown })
}

pub(super) fn namespace_source(snapshot: &Snapshot, object: &ObjectView<'_>) -> String {
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

/// The pods' DNS names, listed or abbreviated, each with its short forms:
/// a table, since three names a row read better aligned than in a sentence.
fn pod_names(snapshot: &Snapshot, stateful_set: &ObjectView<'_>, service_name: &str, healthy: bool, out: &mut String) {
    let Some(mut names) = StatefulSetNames::of(snapshot, stateful_set) else { return };
    // On a Service's card, the Service hovered (the one it governs).
    names.service_name = Some(service_name);
    let namespace = names.namespace;
    let row = |ordinal: i64| match names.pod(ordinal) {
        Some(pod) => format!("| `{}` | `{}` | `{}` |", pod.full, pod.in_namespace, pod.from_any_namespace),
        None => String::new(),
    };
    let Some(last) = names.last() else {
        let _ = writeln!(out, "No pods: `replicas` is 0.\n");
        return;
    };
    let (first, count) = (names.first, names.count);
    let plural = if count == 1 { "" } else { "s" };
    let would_be = if healthy { "" } else { ", would-be names: they do not resolve until the link below is fixed" };
    let _ = writeln!(out, "**{count} pod{plural}** (ordinals {first}–{last}{would_be}):\n");
    let _ = writeln!(out, "| pod | in namespace `{namespace}` | from any namespace |\n| --- | --- | --- |");
    match Listing::of(names.ordinals()) {
        Listing::All(ordinals) => {
            for ordinal in ordinals {
                let _ = writeln!(out, "{}", row(ordinal));
            }
        }
        Listing::Abbreviated { head, tail } => {
            for ordinal in head {
                let _ = writeln!(out, "{}", row(ordinal));
            }
            let _ = writeln!(out, "| … | | |");
            for ordinal in tail {
                let _ = writeln!(out, "{}", row(ordinal));
            }
            let pattern = names.pod_pattern().unwrap_or_default();
            let _ = writeln!(out, "\nPattern: `{pattern}`, ordinal {first} to {last}");
        }
    }
    let _ = writeln!(out);
}

fn service_names(snapshot: &Snapshot, service: &ObjectView<'_>, out: &mut String) {
    let names = ServiceNames::of(snapshot, service);
    let _ = writeln!(out, "Service DNS name: `{}`", names.full);
    if !names.srv.is_empty() {
        let srv: Vec<String> = names.srv.iter().map(|name| format!("`{name}`")).collect();
        let _ = writeln!(out, "\nSRV: {}", srv.join(", "));
    }
    let _ = writeln!(out);
}

/// The link's state, one line per broken rule: which rule, and what fixes
/// it. Not the diagnostic's message: the editor shows that already.
fn health(findings: &[Finding], out: &mut String) {
    if findings.is_empty() {
        let _ = writeln!(out, "**Link: healthy.** The Service is headless and selects the pods.\n");
        return;
    }
    for finding in findings {
        let _ = writeln!(out, "**Link: broken** (`{}`): {}.\n", finding.code.as_str(), finding.code.help());
    }
}

/// Whether fixing these findings changes a field that cannot change on a
/// deployed object: `clusterIP` (`service-not-headless`) on the Service,
/// `serviceName` on the StatefulSet (`service-name-*`, and the separate
/// headless Service that `service-not-headless` also offers).
fn needs_migration(findings: &[Finding]) -> (bool, Option<Replacement>) {
    let service = findings.iter().any(|finding| finding.code == Code::ServiceNotHeadless);
    let stateful_set =
        if findings.iter().any(|finding| matches!(finding.code, Code::ServiceNameMissing | Code::ServiceNameInvalid)) {
            Some(Replacement::Needed)
        } else if service {
            Some(Replacement::ForTheAlternative)
        } else {
            None
        };
    (service, stateful_set)
}

/// Why a StatefulSet would be replaced: its fix sets `serviceName`, or the
/// fix that does (a separate headless Service) is the second choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Replacement {
    Needed,
    ForTheAlternative,
}

/// The commands that recreate a deployed Service, whose `clusterIP` cannot
/// change, from its file.
fn service_migration(snapshot: &Snapshot, service: &ObjectView<'_>, out: &mut String) {
    let name = shell_word(service.name());
    let namespace = shell_word(service.namespace());
    let _ = writeln!(
        out,
        "If Service `{}` is deployed, `clusterIP` cannot change: delete and recreate it.\n",
        service.name()
    );
    let _ = writeln!(
        out,
        "```sh\nkubectl delete service {name} -n {namespace}\nkubectl apply -f {}\n```\n",
        file_argument(snapshot, service)
    );
}

/// The commands that replace a deployed StatefulSet, whose `serviceName`
/// cannot change, without deleting its pods, then restart the pods so that
/// they get the names of the new Service.
fn stateful_set_migration(
    snapshot: &Snapshot,
    stateful_set: &ObjectView<'_>,
    replacement: Replacement,
    out: &mut String,
) {
    let name = shell_word(stateful_set.name());
    let namespace = shell_word(stateful_set.namespace());
    let lead = match replacement {
        Replacement::Needed => format!("If StatefulSet `{}` is deployed, `serviceName`", stateful_set.name()),
        Replacement::ForTheAlternative => {
            format!(
                "With a separate headless Service instead: on a deployed StatefulSet `{}`, `serviceName`",
                stateful_set.name()
            )
        }
    };
    let _ = writeln!(out, "{lead} cannot change: replace it, keeping its pods, then restart them.\n");
    let _ = writeln!(
        out,
        "```sh\nkubectl delete statefulset {name} -n {namespace} --cascade=orphan\nkubectl apply -f {}\n\
         kubectl rollout restart statefulset {name} -n {namespace}\n```\n",
        file_argument(snapshot, stateful_set)
    );
}

/// The path of an object's file, for `kubectl apply -f`.
fn file_argument(snapshot: &Snapshot, object: &ObjectView<'_>) -> String {
    let path = snapshot.file(object.id.file).map(|file| file.path.display().to_string()).unwrap_or_default();
    shell_word(&path)
}

/// A word a POSIX shell reads back as `text`: as is when it holds only
/// characters no shell treats specially, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '@' | '+' | ',');
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn caveats(service: Option<&ObjectView<'_>>, migration_shown: bool, out: &mut String) {
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
    // The commands above say it where a fix needs it.
    if !migration_shown {
        let _ = writeln!(
            out,
            "- `clusterIP` and `serviceName` cannot change on a deployed object: delete and recreate it to change them."
        );
    }
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
    let (recreate_service, replace_stateful_set) = needs_migration(&findings);
    if let Some(service) = service.as_ref().filter(|_| recreate_service) {
        service_migration(snapshot, service, &mut out);
    }
    if let Some(replacement) = replace_stateful_set {
        stateful_set_migration(snapshot, stateful_set, replacement, &mut out);
    }
    caveats(service.as_ref(), recreate_service || replace_stateful_set.is_some(), &mut out);
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
    let mut recreate_service = false;
    let mut replacements = Vec::new();
    for stateful_set in &governed {
        let _ = writeln!(out, "#### Governs StatefulSet `{}`\n", stateful_set.name());
        let findings = link_findings(diagnostics, stateful_set);
        pod_names(snapshot, stateful_set, name, findings.is_empty(), &mut out);
        health(&findings, &mut out);
        let (service_needs_it, replacement) = needs_migration(&findings);
        recreate_service |= service_needs_it;
        replacements.extend(replacement.map(|replacement| (stateful_set, replacement)));
    }
    // The Service's commands once, however many StatefulSets it governs, and
    // first: recreating it is the preferred fix.
    if recreate_service {
        service_migration(snapshot, service, &mut out);
    }
    for (stateful_set, replacement) in &replacements {
        stateful_set_migration(snapshot, stateful_set, *replacement, &mut out);
    }
    caveats(Some(service), recreate_service || !replacements.is_empty(), &mut out);
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

                | pod | in namespace `default` | from any namespace |
                | --- | --- | --- |
                | `redis-0.redis.default.svc.cluster.local` | `redis-0.redis` | `redis-0.redis.default` |
                | `redis-1.redis.default.svc.cluster.local` | `redis-1.redis` | `redis-1.redis.default` |
                | `redis-2.redis.default.svc.cluster.local` | `redis-2.redis` | `redis-2.redis.default` |

                Service DNS name: `redis.default.svc.cluster.local`

                SRV: `_redis._tcp.redis.default.svc.cluster.local`

                Namespace `default` (from `metadata.namespace`).

                Cluster domain `cluster.local` (the default; set `clusterDomain` if your cluster uses another).

                **Link: broken** (`service-not-headless`): set `clusterIP: None` on the Service (a deployed Service must be deleted and recreated: `clusterIP` cannot change), or create a separate headless Service and point `serviceName` at it.

                If Service `redis` is deployed, `clusterIP` cannot change: delete and recreate it.

                ```sh
                kubectl delete service redis -n default
                kubectl apply -f /app/redis.yaml
                ```

                With a separate headless Service instead: on a deployed StatefulSet `redis`, `serviceName` cannot change: replace it, keeping its pods, then restart them.

                ```sh
                kubectl delete statefulset redis -n default --cascade=orphan
                kubectl apply -f /app/redis.yaml
                kubectl rollout restart statefulset redis -n default
                ```

                ---

                - Names resolve only for existing, Ready pods. Peer discovery at start-up needs `publishNotReadyAddresses: true` on the Service.
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

                | pod | in namespace `default` | from any namespace |
                | --- | --- | --- |
                | `redis-0.redis.default.svc.cluster.local` | `redis-0.redis` | `redis-0.redis.default` |
                | `redis-1.redis.default.svc.cluster.local` | `redis-1.redis` | `redis-1.redis.default` |
                | `redis-2.redis.default.svc.cluster.local` | `redis-2.redis` | `redis-2.redis.default` |

                **Link: broken** (`service-not-headless`): set `clusterIP: None` on the Service (a deployed Service must be deleted and recreated: `clusterIP` cannot change), or create a separate headless Service and point `serviceName` at it.

                If Service `redis` is deployed, `clusterIP` cannot change: delete and recreate it.

                ```sh
                kubectl delete service redis -n default
                kubectl apply -f /app/redis.yaml
                ```

                With a separate headless Service instead: on a deployed StatefulSet `redis`, `serviceName` cannot change: replace it, keeping its pods, then restart them.

                ```sh
                kubectl delete statefulset redis -n default --cascade=orphan
                kubectl apply -f /app/redis.yaml
                kubectl rollout restart statefulset redis -n default
                ```

                ---

                - Names resolve only for existing, Ready pods. Peer discovery at start-up needs `publishNotReadyAddresses: true` on the Service.
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

                | pod | in namespace `shop` | from any namespace |
                | --- | --- | --- |
                | `web-5.web.shop.svc.cluster.local` | `web-5.web` | `web-5.web.shop` |
                | `web-6.web.shop.svc.cluster.local` | `web-6.web` | `web-6.web.shop` |
                | `web-7.web.shop.svc.cluster.local` | `web-7.web` | `web-7.web.shop` |
                | … | | |
                | `web-103.web.shop.svc.cluster.local` | `web-103.web` | `web-103.web.shop` |
                | `web-104.web.shop.svc.cluster.local` | `web-104.web` | `web-104.web.shop` |

                Pattern: `web-<ordinal>.web.shop.svc.cluster.local`, ordinal 5 to 104

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
    fn the_card_does_not_repeat_a_diagnostic_message() {
        let (snapshot, file, offset) = cursor_snapshot(&BROKEN.replace("serviceName: redis", "serviceName: re$0dis"));
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let markdown = super::hover(&snapshot, &diagnostics, file, offset).expect("a hover").markdown;
        let messages: Vec<&str> = diagnostics.all().map(|finding| finding.message.as_str()).collect();
        assert!(!messages.is_empty());
        for message in messages {
            assert!(!markdown.contains(message), "the card repeats {message:?}:\n{markdown}");
        }
    }

    #[test]
    fn a_missing_service_name_shows_how_to_replace_a_deployed_stateful_set() {
        check(
            r#"
#- /app/my web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: w$0eb, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
"#,
            expect![[r#"
                range: "web"
                ### StatefulSet `web`

                No `serviceName`: the pods get no per-pod DNS names.

                Namespace `shop` (from `metadata.namespace`).

                Cluster domain `cluster.local` (the default; set `clusterDomain` if your cluster uses another).

                **Link: broken** (`service-name-missing`): add a headless Service (`clusterIP: None`) that selects the pods and name it in `spec.serviceName`; the quick fix does both.

                If StatefulSet `web` is deployed, `serviceName` cannot change: replace it, keeping its pods, then restart them.

                ```sh
                kubectl delete statefulset web -n shop --cascade=orphan
                kubectl apply -f '/app/my web.yaml'
                kubectl rollout restart statefulset web -n shop
                ```

                ---

                - Names resolve only for existing, Ready pods. Peer discovery at start-up needs `publishNotReadyAddresses: true` on the Service.
            "#]],
        );
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(super::shell_word("k8s/redis.yaml"), "k8s/redis.yaml");
        assert_eq!(super::shell_word("my web.yaml"), "'my web.yaml'");
        assert_eq!(super::shell_word("it's"), "'it'\\''s'");
        assert_eq!(super::shell_word(""), "''");
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
