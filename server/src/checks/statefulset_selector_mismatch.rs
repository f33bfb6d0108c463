//! `statefulset-selector-mismatch`: the StatefulSet's `spec.selector` does
//! not match its own template labels, or is empty; the API rejects both.
//! Under `apps/v1beta1` an absent selector defaults to the template labels.

use super::{Code, Finding};
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::StatefulSetSelectorMismatch,
    name: "statefulset-selector-mismatch",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "the StatefulSet's `spec.selector` does not match its own template labels, or is empty",
    help: "set `spec.selector.matchLabels` to a subset of `spec.template.metadata.labels` (the selector cannot change \
           on a deployed StatefulSet)",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(set) = stateful_set.stateful_set() else { return };
    let template_labels =
        stateful_set.object.pod_template.as_ref().map(|template| template.labels.clone()).unwrap_or_default();
    let (range, message) = match (&set.selector_field, &set.selector) {
        (Some(field), Some(selector)) => {
            if selector.is_empty() {
                (field.key, "spec.selector is empty: the API rejects the StatefulSet".to_owned())
            } else if selector.matches_labels(&template_labels) {
                return;
            } else {
                (
                    field.key,
                    format!(
                        "spec.selector does not match the pod template labels: the API rejects the StatefulSet; \
                         the template has {}",
                        super::shortened(&template_labels.display(), 60)
                    ),
                )
            }
        }
        _ if set.api_version == "apps/v1beta1" => return,
        _ => {
            let range = stateful_set.object.spec.as_ref().map_or_else(
                || stateful_set.object.name.as_ref().map_or(stateful_set.object.kind.value, |name| name.value),
                |spec| spec.key,
            );
            (range, "the StatefulSet has no spec.selector: the API rejects it (required since apps/v1beta2)".to_owned())
        }
    };
    let mut finding =
        Finding::new(stateful_set.id.file, stateful_set.absolute(range), Code::StatefulSetSelectorMismatch, message);
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn the_selector_must_match_the_template() {
        check_findings(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: a}
spec:
  serviceName: a
#              ^ warning service-not-found
  selector:
# ^^^^^^^^ error statefulset-selector-mismatch
    matchLabels: {app: a}
    matchExpressions:
      - {key: tier, operator: In, values: [db]}
  template: {metadata: {labels: {app: a, tier: web}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec:
#^^^^ error statefulset-selector-mismatch
  serviceName: b
#              ^ warning service-not-found
  template: {metadata: {labels: {app: b}}}
---
apiVersion: apps/v1beta1
kind: StatefulSet
metadata: {name: c}
spec:
  serviceName: c
#              ^ warning service-not-found
  template: {metadata: {labels: {app: c}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: d}
spec:
  serviceName: d
#              ^ warning service-not-found
  selector:
    matchExpressions:
      - {key: tier, operator: NotIn, values: [web]}
  template: {metadata: {labels: {app: d, tier: db}}}
"#,
        );
    }
}
