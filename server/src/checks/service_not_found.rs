//! `service-not-found`: no Service named by `spec.serviceName` exists in the
//! StatefulSet's namespace in the indexed workspace.

use super::edit::{insert_generated_service, Fix};
use super::{Code, Finding, Related};
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::ServiceNotFound,
    name: "service-not-found",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "no Service named by `spec.serviceName` exists in the StatefulSet's namespace",
    help: "create a headless Service (`clusterIP: None`) of that name that selects the pods, in the StatefulSet's \
           own namespace, or correct `spec.serviceName`",
    check: super::code::Check::Tie(check_stateful_set),
    fixes: Some(fixes),
};

/// The findings of this rule about one StatefulSet.
pub(super) fn check_stateful_set(snapshot: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    let Some(set) = stateful_set.stateful_set() else { return };
    let Some(name) = set.service_name() else { return };
    if super::service_name_invalid::is_unusable(name) || snapshot.governing_service(&stateful_set).is_some() {
        return;
    }
    let Some(field) = &set.service_name else { return };
    let namespace = stateful_set.namespace();
    let elsewhere: Vec<_> = snapshot
        .index
        .services_named(name)
        .filter(|service| service.namespace != namespace)
        .filter_map(|service| snapshot.view(service))
        .collect();
    let hint = match elsewhere.first() {
        Some(other) => format!(
            "; a Service of that name exists in namespace '{}', not in the StatefulSet's",
            super::shortened(other.namespace(), 24)
        ),
        None => String::new(),
    };
    let mut finding = Finding::new(
        stateful_set.id.file,
        stateful_set.absolute(field.value),
        Code::ServiceNotFound,
        format!(
            "{}{hint}",
            super::sentence_with_names(&[name, namespace, stateful_set.name()], |names| format!(
                "no Service {} in namespace {}: pods of StatefulSet {} get no DNS names",
                names[0], names[1], names[2]
            ))
        ),
    );
    finding.related = elsewhere
        .iter()
        .map(|other| Related {
            file: other.id.file,
            range: other.anchor_range(),
            message: super::sentence_with_names(&[name, other.namespace()], |names| {
                format!("Service {} in namespace {}", names[0], names[1])
            }),
        })
        .collect();
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

pub(super) fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some(stateful_set) = finding.stateful_set.and_then(|id| snapshot.object(id)) else { return Vec::new() };
    let Some(name) = stateful_set.stateful_set().and_then(|set| set.service_name()) else { return Vec::new() };
    [false, true]
        .into_iter()
        .map(|publish| {
            let suffix = if publish { " for peer discovery" } else { "" };
            let fix = Fix::new(
                super::edit::fitting_title([
                    format!("Create headless Service '{name}'{suffix}"),
                    format!("Create the headless Service{suffix}"),
                ]),
                vec![insert_generated_service(&stateful_set, name, publish)],
            );
            if publish {
                fix
            } else {
                fix.preferred()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_fix};

    #[test]
    fn a_service_in_another_namespace_does_not_count() {
        check_findings(
            r#"
#- /app/set.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
"#,
        );
    }

    #[test]
    fn a_kustomization_gives_the_files_it_lists_its_namespace() {
        // set.yaml is in namespace `cache` through the kustomization, so
        // the Service of that namespace is found; other.yaml is not listed
        // and stays in `default`; the patch holds a partial StatefulSet that
        // is no object, but it renames the Service in the build, which the
        // finding on the patch's line shows.
        check_findings(
            r#"
#- /app/kustomization.yaml
namespace: cache
resources: [set.yaml]
patches:
  - path: patch.yaml
#- /app/set.yaml
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
metadata: {name: redis, namespace: cache}
spec: {clusterIP: None, selector: {app: redis}}
#- /app/other.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: redis
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
#- /app/patch.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec: {serviceName: nothing-here}
#                   ^^^^^^^^^^^^ warning service-not-found
"#,
        );
    }

    #[test]
    fn explicit_default_namespace_equals_omitted() {
        check_findings(
            r#"
#- /app/set.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: default}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
"#,
        );
    }

    #[test]
    fn fix_creates_the_service_before_the_stateful_set() {
        check_fix(
            "for peer discovery",
            r#"
#- /app/set.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
    name: redis
    namespace: cache
spec:
    serviceName: re$0dis
    selector:
        matchLabels: {app: redis}
    template:
        metadata:
            labels: {app: redis, tier: db}
        spec:
            containers:
                - name: redis
                  ports:
                      - containerPort: 6379
"#,
            r#"
#- /app/set.yaml
apiVersion: v1
kind: Service
metadata:
    name: redis
    namespace: cache
spec:
    clusterIP: None
    publishNotReadyAddresses: true
    selector:
        app: redis
    ports:
        - name: tcp-6379
          port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
    name: redis
    namespace: cache
spec:
    serviceName: redis
    selector:
        matchLabels: {app: redis}
    template:
        metadata:
            labels: {app: redis, tier: db}
        spec:
            containers:
                - name: redis
                  ports:
                      - containerPort: 6379
"#,
        );
    }

    #[test]
    fn fix_keeps_crlf_and_an_explicit_document_start() {
        // A generated document uses the file's line ending, and a `---` that
        // opened the StatefulSet's document opens the new Service's instead.
        let text = "---\r\napiVersion: apps/v1\r\nkind: StatefulSet\r\nmetadata: {name: web}\r\nspec:\r\n  serviceName: web\r\n  selector: {matchLabels: {app: web}}\r\n  template: {metadata: {labels: {app: web}}}\r\n";
        let cursor = text.find("serviceName: web").expect("serviceName") + "serviceName: w".len();
        let mut workspace = crate::workspace::Workspace::new(crate::config::Config::default());
        let ids = [workspace.set_text("/app/set.yaml".into(), text.to_owned(), None)];
        let snapshot = workspace.snapshot();
        let diagnostics = crate::checks::Diagnostics::of(&snapshot);
        let fixes = crate::checks::fixes(&snapshot, &diagnostics, ids[0], crate::syntax::TextRange::empty(cursor));
        let (_, fix) = fixes.iter().find(|(_, fix)| fix.title == "Create headless Service 'web'").expect("the fix");
        let source = snapshot.file(ids[0]).expect("file");
        let after = crate::text::apply_edits(&source.text, &fix.edits[0].edits);
        assert!(
            after.starts_with(
                "---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\nspec:\r\n  clusterIP: None\r\n"
            ),
            "{after:?}"
        );
        assert!(after.contains("---\r\napiVersion: apps/v1"), "{after:?}");
        assert!(!after.replace("\r\n", "").contains('\n'), "a bare LF slipped in: {after:?}");
    }
}
