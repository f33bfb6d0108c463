//! `service-port-mismatch`: a Service port's named `targetPort` matches no
//! named `containerPort` of the pods it selects. Numeric target ports are not
//! checked: the API ignores `targetPort` on headless Services.

use super::{Code, Finding};

use crate::model::{PodTemplate, TargetPort};
use crate::workspace::ObjectView;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::ServicePortMismatch,
    name: "service-port-mismatch",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a Service port's named `targetPort` matches no named `containerPort` of the pod template",
    help: "name a `containerPort` of the pod template as the `targetPort` says, or use the port number",
    check: super::code::Check::Ports(check_service),
    fixes: None,
};

/// The findings of one Service, given the pod templates of its namespace
/// that carry its selector's first label (the caller keeps them by label, so
/// that a Service is never compared with every template of its namespace).
pub(super) fn check_service(service: ObjectView<'_>, candidates: &[&PodTemplate], findings: &mut Vec<Finding>) {
    let Some(spec) = service.service() else { return };
    // Pod templates of the Service's namespace that its selector matches.
    let templates: Vec<&PodTemplate> = candidates
        .iter()
        .filter(|template| spec.selector.iter().all(|(k, v)| template.labels.get(k) == Some(v)))
        .copied()
        .collect();
    if templates.is_empty() {
        return;
    }
    for port in &spec.ports {
        let (Some(TargetPort::Name(target)), Some(field)) = (&port.target_port, &port.target_port_field) else {
            continue;
        };
        let found = templates.iter().any(|template| template.ports.iter().any(|p| p.name.as_deref() == Some(target)));
        if found {
            continue;
        }
        let mut finding = Finding::new(
            service.id.file,
            service.absolute(field.value),
            Code::ServicePortMismatch,
            super::sentence_with_names(&[target, service.name()], |names| {
                format!("targetPort {} names no container port of the pods that Service {} selects", names[0], names[1])
            }),
        );
        finding.service = Some(service.id);
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn named_target_ports_must_exist() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: admin, port: 81, targetPort: admin}
#                                         ^^^^^ warning service-port-mismatch
    - {name: metrics, port: 82, targetPort: 9090}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: nginx
          ports:
            - {name: http, containerPort: 80}
"#,
        );
    }
}
