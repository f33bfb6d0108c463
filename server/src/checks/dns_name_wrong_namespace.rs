//! `dns-name-wrong-namespace`: a peer address names an object that exists,
//! but not in the namespace the name resolves in: a short form used from
//! another namespace, or an explicit namespace that is not the object's.

use super::references::{self, Problem, Reference, Resolution};
use super::{Code, Finding, Fix};
use crate::text::TextEdit;
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameWrongNamespace,
    name: "dns-name-wrong-namespace",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a DNS name in a string resolves in a namespace that does not hold the object it names",
    help: "write the object's namespace in the name (`redis-0.redis.cache`): a short name resolves in the \
           namespace of the pod that looks it up",
    check: super::code::Check::References(check),
    fixes: Some(fixes),
};

fn check(_: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>, findings: &mut Vec<Finding>) {
    let Some(Problem::WrongNamespace { expected }) = &resolution.problem else { return };
    let kind = if reference.stateful_set_name().is_some() { "StatefulSet" } else { "Service" };
    let name = reference.stateful_set_name().unwrap_or(reference.label(&reference.address.service));
    let message = super::sentence_with_names(&[name, expected, &resolution.namespace], |names| {
        format!("{kind} {} is in namespace {}, not {}: this DNS name resolves to nothing", names[0], names[1], names[2])
    });
    findings.push(references::finding(reference, resolution, Code::DnsNameWrongNamespace, message));
}

fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some((reference, resolution)) = references::at_finding(snapshot, finding) else { return Vec::new() };
    let Some(Problem::WrongNamespace { expected }) = &resolution.problem else { return Vec::new() };
    if expected.is_empty() {
        return Vec::new();
    }
    let written = references::written(snapshot, &reference);
    let title = super::edit::fitting_title([
        format!("Write namespace '{expected}' in '{written}'"),
        format!("Write namespace '{expected}'"),
        "Write the right namespace".to_owned(),
    ]);
    match &reference.address.namespace {
        Some(namespace) => vec![references::replace_label(&reference, namespace, expected, title)],
        None => {
            let at = reference.object.absolute(reference.address.service.range()).end;
            let edit = TextEdit::new(crate::syntax::TextRange::empty(at), format!(".{expected}"));
            vec![Fix::new(title, vec![super::FileEdit { file: reference.object.id.file, edits: vec![edit] }])
                .preferred()]
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    const REDIS: &str = "\
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec: {clusterIP: None, selector: {app: redis}}
";

    #[test]
    fn short_and_explicit_names_from_the_wrong_namespace() {
        check_findings(&format!(
            r#"{REDIS}#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {{name: app}}
data:
  short: "slaveof redis-0.redis 6379"
#                 ^^^^^^^^^^^^^ warning dns-name-wrong-namespace
  explicit: redis-1.redis.other.svc.cluster.local:6379
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-namespace
  service: redis.default.svc
#          ^^^^^^^^^^^^^^^^^ warning dns-name-wrong-namespace
  right: redis-1.redis.cache, redis-2.redis.cache.svc.cluster.local., redis.cache.svc
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app, namespace: cache}}
data: {{same-namespace: "redis-0.redis"}}
"#
        ));
    }

    #[test]
    fn the_fix_writes_the_namespace() {
        check_fix(
            "namespace 'cache'",
            &format!("{REDIS}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: slaveof $0redis-0.redis 6379\n"),
            &format!("\n{REDIS}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: slaveof redis-0.redis.cache 6379\n"),
        );
        check_fix(
            "namespace 'cache'",
            &format!("{REDIS}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: $0redis-0.redis.other.svc\n"),
            &format!("\n{REDIS}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: redis-0.redis.cache.svc\n"),
        );
    }
}
