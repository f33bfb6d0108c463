//! `dns-name-wrong-service`: a pod's name under a Service other than its
//! StatefulSet's `serviceName` (pods get DNS records only under their
//! governing Service), or under any Service when the StatefulSet has none.

use super::references::{self, Problem, Reference, Resolution};
use super::{Code, Finding, Fix};
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameWrongService,
    name: "dns-name-wrong-service",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a DNS name in a string names a pod under a Service other than its StatefulSet's `serviceName`",
    help: "name the pod under its governing Service, the one `spec.serviceName` names: pods get DNS records under \
           that Service only",
    check: super::code::Check::References(check),
    fixes: Some(fixes),
};

fn check(_: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>, findings: &mut Vec<Finding>) {
    let Some(Problem::WrongService { expected }) = &resolution.problem else { return };
    let set = reference.stateful_set_name().unwrap_or("");
    let service = reference.label(&reference.address.service);
    let message = match expected {
        Some(expected) => super::sentence_with_names(&[set, expected, service], |names| {
            format!("pods of StatefulSet {} get DNS names under Service {} only, not {}", names[0], names[1], names[2])
        }),
        None => super::sentence_with_names(&[set, service], |names| {
            format!("StatefulSet {} has no serviceName: its pods get no DNS names under {}", names[0], names[1])
        }),
    };
    findings.push(references::finding(reference, resolution, Code::DnsNameWrongService, message));
}

fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some((reference, resolution)) = references::at_finding(snapshot, finding) else { return Vec::new() };
    let Some(Problem::WrongService { expected: Some(expected) }) = &resolution.problem else { return Vec::new() };
    let written = references::written(snapshot, &reference);
    let label = &reference.address.service;
    let title = super::edit::fitting_title([
        format!("Replace Service '{}' with '{expected}' in '{written}'", reference.label(label)),
        format!("Replace Service '{}' with '{expected}'", reference.label(label)),
        "Name the governing Service".to_owned(),
    ]);
    vec![references::replace_label(&reference, label, expected, title)]
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    const ZK: &str = "\
#- /app/zk.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk}
spec:
  serviceName: zk-hs
  replicas: 3
  selector: {matchLabels: {app: zk}}
  template: {metadata: {labels: {app: zk}}}
---
apiVersion: v1
kind: Service
metadata: {name: zk-hs}
spec: {clusterIP: None, selector: {app: zk}}
---
apiVersion: v1
kind: Service
metadata: {name: zk-client}
spec: {selector: {app: zk}}
";

    #[test]
    fn a_pod_under_a_service_other_than_its_governing_one() {
        check_findings(&format!(
            r#"{ZK}#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {{name: app}}
data:
  server.1: zk-0.zk-client:2888:3888
#           ^^^^^^^^^^^^^^ warning dns-name-wrong-service
  server.2: zk-1.zk-hs:2888:3888
  server.3: zk-2.zk-h:2888:3888
#           ^^^^^^^^^ warning dns-name-unknown
  literal: |
    server.1=zk-0.zk-client:2888:3888
#            ^^^^^^^^^^^^^^ warning dns-name-wrong-service
"#
        ));
    }

    #[test]
    fn the_fix_names_the_governing_service() {
        check_fix(
            "with 'zk-hs'",
            &format!("{ZK}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: $0zk-0.zk-client:2181\n"),
            &format!("\n{ZK}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: zk-0.zk-hs:2181\n"),
        );
    }
}
