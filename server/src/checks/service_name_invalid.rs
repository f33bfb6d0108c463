//! `service-name-invalid`: `spec.serviceName` is not a DNS-1123 label (error:
//! the API rejects it) or not a DNS-1035 label (a Service of that name cannot
//! be created before Kubernetes 1.36, where the `RelaxedServiceNameValidation`
//! gate is beta and on by default; it is GA in 1.37). The second finding
//! follows `kubernetesVersion`: a warning before 1.36 and when unset,
//! information on 1.36, nothing from 1.37 on.

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

/// The release from which a Service name need only be a DNS-1123 label: the
/// gate is beta (on by default) in it, and GA in the next.
const RELAXED_SERVICE_NAMES_BETA: u32 = 36;
const RELAXED_SERVICE_NAMES_GA: u32 = 37;

/// The findings of this rule about one StatefulSet.
pub(super) fn check_stateful_set(snapshot: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
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
        let version = snapshot.config.assumed_kubernetes_version();
        // From GA on every cluster accepts the name; on the beta release an
        // administrator may still have turned the gate off.
        let level = if version.is_at_least(RELAXED_SERVICE_NAMES_GA) {
            return;
        } else if version.is_at_least(RELAXED_SERVICE_NAMES_BETA) {
            Level::Information
        } else {
            Level::Warning
        };
        (
            level,
            "serviceName starts with a digit: clusters before 1.36 cannot create a Service of that name; \
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
    use crate::checks::fixture::{check_findings, check_findings_with};
    use crate::config::{Config, KubernetesVersion};

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

    /// A name with a leading digit, and one the API rejects on any release.
    const LEADING_DIGIT: &str = r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: a}
spec:
  serviceName: 1peers
#              ^^^^^^ LEVEL service-name-invalid
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec:
  serviceName: peers.b
#              ^^^^^^^ error service-name-invalid
  selector: {matchLabels: {app: b}}
  template: {metadata: {labels: {app: b}}}
---
apiVersion: v1
kind: Service
metadata: {name: 1peers}
spec: {clusterIP: None, selector: {app: a}}
"#;

    #[test]
    fn a_leading_digit_warns_before_1_36_informs_on_it_and_passes_from_1_37() {
        for (version, level) in [(None, Some("warning")), (Some(33), Some("warning")), (Some(35), Some("warning"))]
            .into_iter()
            .chain([(Some(36), Some("information")), (Some(37), None), (Some(40), None)])
        {
            let config =
                Config { kubernetes_version: version.map(|minor| KubernetesVersion { minor }), ..Config::default() };
            let fixture = match level {
                Some(level) => LEADING_DIGIT.replace("LEVEL", level),
                None => LEADING_DIGIT.lines().filter(|line| !line.contains("LEVEL")).collect::<Vec<_>>().join("\n"),
            };
            check_findings_with(config, &fixture);
        }
    }
}
