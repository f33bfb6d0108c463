//! `dns-name-unknown-port`: an SRV name (`_<port>._<proto>.<svc>.<ns>.svc…`)
//! whose port name is not a named port of the Service.

use super::references::{self, Problem, Reference, Resolution};
use super::{Code, Finding};
use crate::model::AddressKind;
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameUnknownPort,
    name: "dns-name-unknown-port",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "an SRV name in a string names a port the Service does not name",
    help: "use the `name` of one of the Service's ports, or name the port in the Service: SRV records exist for \
           named ports only",
    check: super::code::Check::References(check),
    fixes: None,
};

fn check(_: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>, findings: &mut Vec<Finding>) {
    let Some(Problem::UnknownPort) = &resolution.problem else { return };
    let AddressKind::Srv(srv) = &reference.address.kind else { return };
    let port = &srv.port;
    let service = reference.label(&reference.address.service);
    let message = super::sentence_with_names(&[service, reference.label(port)], |names| {
        format!("Service {} has no port named {}: this SRV name resolves to nothing", names[0], names[1])
    });
    findings.push(references::finding(reference, resolution, Code::DnsNameUnknownPort, message));
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn srv_names_of_named_ports_only() {
        check_findings(
            r#"
#- /app/etcd.yaml
apiVersion: v1
kind: Service
metadata: {name: etcd}
spec:
  clusterIP: None
  selector: {app: etcd}
  ports: [{name: peer, port: 2380}, {name: client, port: 2379}]
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data:
  good: _peer._tcp.etcd.default.svc.cluster.local
  bad: _peers._tcp.etcd.default.svc.cluster.local
#      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning dns-name-unknown-port
"#,
        );
    }
}
