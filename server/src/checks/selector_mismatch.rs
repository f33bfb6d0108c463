//! `selector-mismatch`: the governing Service's selector is empty (and no
//! Endpoints/EndpointSlice of its name exist) or selects none of the
//! StatefulSet's pods. Shown on both sides of the tie.

use super::edit::{DocumentEditor, FileEdit, Fix, Value};
use super::{Code, Finding, Place};
use crate::model::Labels;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::SelectorMismatch,
    name: "selector-mismatch",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "the governing Service's selector is empty or selects none of the StatefulSet's pods",
    help: "make the Service's `selector` a subset of the pod template's labels (`spec.template.metadata.labels`); the \
           quick fix sets it to the StatefulSet's `spec.selector.matchLabels`",
    check: super::code::Check::Tie(check_stateful_set),
    fixes: Some(fixes),
};

const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// Whether the Service's selector matches at least one pod of the set. The
/// controller adds `statefulset.kubernetes.io/pod-name` and
/// `apps.kubernetes.io/pod-index` to each pod; a selector on those matches
/// when its value names a pod of the set. An empty selector matches nothing.
pub(super) fn selects_some_pod(service: &ObjectView<'_>, stateful_set: &ObjectView<'_>) -> bool {
    let Some(selector) = service.service().map(|spec| &spec.selector) else { return false };
    let Some(template) = &stateful_set.object.pod_template else { return false };
    selects_pod(selector, &template.labels, stateful_set)
}

fn selects_pod(selector: &Labels, template_labels: &Labels, stateful_set: &ObjectView<'_>) -> bool {
    if selector.is_empty() {
        return false;
    }
    let Some(set) = stateful_set.stateful_set() else { return false };
    let first = set.first_ordinal();
    let count = set.replica_count();
    // Only the ordinals a selector names can make a difference; any other one
    // stands for all the rest.
    let mut candidates: Vec<i64> = Vec::new();
    for (key, value) in selector.iter() {
        if key == POD_INDEX_LABEL {
            candidates.extend(value.parse::<i64>().ok());
        } else if key == POD_NAME_LABEL {
            candidates.extend(
                value
                    .strip_prefix(stateful_set.name())
                    .and_then(|rest| rest.strip_prefix('-'))
                    .and_then(|n| n.parse::<i64>().ok()),
            );
        }
    }
    candidates.push(first);
    candidates.into_iter().filter(|ordinal| *ordinal >= first && *ordinal < first + count).any(|ordinal| {
        selector.iter().all(|(key, value)| {
            let actual = match key {
                POD_NAME_LABEL => Some(format!("{}-{ordinal}", stateful_set.name())),
                POD_INDEX_LABEL => Some(ordinal.to_string()),
                other => template_labels.get(other).map(str::to_owned),
            };
            actual.as_deref() == Some(value)
        })
    })
}

/// The findings of this rule about one StatefulSet.
pub(super) fn check_stateful_set(snapshot: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(service) = snapshot.governing_service(&stateful_set) else { return };
    let Some(spec) = service.service() else { return };
    let Some(service_name_field) = stateful_set.stateful_set().and_then(|set| set.service_name.as_ref()) else {
        return;
    };
    let template_labels =
        stateful_set.object.pod_template.as_ref().map(|template| template.labels.clone()).unwrap_or_default();
    let name = service.name();
    let set_name = stateful_set.name();
    // What is wrong and what it breaks, then (shortened: labels can be long)
    // what each side says.
    let message = if spec.selector.is_empty() {
        if snapshot.index.has_endpoints(service.namespace(), name) {
            return;
        }
        super::sentence_with_names(&[name, set_name], |names| {
            format!("Service {} has no selector: pods of StatefulSet {} get no DNS records", names[0], names[1])
        })
    } else if selects_pod(&spec.selector, &template_labels, &stateful_set) {
        return;
    } else {
        format!(
            "{}; it selects {}, the pods have {}",
            super::sentence_with_names(&[name, set_name], |names| format!(
                "Service {} selects no pod of StatefulSet {}: they get no DNS records",
                names[0], names[1]
            )),
            super::shortened(&spec.selector.display(), 35),
            super::shortened(&template_labels.display(), 35)
        )
    };
    let service_range = match &spec.selector_field {
        Some(field) => service.absolute(field.key),
        None => service.anchor_range(),
    };
    let set_place = Place { file: stateful_set.id.file, range: stateful_set.absolute(service_name_field.value) };
    let service_place = Place { file: service.id.file, range: service_range };
    findings.push(Finding::about_tie(
        Code::SelectorMismatch,
        set_place,
        message.clone(),
        service_place,
        format!("the selector of Service '{name}'"),
        stateful_set.id,
        service.id,
    ));
    findings.push(Finding::about_tie(
        Code::SelectorMismatch,
        service_place,
        message,
        set_place,
        format!("StatefulSet '{set_name}' names this Service"),
        stateful_set.id,
        service.id,
    ));
}

pub(super) fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let (Some(stateful_set), Some(service)) =
        (finding.stateful_set.and_then(|id| snapshot.object(id)), finding.service.and_then(|id| snapshot.object(id)))
    else {
        return Vec::new();
    };
    let labels = super::edit::pod_selector_labels(&stateful_set);
    if labels.is_empty() {
        return Vec::new();
    }
    let editor = DocumentEditor::of(&service);
    let value = Value::labels(&labels);
    let edit = match &service.object.spec {
        Some(spec) if !spec.is_scalar => editor.set_entry(spec.value_node, "selector", &value),
        _ => None,
    };
    let Some(edit) = edit else { return Vec::new() };
    vec![Fix::new(
        super::edit::fitting_title([
            format!("Set the selector of Service '{}' to {}", service.name(), labels.display()),
            format!("Set the selector of Service '{}' to the pods' labels", service.name()),
            "Set the selector of the Service to the pods' labels".to_owned(),
        ]),
        vec![FileEdit { file: service.id.file, edits: vec![edit] }],
    )
    .preferred()]
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    #[test]
    fn a_drifted_selector_is_shown_on_both_sides() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector:
# ^^^^^^^^ warning selector-mismatch
    app: redis-cache
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
#              ^^^^^ warning selector-mismatch
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }

    #[test]
    fn an_empty_selector_is_fine_with_endpoints() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None}
---
apiVersion: v1
kind: Endpoints
metadata: {name: redis}
subsets:
  - addresses: [{ip: 10.1.2.3}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }

    #[test]
    fn an_empty_selector_without_endpoints_selects_nothing() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
#       ^^^^^ warning selector-mismatch
spec: {clusterIP: None}
---
# Endpoints that list no address give the Service no pods.
apiVersion: v1
kind: Endpoints
metadata: {name: redis}
subsets: []
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
#              ^^^^^ warning selector-mismatch
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }

    #[test]
    fn controller_labels_match_pods_of_the_set() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector: {app: redis, statefulset.kubernetes.io/pod-name: redis-2}
---
apiVersion: v1
kind: Service
metadata: {name: other}
spec:
  clusterIP: None
  selector: {app: redis, apps.kubernetes.io/pod-index: "7"}
# ^^^^^^^^ warning selector-mismatch
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  serviceName: other
#              ^^^^^ warning selector-mismatch
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }

    #[test]
    fn fix_sets_the_selector() {
        check_fix(
            "selector",
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector:
    app: redis-cache
    tier: db
  ports:
    - port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: r$0edis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector:
    app: redis
  ports:
    - port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }
}
