//! The pod template of any workload (and a bare Pod): labels, container
//! ports and the fields that name the pod's host. It does not know which
//! Services select the pods.

use super::field::Field;
use super::object::{field, labels_at};
use super::selector::Labels;
use crate::syntax::{Document, NodeId};

/// A pod template: its labels, containers' ports and host naming.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodTemplate {
    /// `template.metadata.labels`, key and value, where present.
    pub labels_field: Option<Field>,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    /// `template.spec.containers`, where present.
    pub containers_field: Option<Field>,
    /// `spec.hostname` and `spec.subdomain`, which a StatefulSet's
    /// controller overwrites on every pod.
    pub hostname: Option<Field>,
    pub subdomain: Option<Field>,
    /// `spec.hostnameOverride` (alpha in Kubernetes 1.34, beta in 1.35),
    /// which the controller leaves as it is.
    pub hostname_override: Option<Field>,
    /// `spec.setHostnameAsFQDN`.
    pub set_hostname_as_fqdn: Option<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    pub container: Option<String>,
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
}

/// Kinds whose pod template sits at `spec.template`.
const TEMPLATE_KINDS: &[&str] =
    &["Deployment", "ReplicaSet", "DaemonSet", "Job", "ReplicationController", "StatefulSet"];

pub(super) fn read_pod_template_of(document: &Document, node: NodeId, kind: &str) -> Option<PodTemplate> {
    if TEMPLATE_KINDS.contains(&kind) {
        let (_, template) = document.get_path(node, &["spec", "template"])?;
        Some(read_pod_template(document, template))
    } else if kind == "CronJob" {
        let (_, template) = document.get_path(node, &["spec", "jobTemplate", "spec", "template"])?;
        Some(read_pod_template(document, template))
    } else if kind == "Pod" {
        Some(read_pod_template(document, node))
    } else {
        None
    }
}

/// A pod template, or a Pod, which has the same `metadata` and `spec`.
fn read_pod_template(document: &Document, template: NodeId) -> PodTemplate {
    let containers_field = field(document, template, &["spec", "containers"]);
    let mut ports = Vec::new();
    for list in ["initContainers", "containers"] {
        let Some((_, containers)) = document.get_path(template, &["spec", list]) else { continue };
        for container in document.sequence_items(containers).unwrap_or_default() {
            let container_name = field(document, *container, &["name"]).and_then(|f| f.as_str().map(str::to_owned));
            let Some((_, port_list)) = document.get(*container, "ports") else { continue };
            for port in document.sequence_items(port_list).unwrap_or_default() {
                ports.push(ContainerPort {
                    container: container_name.clone(),
                    name: field(document, *port, &["name"]).and_then(|f| f.as_str().map(str::to_owned)),
                    port: field(document, *port, &["containerPort"]).and_then(|f| f.as_int()),
                    protocol: field(document, *port, &["protocol"]).and_then(|f| f.as_str().map(str::to_owned)),
                });
            }
        }
    }
    PodTemplate {
        labels_field: field(document, template, &["metadata", "labels"]),
        labels: labels_at(document, template, &["metadata", "labels"]),
        ports,
        containers_field,
        hostname: field(document, template, &["spec", "hostname"]),
        subdomain: field(document, template, &["spec", "subdomain"]),
        hostname_override: field(document, template, &["spec", "hostnameOverride"]),
        set_hostname_as_fqdn: field(document, template, &["spec", "setHostnameAsFQDN"]),
    }
}
