//! `service-not-headless`: the governing Service exists but has a cluster IP,
//! so the pods get no per-pod DNS records. Shown on both sides of the tie.

use super::edit::{fitting_title, generated_service, merge, quote, DocumentEditor, FileEdit, Fix, Value};
use super::{Code, Finding, Place};
use crate::model::Field;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::ServiceNotHeadless,
    name: "service-not-headless",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "the governing Service exists but is not headless (`clusterIP: None`)",
    help: "set `clusterIP: None` on the Service (a deployed Service must be deleted and recreated: `clusterIP` \
           cannot change), or create a separate headless Service and point `serviceName` at it",
    check: super::code::Check::Tie(check_stateful_set),
    fixes: Some(fixes),
};

/// The findings of this rule about one StatefulSet.
pub(super) fn check_stateful_set(snapshot: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(service) = snapshot.governing_service(&stateful_set) else { return };
    let Some(spec) = service.service() else { return };
    if spec.is_headless() {
        return;
    }
    let Some(service_name_field) = stateful_set.stateful_set().and_then(|set| set.service_name.as_ref()) else {
        return;
    };
    let name = service.name();
    let why = match &spec.cluster_ip {
        Some(field) if crate::model::names::is_near_miss_none(&field.text) => {
            format!("its clusterIP is '{}', not None (case-sensitive)", field.text.escape_debug())
        }
        Some(field) if !field.is_null() && !field.text.is_empty() => {
            format!("its clusterIP is {}", super::shortened(&field.text, 45))
        }
        _ => "it has no clusterIP: None".to_owned(),
    };
    // The same message on both sides: what is wrong and what it breaks first,
    // then the Service's value; how to fix it is the rule's help.
    let sentence = super::sentence_with_names(&[name, stateful_set.name()], |names| {
        format!("Service {} is not headless: pods of StatefulSet {} get no DNS names", names[0], names[1])
    });
    let message = format!("{sentence}; {why}");
    let set_place = Place { file: stateful_set.id.file, range: stateful_set.absolute(service_name_field.value) };
    let service_place = Place { file: service.id.file, range: service_side_range(&service, spec.cluster_ip.as_ref()) };
    findings.push(Finding::about_tie(
        Code::ServiceNotHeadless,
        set_place,
        message.clone(),
        service_place,
        format!("Service '{name}' is not headless"),
        stateful_set.id,
        service.id,
    ));
    // A near miss of `None` is `cluster-ip-invalid` on the Service itself.
    if super::cluster_ip_invalid::finding_for(&service).is_some() {
        return;
    }
    findings.push(Finding::about_tie(
        Code::ServiceNotHeadless,
        service_place,
        message,
        set_place,
        format!("StatefulSet '{}' names this Service", stateful_set.name()),
        stateful_set.id,
        service.id,
    ));
}

/// The Service's `clusterIP` value (its key for an empty value), else its name.
fn service_side_range(service: &ObjectView<'_>, cluster_ip: Option<&Field>) -> crate::syntax::TextRange {
    match cluster_ip {
        Some(field) if !field.value.is_empty() => service.absolute(field.value),
        Some(field) => service.absolute(field.key),
        None => service.anchor_range(),
    }
}

/// The edits that make a Service headless: `clusterIP: None`, and a stale
/// `clusterIPs` dropped (the API fills it in from `clusterIP`).
pub(super) fn make_headless(service: &ObjectView<'_>) -> Option<FileEdit> {
    let spec = service.service()?;
    let editor = DocumentEditor::of(service);
    let mut edits = Vec::new();
    match (&spec.cluster_ip, &service.object.spec) {
        (Some(field), _) => edits.push(editor.set_scalar(field, "None")),
        (None, Some(spec_field)) if !spec_field.is_scalar => {
            edits.push(editor.insert_entry(spec_field.value_node, "clusterIP", &Value::Scalar("None".to_owned()))?)
        }
        (None, _) => {
            let value = Value::Map(vec![("clusterIP".to_owned(), Value::Scalar("None".to_owned()))]);
            match &service.object.spec {
                Some(spec_field) => edits.push(editor.replace_value(service.object.node, spec_field, &value)),
                None => edits.push(editor.insert_entry(service.object.node, "spec", &value)?),
            }
        }
    }
    if let (Some((key, _)), Some(spec_field)) = (&spec.cluster_ips, &service.object.spec) {
        edits.push(editor.remove_entry(
            spec_field.value_node,
            key,
            &Value::List(vec![Value::Scalar("None".to_owned())]),
        ));
    }
    Some(FileEdit { file: service.id.file, edits })
}

