//! `hostname-override`: a StatefulSet's pod template sets `hostnameOverride`
//! (beta and on by default since Kubernetes 1.35). The controller leaves it
//! alone, so every pod gets that one hostname while its DNS name stays its
//! own: software that takes its identity from `hostname` or `hostname -f`
//! (peer lists, leader election, replica ids) breaks. With
//! `setHostnameAsFQDN: true` beside it the API rejects the object: an error.
//!
//! Version-bound: on an explicit `kubernetesVersion` before 1.35 the field is
//! unknown (1.33) or behind an alpha gate that is off (1.34), the API drops
//! it and the pods keep their own hostnames, so there is nothing to report.
//! Unset, the rule makes no assumption and reports: a manifest that sets the
//! field is written for clusters where it works.

use super::{Code, Finding};
use crate::config::Level;
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::HostnameOverride,
    name: "hostname-override",
    default_level: Level::Warning,
    other_default_level: Some(Level::Error),
    summary: "the pod template sets `hostnameOverride`, so every pod gets the same hostname",
    help: "remove `hostnameOverride`: the pods then get their own names as hostnames, which peers and `hostname -f` \
           rely on",
    check: super::code::Check::StatefulSet(check_stateful_set),
    fixes: None,
};

/// The release in which `hostnameOverride` is on by default (beta).
const HOSTNAME_OVERRIDE_BETA: u32 = 35;

pub(super) fn check_stateful_set(snapshot: &Snapshot, stateful_set: ObjectView<'_>, findings: &mut Vec<Finding>) {
    if snapshot.config.kubernetes_version.is_some_and(|version| !version.is_at_least(HOSTNAME_OVERRIDE_BETA)) {
        return;
    }
    let Some(template) = &stateful_set.object.pod_template else { return };
    let Some(field) = &template.hostname_override else { return };
    // An empty value leaves the hostname alone, as if the field were absent.
    let Some(hostname) = field.as_str().filter(|hostname| !hostname.is_empty()) else { return };
    let name = stateful_set.name();
    let as_fqdn = template.set_hostname_as_fqdn.as_ref().and_then(|field| field.as_bool()) == Some(true);
    let (level, message) = if as_fqdn {
        (
            Level::Error,
            "hostnameOverride cannot be combined with setHostnameAsFQDN: true: the API rejects it; \
             remove hostnameOverride"
                .to_owned(),
        )
    } else {
        (
            Level::Warning,
            format!(
                "hostnameOverride gives every pod of StatefulSet '{name}' the hostname '{hostname}'; \
                 software that takes its identity from hostname or hostname -f breaks: remove it"
            ),
        )
    };
    let mut finding = Finding::new(stateful_set.id.file, stateful_set.absolute(field.value), RULE.code, message);
    finding.level = level;
    finding.stateful_set = Some(stateful_set.id);
    findings.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_findings_with};
    use crate::config::{Config, KubernetesVersion};

    #[test]
    fn an_override_warns_and_is_an_error_with_set_hostname_as_fqdn() {
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
      hostnameOverride: db.example.com
#                       ^^^^^^^^^^^^^^ warning hostname-override
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
      setHostnameAsFQDN: true
      hostnameOverride: "db"
#                       ^^^^ error hostname-override
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: c}
spec:
  serviceName: a
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      setHostnameAsFQDN: false
      hostnameOverride: ""
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      hostnameOverride: db
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {clusterIP: None, selector: {app: a}}
"#,
        );
    }

    #[test]
    fn releases_without_the_field_on_by_default_get_no_finding() {
        let fixture = |annotation: &str| {
            format!(
                r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: a}}
spec:
  serviceName: a
  selector: {{matchLabels: {{app: a}}}}
  template:
    metadata: {{labels: {{app: a}}}}
    spec:
      hostnameOverride: db
{annotation}
---
apiVersion: v1
kind: Service
metadata: {{name: a}}
spec: {{clusterIP: None, selector: {{app: a}}}}
"#
            )
        };
        let warning = "#                       ^^ warning hostname-override";
        for (minor, annotation) in [(33, ""), (34, ""), (35, warning), (37, warning)] {
            let config = Config { kubernetes_version: Some(KubernetesVersion { minor }), ..Config::default() };
            check_findings_with(config, &fixture(annotation));
        }
    }
}
