//! `dns-name-unknown`: a peer address whose one half is known and whose
//! other exists nowhere in the workspace: no StatefulSet of that name under
//! a known Service, or no Service of that name for a known StatefulSet.

use super::references::{self, Problem, Reference, Resolution};
use super::{Code, Finding, Fix};
use crate::model::AddressKind;
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameUnknown,
    name: "dns-name-unknown",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a DNS name in a string names a StatefulSet or Service that exists nowhere in the workspace",
    help: "correct the name (a near one is suggested), or add the missing object to the workspace",
    check: super::code::Check::References(check),
    fixes: Some(fixes),
};

fn check(_: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>, findings: &mut Vec<Finding>) {
    let Some(Problem::Unknown { stateful_set, closest }) = &resolution.problem else { return };
    let (kind, name) = if *stateful_set {
        ("StatefulSet", reference.stateful_set_name().unwrap_or(""))
    } else {
        ("Service", reference.label(&reference.address.service))
    };
    let mut message = super::sentence_with_names(&[name], |names| {
        format!("no {kind} {} exists in the workspace: this DNS name resolves to nothing", names[0])
    });
    if let Some(closest) = closest {
        message.push_str(&format!("; did you mean '{}'?", super::shortened(closest, 63)));
    }
    findings.push(references::finding(reference, resolution, Code::DnsNameUnknown, message));
}

fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some((reference, resolution)) = references::at_finding(snapshot, finding) else { return Vec::new() };
    let Some(Problem::Unknown { stateful_set, closest: Some(closest) }) = &resolution.problem else {
        return Vec::new();
    };
    let label = match (&reference.address.kind, stateful_set) {
        (AddressKind::Pod { stateful_set, .. }, true) => stateful_set,
        _ => &reference.address.service,
    };
    let written = references::written(snapshot, &reference);
    let title = super::edit::fitting_title([
        format!("Replace '{}' with '{closest}' in '{written}'", reference.label(label)),
        format!("Replace '{}' with '{closest}'", reference.label(label)),
        "Replace the name with the nearest known one".to_owned(),
    ]);
    vec![references::replace_label(&reference, label, closest, title)]
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    const REDIS: &str = "\
#- /app/redis.yaml
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
";

    #[test]
    fn an_unknown_half_beside_a_known_one() {
        check_findings(&format!(
            r#"{REDIS}#- /app/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {{name: config}}
data:
  a: "replicaof redsi-0.redis 6379"
#               ^^^^^^^^^^^^^ warning dns-name-unknown
  b: "replicaof redis-0.rediss 6379"
#               ^^^^^^^^^^^^^^ warning dns-name-unknown
  c: "nothing known: cache-0.memcached, web-1.example.com, redis.conf, server.1"
  d: "redis-0.redis-headless-x is plain text: neither half near"
"#
        ));
    }

    #[test]
    fn the_fix_writes_the_nearest_name() {
        check_fix(
            "with 'redis'",
            &format!(
                "{REDIS}#- /app/config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: config}}\ndata:\n  a: replicaof $0redsi-0.redis 6379\n"
            ),
            &format!(
                "\n{REDIS}#- /app/config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: config}}\ndata:\n  a: replicaof redis-0.redis 6379\n"
            ),
        );
    }
}