pub(super) fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let (Some(stateful_set), Some(service)) =
        (finding.stateful_set.and_then(|id| snapshot.object(id)), finding.service.and_then(|id| snapshot.object(id)))
    else {
        return Vec::new();
    };
    let mut fixes = Vec::new();
    let name = service.name();
    if let Some(edit) = make_headless(&service) {
        fixes.push(
            Fix::new(
                // The migration a deployed Service needs does not fit a title
                // (LSP code actions have no description): hover and the
                // README give the commands; the title warns.
                fitting_title([
                    format!("Set clusterIP: None on Service '{name}' (recreate it if deployed)"),
                    format!("Set clusterIP: None on Service '{name}'"),
                    "Set clusterIP: None on the Service (recreate it if deployed)".to_owned(),
                ]),
                vec![edit],
            )
            .preferred(),
        );
    }
    // A separate headless Service, for a Service that must keep its cluster IP.
    let headless_name = format!("{name}-headless");
    if let Some(field) = stateful_set.stateful_set().and_then(|set| set.service_name.as_ref()) {
        let editor = DocumentEditor::of(&stateful_set);
        let exists = super::edit::service_exists(snapshot, stateful_set.namespace(), &headless_name);
        for publish in [false, true] {
            if exists && publish {
                break;
            }
            let mut edits = vec![editor.set_scalar(field, &quote(&headless_name))];
            if !exists {
                let body = generated_service(&editor, &stateful_set, &headless_name, publish);
                edits.push(editor.insert_document_before(&body));
            }
            let suffix = if publish { " for peer discovery" } else { "" };
            let set_name = stateful_set.name();
            let title = if exists {
                fitting_title([
                    format!("Point serviceName of '{set_name}' at headless Service '{headless_name}'"),
                    format!("Point serviceName at headless Service '{headless_name}'"),
                    "Point serviceName at the existing headless Service".to_owned(),
                ])
            } else {
                fitting_title([
                    format!(
                        "Create headless Service '{headless_name}'{suffix}, point serviceName of '{set_name}' at it"
                    ),
                    // Beside the plain one, the peer-discovery variant reads
                    // as its twin, not as another fix.
                    format!("Create headless Service '{headless_name}'{suffix}, point '{set_name}' at it"),
                    format!("Create headless Service '{headless_name}'{suffix}, point serviceName at it"),
                    format!("Point serviceName at a new headless Service '{headless_name}'{suffix}"),
                    format!("Point serviceName at a new headless Service{suffix}"),
                ])
            };
            fixes.push(Fix::new(title, merge(vec![FileEdit { file: stateful_set.id.file, edits }])));
        }
    }
    fixes
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    const SET: &str = r#"
#- /app/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
#              ^^^^^ error service-not-headless
  replicas: 3
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
"#;

    #[test]
    fn shown_on_both_sides() {
        check_findings(&format!(
            "{SET}{}",
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
#       ^^^^^ error service-not-headless
spec:
  selector:
    app: redis
  ports:
    - port: 6379
"#
        ));
    }

    #[test]
    fn an_explicit_cluster_ip_is_the_offending_field() {
        check_findings(&format!(
            "{SET}{}",
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: 10.0.0.12
#            ^^^^^^^^^ error service-not-headless
  selector: {app: redis}
"#
        ));
    }

    #[test]
    fn an_empty_cluster_ip_is_not_headless() {
        check_findings(&format!(
            "{SET}{}",
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: ""
#            ^^ error service-not-headless
  selector: {app: redis}
"#
        ));
    }

    #[test]
    fn cluster_ips_none_is_headless() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIPs: [None]
  selector: {app: redis}
"#,
        );
    }

    #[test]
    fn fix_inserts_cluster_ip_none_in_the_service_file() {
        check_fix(
            "clusterIP: None",
            r#"
#- /app/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: re$0dis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis # the peers
spec:
  # who to route to
  selector:
    app: redis
"#,
            r#"
#- /app/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis # the peers
spec:
  # who to route to
  clusterIP: None
  selector:
    app: redis
"#,
        );
    }

    #[test]
    fn fix_replaces_a_cluster_ip_and_drops_cluster_ips() {
        check_fix(
            "clusterIP: None",
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: 10.0$0.0.12
  clusterIPs:
  - 10.0.0.12
  selector:
    app: redis
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector:
    app: redis
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
    fn fix_in_a_flow_spec_keeps_flow_style() {
        check_fix(
            "clusterIP: None",
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {selector: {app: redis}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: red$0is
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
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
    fn fix_creates_a_separate_headless_service() {
        check_fix(
            "Create headless Service 'redis-headless', point",
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {selector: {app: redis}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: red$0is
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {selector: {app: redis}}
---
apiVersion: v1
kind: Service
metadata:
  name: redis-headless
spec:
  clusterIP: None
  selector:
    app: redis
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis-headless
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
        );
    }
}
