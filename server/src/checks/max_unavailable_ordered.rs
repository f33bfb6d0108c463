//! `max-unavailable-ordered`: `updateStrategy.rollingUpdate.maxUnavailable`
//! allows more than one pod down at once (`MaxUnavailableStatefulSet`, beta
//! since Kubernetes 1.35) while `podManagementPolicy` is the default
//! `OrderedReady`, under which the controller still waits for each pod to be
//! Ready in order, so the update may go one pod at a time all the same.
//!
//! "More than one pod": a number above 1, or a percentage that, rounded up
//! as the controller rounds it, is more than one pod of `spec.replicas` (1
//! when absent). The check reads no `kubernetesVersion`: before 1.35 the
//! gate is off by default and the field is not honoured either.

use super::{Code, Finding};
use crate::config::Level;
use crate::model::Field;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::MaxUnavailableOrdered,
    name: "max-unavailable-ordered",
    default_level: Level::Information,
    other_default_level: None,
    summary: "`maxUnavailable` above 1 with the default `OrderedReady` policy, which may not honour it",
    help: "set `podManagementPolicy: Parallel` to update several pods at once, or `maxUnavailable: 1`",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(set) = stateful_set.stateful_set() else { return };
    let Some(field) = &set.max_unavailable else { return };
    // Another policy, or another strategy (`OnDelete` takes no
    // `rollingUpdate`), is outside this rule; a misspelt one the API rejects.
    let is_default_or =
        |field: &Option<Field>, default: &str| field.as_ref().and_then(Field::as_str).is_none_or(|v| v == default);
    if !is_default_or(&set.pod_management_policy, "OrderedReady")
        || !is_default_or(&set.update_strategy_type, "RollingUpdate")
    {
        return;
    }
    let replicas = set.replica_count();
    let (pods, written) = match (field.as_int(), percentage(field)) {
        (Some(count), _) => (count, count.to_string()),
        (None, Some(percent)) => {
            let pods = pods_of_percentage(percent, replicas);
            (pods, format!("{percent}% ({pods} of {replicas} pods)"))
        }
        (None, None) => return,
    };
    if pods <= 1 {
        return;
    }
    let message = format!(
        "maxUnavailable {written} may not be honoured under the default OrderedReady policy; \
         expect one pod at a time, or recreate the StatefulSet with podManagementPolicy: Parallel"
    );
    let mut finding = Finding::new(stateful_set.id.file, stateful_set.absolute(field.value), RULE.code, message);
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

/// `"50%"`: the number before the sign, as the API's int-or-string reads it.
fn percentage(field: &Field) -> Option<i64> {
    let digits = field.as_str()?.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A percentage of the replicas in pods, rounded up as the controller does
/// for `maxUnavailable`.
fn pods_of_percentage(percent: i64, replicas: i64) -> i64 {
    percent.saturating_mul(replicas).saturating_add(99) / 100
}

#[cfg(test)]
mod tests {
    use super::pods_of_percentage;
    use crate::checks::fixture::check_findings;

    #[test]
    fn percentages_round_up() {
        assert_eq!(pods_of_percentage(50, 3), 2);
        assert_eq!(pods_of_percentage(34, 3), 2);
        assert_eq!(pods_of_percentage(33, 3), 1);
        assert_eq!(pods_of_percentage(100, 1), 1);
        assert_eq!(pods_of_percentage(1, 0), 0);
        assert_eq!(pods_of_percentage(i64::MAX, i64::MAX), i64::MAX / 100);
    }

    #[test]
    fn more_than_one_pod_under_ordered_ready_is_reported() {
        let set = |name: &str, spec: &str, annotation: &str| {
            format!(
                "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: {name}}}\nspec:\n  serviceName: a\n  \
                 selector: {{matchLabels: {{app: a}}}}\n  template: {{metadata: {{labels: {{app: a}}}}}}\n\
                 {spec}\n{annotation}\n"
            )
        };
        let strategy = |max: &str| format!("  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: {max}");
        let mut fixture = String::from(
            "#- /app/sets.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n\
             spec: {clusterIP: None, selector: {app: a}}\n",
        );
        let info =
            |width: usize| format!("#{}{} information max-unavailable-ordered", " ".repeat(21), "^".repeat(width));
        fixture += &set("a", &strategy("2"), &info(1));
        fixture += &set("b", &format!("  replicas: 3\n{}", strategy("50%")), &info(3));
        fixture += &set("c", &format!("  podManagementPolicy: OrderedReady\n{}", strategy("0x10")), &info(4));
        // One pod at a time, or fewer: nothing to report.
        fixture += &set("d", &strategy("1"), "");
        fixture += &set("e", &format!("  replicas: 3\n{}", strategy("33%")), "");
        fixture += &set("f", &strategy("50%"), "");
        // Parallel honours it; other strategies and values are not this rule's.
        fixture += &set("g", &format!("  podManagementPolicy: Parallel\n{}", strategy("2")), "");
        fixture += &set("h", &format!("{}\n    type: OnDelete", strategy("2")), "");
        fixture += &set("i", &strategy("'2'"), "");
        fixture += &set("j", &strategy("half"), "");
        check_findings(&fixture);
    }
}
