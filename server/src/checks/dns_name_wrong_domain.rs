//! `dns-name-wrong-domain`: a peer address ends in `.svc.<domain>` and the
//! domain is not the configured `clusterDomain`.

use super::references::{self, Reference, Resolution};
use super::{Code, Finding, Fix};
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameWrongDomain,
    name: "dns-name-wrong-domain",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a DNS name in a string ends in a cluster domain other than the configured `clusterDomain`",
    help: "end the name in the cluster's domain (setting `clusterDomain`), or drop `.svc.<domain>` and let the \
           pod's search path complete it",
    check: super::code::Check::References(check),
    fixes: Some(fixes),
};

fn check(snapshot: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>, findings: &mut Vec<Finding>) {
    let Some(domain) = &resolution.wrong_domain else { return };
    let configured = snapshot.config.cluster_domain.as_str();
    let message = super::sentence_with_names(&[configured, reference.label(domain)], |names| {
        format!("the cluster domain is {}, not {}: this DNS name does not resolve", names[0], names[1])
    });
    findings.push(references::finding(reference, resolution, Code::DnsNameWrongDomain, message));
}

fn fixes(snapshot: &Snapshot, finding: &Finding) -> Vec<Fix> {
    let Some((reference, resolution)) = references::at_finding(snapshot, finding) else { return Vec::new() };
    let Some(domain) = &resolution.wrong_domain else { return Vec::new() };
    let configured = snapshot.config.cluster_domain.as_str();
    let title = super::edit::fitting_title([
        format!("Replace '{}' with '{configured}'", reference.label(domain)),
        "Write the configured cluster domain".to_owned(),
    ]);
    vec![references::replace_label(&reference, domain, configured, title)]
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::{check_findings, check_findings_with, check_fix};
    use crate::config::Config;

    const SET: &str = "\
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {clusterIP: None, selector: {app: db}}
";

    #[test]
    fn the_domain_must_be_the_configured_one() {
        check_findings(&format!(
            "{SET}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: db-0.db.data.svc.cluster.local\n  b: db-0.db.data.svc.example.org\n#    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-domain\n"
        ));
        let config = Config { cluster_domain: "example.org".to_owned(), ..Config::default() };
        check_findings_with(
            config,
            &format!(
                "{SET}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: db-0.db.data.svc.cluster.local\n#    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-domain\n  b: db-0.db.data.svc.example.org\n"
            ),
        );
    }

    #[test]
    fn the_fix_writes_the_configured_domain() {
        check_fix(
            "with 'cluster.local'",
            &format!("{SET}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: $0db-0.db.data.svc.cluster.lokal:5432\n"),
            &format!("\n{SET}#- /app/app.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  a: db-0.db.data.svc.cluster.local:5432\n"),
        );
    }
}
