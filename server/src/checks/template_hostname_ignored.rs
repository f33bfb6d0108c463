//! `template-hostname-ignored`: a StatefulSet's pod template sets `hostname`
//! or `subdomain`. The controller overwrites both on every pod it creates,
//! with the pod's name and the set's `serviceName`, so the values written
//! there never reach a pod. A `subdomain` equal to `serviceName` is what the
//! controller writes anyway and is not reported.

use super::{Code, Finding};
use crate::config::Level;
use crate::model::Field;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::TemplateHostnameIgnored,
    name: "template-hostname-ignored",
    default_level: Level::Information,
    other_default_level: None,
    summary: "the pod template sets `hostname` or `subdomain`, which the controller replaces",
    help:
        "remove `hostname` and `subdomain` from the pod template: each pod is named `<statefulset>-<ordinal>` and its \
           subdomain is `serviceName`",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let (Some(template), Some(set)) = (&stateful_set.object.pod_template, stateful_set.stateful_set()) else {
        return;
    };
    let name = stateful_set.name();
    let mut report = |field: &Field, message: String| {
        let mut finding = Finding::new(stateful_set.id.file, stateful_set.absolute(field.value), RULE.code, message);
        finding.stateful_set = Some(stateful_set.id);
        findings.push(finding);
    };
    if let Some(field) = &template.hostname {
        if let Some(hostname) = field.as_str().filter(|hostname| !hostname.is_empty()) {
            let first_pod = format!("{name}-{}", set.first_ordinal());
            report(
                field,
                format!(
                    "hostname '{hostname}' is ignored: the controller gives each pod its pod name \
                     ({first_pod}, ...) as hostname; remove it"
                ),
            );
        }
    }
    if let Some(field) = &template.subdomain {
        if let Some(subdomain) = field.as_str().filter(|subdomain| !subdomain.is_empty()) {
            match set.service_name() {
                Some(service) if service == subdomain => {}
                Some(service) => report(
                    field,
                    format!(
                        "subdomain '{subdomain}' is ignored: the controller sets it to serviceName '{service}'; \
                         remove it, or name that Service in serviceName"
                    ),
                ),
                None => report(
                    field,
                    format!(
                        "subdomain '{subdomain}' is ignored: the controller sets it to serviceName, which is empty; \
                         name the Service in serviceName instead"
                    ),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn hostname_and_a_subdomain_other_than_the_service_name_are_reported() {
        check_findings(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: a}
spec:
  serviceName: a
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      hostname: db
#               ^^ information template-hostname-ignored
      subdomain: peers
#                ^^^^^ information template-hostname-ignored
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec:
  serviceName: a
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      subdomain: a
      hostname: ""
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: c}
#                ^ information service-name-missing
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      subdomain: a
#                ^ information template-hostname-ignored
---
apiVersion: v1
kind: Pod
metadata: {name: d}
spec:
  hostname: db
  subdomain: a
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {clusterIP: None, selector: {app: a}}
"#,
        );
    }
}
