//! `service-name-missing`: a StatefulSet without `spec.serviceName`. Optional
//! since Kubernetes 1.33, but then its pods get no per-pod DNS names.

use super::edit::{fitting_title, insert_generated_service, merge, DocumentEditor, FileEdit, Fix, Value};
use super::{Code, Finding};
use crate::model::names::is_dns1035_label;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::ServiceNameMissing,
    name: "service-name-missing",
    default_level: crate::config::Level::Information,
    other_default_level: None,
    summary: "a StatefulSet has no (or an empty) `spec.serviceName`, so its pods get no per-pod DNS names",
    help: "add a headless Service (`clusterIP: None`) that selects the pods and name it in `spec.serviceName`; the \
           quick fix does both",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: Some(fixes),
};

/// The findings of this rule about one StatefulSet.
pub(super) fn check_stateful_set(_: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(set) = stateful_set.stateful_set() else { return };
    if set.service_name().is_some() {
        return;
    }
    let range = match &set.service_name {
        Some(field) if !field.value.is_empty() => stateful_set.absolute(field.value),
        Some(field) => stateful_set.absolute(field.key),
        None => stateful_set.anchor_range(),
    };
    let mut finding = Finding::new(
        stateful_set.id.file,
        range,
        Code::ServiceNameMissing,
        super::sentence_with_names(&[stateful_set.name()], |names| {
            format!("StatefulSet {} has no serviceName: its pods get no stable DNS names", names[0])
        }),
    );
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

/// The name to give `serviceName`: the headless Service that already selects
/// the pods, else the StatefulSet's name, else `<name>-headless`; and whether
/// that Service exists.
fn chosen_service_name(snapshot: &Snapshot, stateful_set: &ObjectView<'_>) -> (String, bool) {
    // The first in file order, so that the choice does not depend on how a
    // map happens to iterate.
    let existing = snapshot
        .index
        .all_services()
        .filter_map(|service| snapshot.view(service))
        .filter(|service| {
            service.namespace() == stateful_set.namespace()
                && service.service().is_some_and(|spec| spec.is_headless() && !spec.selector.is_empty())
                && super::selector_mismatch::selects_some_pod(service, stateful_set)
        })
        .min_by_key(|service| service.id);
    if let Some(service) = existing {
        return (service.name().to_owned(), true);
    }
    let name = stateful_set.name();
    if is_dns1035_label(name) && !super::edit::service_exists(snapshot, stateful_set.namespace(), name) {
        (name.to_owned(), false)
    } else {
        let mut candidate = format!("{name}-headless");
        if !is_dns1035_label(&candidate) {
            candidate = "headless".to_owned();
        }
        let exists = super::edit::service_exists(snapshot, stateful_set.namespace(), &candidate);
        (candidate, exists)
    }
}

pub(super) fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some(stateful_set) = finding.stateful_set.and_then(|id| snapshot.object(id)) else { return Vec::new() };
    let Some(set) = stateful_set.stateful_set() else { return Vec::new() };
    let editor = DocumentEditor::of(&stateful_set);
    let (name, exists) = chosen_service_name(snapshot, &stateful_set);
    let set_name = match &set.service_name {
        Some(field) => Some(editor.set_scalar(field, &super::edit::quote(&name))),
        None => match &stateful_set.object.spec {
            Some(spec) => {
                editor.insert_entry(spec.value_node, "serviceName", &Value::Scalar(super::edit::quote(&name)))
            }
            None => None,
        },
    };
    let Some(set_name) = set_name else { return Vec::new() };
    let mut fixes = Vec::new();
    if exists {
        fixes.push(Fix::new(
            fitting_title([
                format!("Set serviceName of '{}' to headless Service '{name}'", stateful_set.name()),
                format!("Set serviceName to headless Service '{name}'"),
                "Set serviceName to the headless Service that selects the pods".to_owned(),
            ]),
            vec![FileEdit { file: stateful_set.id.file, edits: vec![set_name] }],
        ));
    } else {
        for publish in [false, true] {
            let mut edits = vec![FileEdit { file: stateful_set.id.file, edits: vec![set_name.clone()] }];
            edits.push(insert_generated_service(&stateful_set, &name, publish));
            let suffix = if publish { " for peer discovery" } else { "" };
            let title = fitting_title([
                format!("Set serviceName of '{}' to a new headless Service '{name}'{suffix}", stateful_set.name()),
                format!("Set serviceName to a new headless Service '{name}'{suffix}"),
                format!("Set serviceName and create its headless Service{suffix}"),
            ]);
            fixes.push(Fix::new(title, merge(edits)));
        }
    }
    if let Some(first) = fixes.first_mut() {
        first.is_preferred = true;
    }
    fixes
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    #[test]
    fn reports_a_missing_service_name_on_the_name() {
        check_findings(
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
#       ^^^ information service-name-missing
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
"#,
        );
    }

    #[test]
    fn an_empty_service_name_is_missing() {
        check_findings(
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: ""
#              ^^ information service-name-missing
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
"#,
        );
    }

    #[test]
    fn fix_adds_the_name_and_the_service() {
        check_fix(
            "to a new headless Service",
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: w$0eb
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx
          ports:
            - containerPort: 80
              name: http
"#,
            r#"
#- /app/web.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
    - name: http
      port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx
          ports:
            - containerPort: 80
              name: http
"#,
        );
    }

    #[test]
    fn fix_points_at_an_existing_headless_service() {
        check_fix(
            "to headless Service 'web-peers'",
            r#"
#- /app/web.yaml
apiVersion: v1
kind: Service
metadata: {name: web-peers}
spec:
  clusterIP: None
  selector: {app: web}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: w$0eb}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
"#,
            r#"
#- /app/web.yaml
apiVersion: v1
kind: Service
metadata: {name: web-peers}
spec:
  clusterIP: None
  selector: {app: web}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web-peers
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
"#,
        );
    }
}
