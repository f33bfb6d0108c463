//! `headless-service-type`: a headless Service with a `type` other than
//! `ClusterIP`; the API rejects it.

use super::{Code, Finding};
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::HeadlessServiceType,
    name: "headless-service-type",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "a headless Service has a `type` other than `ClusterIP`",
    help: "remove `type` (it defaults to `ClusterIP`) or set `type: ClusterIP`; expose the pods outside the cluster \
           through a separate Service",
    check: super::code::Check::Service(check_service),
    fixes: None,
};

pub(super) fn check_service(_: &Snapshot, service: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(spec) = service.service() else { return };
    let Some(type_field) = &spec.service_type else { return };
    if !spec.is_headless() || spec.service_type() == "ClusterIP" || type_field.is_null() {
        return;
    }
    let mut finding = Finding::new(
        service.id.file,
        service.absolute(type_field.value),
        Code::HeadlessServiceType,
        format!(
            "a headless Service cannot have type {}: the API rejects it; remove type",
            super::shortened(spec.service_type(), 40)
        ),
    );
    finding.service = Some(service.id);
    findings.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn node_port_cannot_be_headless() {
        check_findings(
            r#"
#- /app/services.yaml
apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  clusterIP: None
  type: NodePort
#       ^^^^^^^^ error headless-service-type
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {clusterIP: None, type: ClusterIP}
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec: {type: LoadBalancer}
"#,
        );
    }
}
