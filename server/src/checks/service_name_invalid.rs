//! `service-name-invalid`: `spec.serviceName` is not a DNS-1123 label (error:
//! the API rejects it) or not a DNS-1035 label (warning: a Service of that name
//! cannot be created before Kubernetes 1.35).

use super::{Code, Finding};
use crate::config::Level;
/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::ServiceNameInvalid,
    name: "service-name-invalid",
    default_level: crate::config::Level::Error,
    other_default_level: Some(crate::config::Level::Warning),
    summary: "`spec.serviceName` is not a DNS-1123 label (error) or not a DNS-1035 label (warning)",
    help: "use lower-case letters, digits and `-`, starting with a letter and ending with a letter or digit, at most \
           63 characters; names starting with a digit need `RelaxedServiceNameValidation` (beta in Kubernetes 1.36)",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

use crate::model::names::{is_dns1035_label, is_dns1123_label};
use crate::workspace::{ObjectView, Snapshot};

/// The findings of this rule about one StatefulSet.
pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(field) = stateful_set.stateful_set().and_then(|set| set.service_name.as_ref()) else { return };
    let Some(name) = field.as_str().filter(|name| !name.is_empty()) else { return };
    let range = stateful_set.absolute(field.value);
    let (level, message) = if !is_dns1123_label(name) {
        (
            Level::Error,
            // The name is not quoted: the range shows it, and an invalid one
            // can be of any length.
            "serviceName is not a DNS-1123 label: the API rejects the StatefulSet; use lower-case letters, digits \
             and '-'"
                .to_owned(),
        )
    } else if !is_dns1035_label(name) {
        (
            Level::Warning,
            "serviceName starts with a digit: most clusters cannot create a Service of that name; \
             the pods then get no DNS names"
                .to_owned(),
        )
    } else {
        return;
    };
    let mut finding = Finding::new(stateful_set.id.file, range, Code::ServiceNameInvalid, message);
    finding.level = level;
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

/// Whether a `serviceName` is bad enough that no Service can have it, so that
/// looking the Service up says nothing more.
pub(super) fn is_unusable(name: &str) -> bool {
    !is_dns1123_label(name)
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn upper_case_is_an_error_and_a_leading_digit_a_warning() {
        check_findings(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: a}
spec:
  serviceName: Redis_Peers
#              ^^^^^^^^^^^ error service-name-invalid
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec:
  serviceName: 1peers
#              ^^^^^^ warning service-name-invalid
  selector: {matchLabels: {app: b}}
  template: {metadata: {labels: {app: b}}}
---
apiVersion: v1
kind: Service
metadata: {name: 1peers}
spec: {clusterIP: None, selector: {app: b}}
"#,
        );
    }
}
