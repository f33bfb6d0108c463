//! `statefulset-name-too-long`: a valid name of 53 to 63 characters. The
//! controller adds a `controller-revision-hash` label of the name plus a hash
//! to each pod, which then passes 63 characters, so pods usually fail to be
//! created.

use super::{Code, Finding};
use crate::model::names::is_dns1123_label;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::StatefulSetNameTooLong,
    name: "statefulset-name-too-long",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "the StatefulSet name has 53 to 63 characters: its pods usually fail to be created",
    help: "use at most 52 characters: the controller labels each pod with `controller-revision-hash`, the name plus \
           `-` and a 10-character hash, and a label value has at most 63",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(field) = &stateful_set.object.name else { return };
    let Some(name) = field.as_str() else { return };
    if !is_dns1123_label(name) || name.len() < 53 {
        return;
    }
    let mut finding = Finding::new(
        stateful_set.id.file,
        stateful_set.absolute(field.value),
        Code::StatefulSetNameTooLong,
        format!(
            "the StatefulSet name has {} characters: its pods usually fail to be created; use at most 52",
            name.len()
        ),
    );
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn fifty_three_characters_warn_and_fifty_two_do_not() {
        let long = "a".repeat(53);
        let fine = "b".repeat(52);
        let carets = "^".repeat(53);
        check_findings(&format!(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  # kube-lsp: ignore service-name-missing
  name: {long}
#       {carets} warning statefulset-name-too-long
spec:
  selector: {{matchLabels: {{app: a}}}}
  template: {{metadata: {{labels: {{app: a}}}}}}
---
# kube-lsp: ignore service-name-missing
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {fine}
spec:
  selector: {{matchLabels: {{app: b}}}}
  template: {{metadata: {{labels: {{app: b}}}}}}
"#
        ));
    }
}
