//! A Service's `spec`: `clusterIP(s)`, `type`, selector, ports and
//! `publishNotReadyAddresses`. It does not know the pods it selects.

use super::field::Field;
use super::object::{field, labels_at};
use super::scalar::Scalar;
use super::selector::Labels;
use crate::syntax::{Document, NodeId, ScalarStyle, TextRange};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub cluster_ip: Option<Field>,
    /// `spec.clusterIPs`: the key and the scalar items.
    pub cluster_ips: Option<(Field, Vec<Field>)>,
    pub service_type: Option<Field>,
    /// `spec.selector` with its key and value; `selector` is its labels.
    pub selector_field: Option<Field>,
    pub selector: Labels,
    pub ports: Vec<ServicePort>,
    pub ports_field: Option<Field>,
    pub publish_not_ready_addresses: Option<Field>,
}

impl Service {
    /// Headless: `clusterIP: None`, or `clusterIPs: [None]` with no
    /// `clusterIP`. Absent, `""` or null means the API allocates an address.
    pub fn is_headless(&self) -> bool {
        match &self.cluster_ip {
            Some(field) if !field.is_null() => field.as_str() == Some("None"),
            _ => self
                .cluster_ips
                .as_ref()
                .and_then(|(_, items)| items.first())
                .is_some_and(|first| first.as_str() == Some("None")),
        }
    }

    pub fn publishes_not_ready_addresses(&self) -> bool {
        self.publish_not_ready_addresses
            .as_ref()
            .is_some_and(|field| field.text == "true" && field.style == ScalarStyle::Plain)
    }

    /// `spec.type`, `ClusterIP` when absent.
    pub fn service_type(&self) -> &str {
        self.service_type.as_ref().and_then(Field::as_str).unwrap_or("ClusterIP")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
    pub target_port: Option<TargetPort>,
    pub target_port_field: Option<Field>,
    pub port_field: Option<Field>,
    /// The port's mapping.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPort {
    Number(i64),
    Name(String),
}

pub(super) fn read_service(document: &Document, node: NodeId) -> Service {
    let cluster_ips = field(document, node, &["spec", "clusterIPs"]).map(|key| {
        let items = document
            .sequence_items(key.value_node)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| Scalar::of(document, *item).map(|scalar| (item, scalar)))
            .map(|(item, scalar)| Field {
                key: scalar.range,
                value: scalar.range,
                text: scalar.value.to_owned(),
                style: scalar.style,
                is_scalar: true,
                key_node: *item,
                value_node: *item,
            })
            .collect();
        (key, items)
    });
    let ports_field = field(document, node, &["spec", "ports"]);
    let ports = ports_field
        .as_ref()
        .and_then(|ports| document.sequence_items(ports.value_node))
        .unwrap_or_default()
        .iter()
        .filter(|port| document.mapping_entries(**port).is_some())
        .map(|port| read_service_port(document, *port))
        .collect();
    Service {
        cluster_ip: field(document, node, &["spec", "clusterIP"]),
        cluster_ips,
        service_type: field(document, node, &["spec", "type"]),
        selector_field: field(document, node, &["spec", "selector"]),
        selector: labels_at(document, node, &["spec", "selector"]),
        ports,
        ports_field,
        publish_not_ready_addresses: field(document, node, &["spec", "publishNotReadyAddresses"]),
    }
}

fn read_service_port(document: &Document, port: NodeId) -> ServicePort {
    let target_port_field = field(document, port, &["targetPort"]);
    let target_port = target_port_field.as_ref().and_then(|target| {
        if target.is_null() || !target.is_scalar {
            None
        } else if let Some(number) = target.as_int() {
            Some(TargetPort::Number(number))
        } else {
            // A quoted number is still a port number to the API's IntOrString.
            Some(match target.text.parse::<i64>() {
                Ok(number) => TargetPort::Number(number),
                Err(_) => TargetPort::Name(target.text.clone()),
            })
        }
    });
    let port_field = field(document, port, &["port"]);
    ServicePort {
        name: field(document, port, &["name"]).and_then(|f| f.as_str().map(str::to_owned)),
        port: port_field.as_ref().and_then(Field::as_int),
        protocol: field(document, port, &["protocol"]).and_then(|f| f.as_str().map(str::to_owned)),
        target_port,
        target_port_field,
        port_field,
        range: document.raw_node(port).range(),
    }
}
