//! `cluster-ip-invalid`: `clusterIP` is a near miss of `None` (`none`,
//! `"None "`, ...) or not an IP address, or `clusterIP` and `clusterIPs[0]`
//! differ. A property of the Service alone.

use super::edit::{DocumentEditor, Fix};
use super::{Code, Finding};
use crate::model::names::{is_ip_address, is_near_miss_none};
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::ClusterIpInvalid,
    name: "cluster-ip-invalid",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "`clusterIP` is a near miss of `None` or not an IP address, or differs from `clusterIPs[0]`",
    help: "write `None` exactly (capital N, no quotes or spaces) for a headless Service, or an IP address of the \
           cluster's Service range equal to `clusterIPs[0]`, or leave `clusterIP` out",
    check: super::code::Check::Service(check_service),
    fixes: Some(fixes),
};

pub(super) fn check_service(_: &Snapshot, service: ObjectView<'_>, findings: &mut Vec<Finding>) {
    findings.extend(finding_for(&service));
}

/// The finding, if any: `service-not-headless` asks too, since a near miss
/// of `None` is reported on the Service here and not there.
pub(super) fn finding_for(service: &ObjectView<'_>) -> Option<Finding> {
    let spec = service.service()?;
    let field = spec.cluster_ip.as_ref().filter(|field| field.is_scalar && !field.is_null())?;
    let value = field.text.as_str();
    // Values are quoted with `'` and escaped, so that `"None "` shows its
    // space, and cut so that two fit in SPEC's first sentence.
    let quoted = |value: &str| format!("'{}'", super::shortened(value, 20).escape_debug());
    let message = if is_near_miss_none(value) {
        format!("clusterIP {} is not None: the value is case-sensitive and exact", quoted(value))
    } else if value != "None" && !value.is_empty() && !is_ip_address(value) {
        format!("clusterIP {} is neither None nor an IP address: the API rejects it", quoted(value))
    } else if let Some(first) = spec.cluster_ips.as_ref().and_then(|(_, items)| items.first()) {
        if first.text == value || value.is_empty() {
            return None;
        }
        format!("clusterIP {} and clusterIPs[0] {} differ: the API rejects it", quoted(value), quoted(&first.text))
    } else {
        return None;
    };
    let mut finding = Finding::new(service.id.file, service.absolute(field.value), Code::ClusterIpInvalid, message);
    finding.service = Some(service.id);
    Some(finding)
}

pub(super) fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some(service) = finding.service.and_then(|id| snapshot.object(id)) else { return Vec::new() };
    let Some(field) = service.service().and_then(|spec| spec.cluster_ip.as_ref()) else { return Vec::new() };
    if !is_near_miss_none(&field.text) {
        return Vec::new();
    }
    let editor = DocumentEditor::of(&service);
    vec![Fix::new(
        super::edit::fitting_title([
            format!("Replace '{}' with None in Service '{}'", field.text.escape_debug(), service.name()),
            format!("Replace '{}' with None", field.text.escape_debug()),
            "Replace clusterIP with None".to_owned(),
        ]),
        vec![super::FileEdit { file: service.id.file, edits: vec![editor.set_scalar(field, "None")] }],
    )
    .preferred()]
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    #[test]
    fn near_misses_and_non_addresses() {
        check_findings(
            r#"
#- /app/services.yaml
apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  clusterIP: none
#            ^^^^ error cluster-ip-invalid
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec:
  clusterIP: "None "
#            ^^^^^^^ error cluster-ip-invalid
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec:
  clusterIP: 10.0.0.300
#            ^^^^^^^^^^ error cluster-ip-invalid
---
apiVersion: v1
kind: Service
metadata: {name: d}
spec:
  clusterIP: 10.0.0.3
#            ^^^^^^^^ error cluster-ip-invalid
  clusterIPs: [10.0.0.4]
---
apiVersion: v1
kind: Service
metadata: {name: e}
spec: {clusterIP: None, clusterIPs: [None]}
"#,
        );
    }

    #[test]
    fn the_stateful_set_side_shows_not_headless() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: NONE
#            ^^^^ error cluster-ip-invalid
  selector: {app: redis}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
#              ^^^^^ error service-not-headless
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }

    #[test]
    fn fix_writes_none() {
        check_fix(
            "with None",
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: 'n$0one'   # headless
"#,
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None   # headless
"#,
        );
    }
}
