//! `statefulset-name-invalid`: the StatefulSet name is not a DNS-1123 label;
//! the API rejects it since Kubernetes 1.27.

use super::{Code, Finding};
use crate::model::names::is_dns1123_label;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::StatefulSetNameInvalid,
    name: "statefulset-name-invalid",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "the StatefulSet name is not a DNS-1123 label",
    help: "use lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 52 characters \
           (pod names and their DNS names are built from it)",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(field) = &stateful_set.object.name else { return };
    let Some(name) = field.as_str().filter(|name| !name.is_empty()) else { return };
    if is_dns1123_label(name) {
        return;
    }
    let detail = if name.len() > 63 {
        format!("it has {} characters, at most 63 are allowed", name.len())
    } else {
        "use lower-case letters, digits and '-', starting and ending with a letter or digit".to_owned()
    };
    let mut finding = Finding::new(
        stateful_set.id.file,
        stateful_set.absolute(field.value),
        Code::StatefulSetNameInvalid,
        // The name is not quoted: the range shows it, and an invalid one can
        // be of any length.
        format!("the StatefulSet name is not a DNS-1123 label: the API rejects it; {detail}"),
    );
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn dots_and_capitals_are_invalid() {
        check_findings(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: Redis.Cache
#       ^^^^^^^^^^^ error statefulset-name-invalid
spec:
  serviceName: redis
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }
}
