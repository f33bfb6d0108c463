//! Reads Kubernetes objects out of one document's tree: `kind: List` and the
//! typed lists are unwrapped into their items.
//!
//! Readers are forgiving: a field of the wrong shape reads as absent, never as
//! an error. Judging shapes is for `checks`.

use super::scalar::{is_null, parse_int, Scalar};
use super::selector::{LabelSelector, Labels, Operator, Requirement};
use crate::syntax::{Document, NodeId, ScalarStyle, TextRange};

/// A scalar field, `key: value`, with both ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: TextRange,
    pub value: TextRange,
    /// The scalar's value after unquoting; "" for a non-scalar value.
    pub text: String,
    pub style: ScalarStyle,
    /// False when the value is a mapping or sequence.
    pub is_scalar: bool,
    pub key_node: NodeId,
    pub value_node: NodeId,
}

impl Field {
    /// The field of a mapping entry `(key, value)`.
    pub fn read(document: &Document, (key_node, value_node): (NodeId, NodeId)) -> Field {
        let key = document.raw_node(key_node).range;
        match Scalar::of(document, value_node) {
            Some(scalar) => Field {
                key,
                value: scalar.range,
                text: scalar.value.to_owned(),
                style: scalar.style,
                is_scalar: true,
                key_node,
                value_node,
            },
            None => Field {
                key,
                value: document.raw_node(value_node).range,
                text: String::new(),
                style: ScalarStyle::Plain,
                is_scalar: false,
                key_node,
                value_node,
            },
        }
    }

    pub fn is_null(&self) -> bool {
        self.is_scalar && is_null(&self.text, self.style)
    }

    pub fn as_int(&self) -> Option<i64> {
        if self.is_scalar {
            parse_int(&self.text, self.style)
        } else {
            None
        }
    }

    /// The value as a non-empty string, `None` for null or a collection.
    pub fn as_str(&self) -> Option<&str> {
        (self.is_scalar && !self.is_null()).then_some(self.text.as_str())
    }

    /// Key through value: the whole `key: value` entry.
    pub fn entry_range(&self) -> TextRange {
        TextRange::new(self.key.start, self.value.end.max(self.key.end))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    /// The object's mapping node.
    pub node: NodeId,
    pub range: TextRange,
    pub api_version: Option<Field>,
    pub kind: Field,
    pub metadata: Option<Field>,
    pub name: Option<Field>,
    pub namespace: Option<Field>,
    pub labels: Labels,
    pub annotations: Labels,
    /// The pods this object makes, for any workload (and a bare Pod).
    pub pod_template: Option<PodTemplate>,
    pub spec: Option<Field>,
    pub details: ObjectKind,
}

impl Object {
    pub fn kind(&self) -> &str {
        &self.kind.text
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().and_then(Field::as_str)
    }

    pub fn stateful_set(&self) -> Option<&StatefulSet> {
        match &self.details {
            ObjectKind::StatefulSet(stateful_set) => Some(stateful_set),
            _ => None,
        }
    }

    pub fn service(&self) -> Option<&Service> {
        match &self.details {
            ObjectKind::Service(service) => Some(service),
            _ => None,
        }
    }

    /// Whether the index would record the same about both objects: kind,
    /// name, namespace, a StatefulSet's `serviceName` (the index links it)
    /// and, for Endpoints, whether they list addresses.
    pub fn indexes_like(&self, other: &Object) -> bool {
        let endpoints = |object: &Object| match object.details {
            ObjectKind::Endpoints { has_addresses } => Some(has_addresses),
            _ => None,
        };
        self.kind() == other.kind()
            && self.name() == other.name()
            && self.namespace.as_ref().and_then(Field::as_str) == other.namespace.as_ref().and_then(Field::as_str)
            && endpoints(self) == endpoints(other)
            && self.stateful_set().and_then(StatefulSet::service_name)
                == other.stateful_set().and_then(StatefulSet::service_name)
    }

    /// `StatefulSet/redis`, as document symbols and messages show an object.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind(), self.name().unwrap_or("<unnamed>"))
    }

    /// The codes listed in the `kube-lsp.io/ignore` annotation.
    pub fn ignored_codes(&self) -> impl Iterator<Item = &str> {
        self.annotations
            .get(IGNORE_ANNOTATION)
            .into_iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|code| !code.is_empty())
    }
}

pub const IGNORE_ANNOTATION: &str = "kube-lsp.io/ignore";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    StatefulSet(Box<StatefulSet>),
    Service(Box<Service>),
    /// Endpoints or an EndpointSlice: they give a selector-less Service its
    /// pods, when they list any address (`subsets: []` lists none).
    Endpoints {
        has_addresses: bool,
    },
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatefulSet {
    pub api_version: String,
    pub service_name: Option<Field>,
    pub replicas: Option<Field>,
    pub ordinals_start: Option<Field>,
    /// `spec.selector`, with its key and value.
    pub selector_field: Option<Field>,
    pub selector: Option<LabelSelector>,
}

impl StatefulSet {
    /// `spec.replicas`, 1 when absent (or not a number: the API rejects
    /// that, and 1 keeps hover useful while the user types).
    pub fn replica_count(&self) -> i64 {
        self.replicas.as_ref().and_then(Field::as_int).unwrap_or(1).max(0)
    }

    /// `spec.ordinals.start`, 0 when absent.
    pub fn first_ordinal(&self) -> i64 {
        self.ordinals_start.as_ref().and_then(Field::as_int).unwrap_or(0).max(0)
    }

    /// The non-empty `spec.serviceName`.
    pub fn service_name(&self) -> Option<&str> {
        self.service_name.as_ref().and_then(Field::as_str).filter(|name| !name.is_empty())
    }
}

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

/// A pod template: its labels and containers' ports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodTemplate {
    /// `template.metadata.labels`, key and value, where present.
    pub labels_field: Option<Field>,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    /// `template.spec.containers`, where present.
    pub containers_field: Option<Field>,
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

/// Every object of a document: its root, or each item of a `List`.
pub fn objects_of_document(document: &Document) -> Vec<Object> {
    let Some(root) = document.root else { return Vec::new() };
    let mut objects = Vec::new();
    if let Some(object) = read_object(document, root) {
        let is_list = object.kind().ends_with("List");
        if is_list {
            if let Some(items) = document.get(root, "items").and_then(|(_, items)| document.sequence_items(items)) {
                objects.extend(items.iter().filter_map(|item| read_object(document, *item)));
            }
        } else {
            objects.push(object);
        }
    }
    objects
}

fn field(document: &Document, from: NodeId, path: &[&str]) -> Option<Field> {
    document.get_path(from, path).map(|entry| Field::read(document, entry))
}

fn read_object(document: &Document, node: NodeId) -> Option<Object> {
    document.mapping_entries(node)?;
    let kind = field(document, node, &["kind"]).filter(|kind| kind.as_str().is_some())?;
    let api_version = field(document, node, &["apiVersion"]);
    // A manifest has both; a file with only one of them is some other YAML.
    api_version.as_ref()?;
    let metadata = field(document, node, &["metadata"]);
    let spec = field(document, node, &["spec"]);
    let details = match kind.text.as_str() {
        "StatefulSet" => ObjectKind::StatefulSet(Box::new(read_stateful_set(
            document,
            node,
            api_version.as_ref().map(|v| v.text.clone()).unwrap_or_default(),
        ))),
        "Service" => ObjectKind::Service(Box::new(read_service(document, node))),
        "Endpoints" => ObjectKind::Endpoints { has_addresses: has_items(document, node, &["subsets"]) },
        "EndpointSlice" => ObjectKind::Endpoints { has_addresses: has_items(document, node, &["endpoints"]) },
        _ => ObjectKind::Other,
    };
    let pod_template = read_pod_template_of(document, node, &kind.text);
    Some(Object {
        node,
        range: document.raw_node(node).range,
        name: field(document, node, &["metadata", "name"]),
        namespace: field(document, node, &["metadata", "namespace"]),
        labels: labels_at(document, node, &["metadata", "labels"]),
        annotations: labels_at(document, node, &["metadata", "annotations"]),
        api_version,
        kind,
        metadata,
        spec,
        pod_template,
        details,
    })
}

/// Whether the sequence at `path` has any item.
fn has_items(document: &Document, node: NodeId, path: &[&str]) -> bool {
    document
        .get_path(node, path)
        .and_then(|(_, list)| document.sequence_items(list))
        .is_some_and(|items| !items.is_empty())
}

fn read_pod_template_of(document: &Document, node: NodeId, kind: &str) -> Option<PodTemplate> {
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
    }
}

fn read_stateful_set(document: &Document, node: NodeId, api_version: String) -> StatefulSet {
    let selector_field = field(document, node, &["spec", "selector"]);
    let selector = selector_field.as_ref().map(|selector| read_label_selector(document, selector.value_node));
    StatefulSet {
        api_version,
        service_name: field(document, node, &["spec", "serviceName"]),
        replicas: field(document, node, &["spec", "replicas"]),
        ordinals_start: field(document, node, &["spec", "ordinals", "start"]),
        selector_field,
        selector,
    }
}

fn read_service(document: &Document, node: NodeId) -> Service {
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
        range: document.raw_node(port).range,
    }
}

/// A string map (labels, annotations, a Service selector). Non-scalar values
/// are skipped; scalars keep their text (`version: 1` reads as "1").
fn labels_at(document: &Document, from: NodeId, path: &[&str]) -> Labels {
    let Some((_, map)) = document.get_path(from, path) else { return Labels::default() };
    read_labels(document, map)
}

fn read_labels(document: &Document, map: NodeId) -> Labels {
    Labels(
        document
            .mapping_entries(map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(key, value)| {
                let key = Scalar::of(document, *key)?;
                let value = Scalar::of(document, *value)?;
                Some((key.value.to_owned(), if value.is_null() { String::new() } else { value.value.to_owned() }))
            })
            .collect(),
    )
}

fn read_label_selector(document: &Document, selector: NodeId) -> LabelSelector {
    let match_labels =
        document.get(selector, "matchLabels").map(|(_, map)| read_labels(document, map)).unwrap_or_default();
    let match_expressions = document
        .get(selector, "matchExpressions")
        .and_then(|(_, list)| document.sequence_items(list))
        .unwrap_or_default()
        .iter()
        .filter_map(|expression| {
            let key = field(document, *expression, &["key"])?.as_str()?.to_owned();
            let operator = Operator::parse(field(document, *expression, &["operator"])?.as_str().unwrap_or(""));
            let values = document
                .get(*expression, "values")
                .and_then(|(_, values)| document.sequence_items(values))
                .unwrap_or_default()
                .iter()
                .filter_map(|value| Scalar::of(document, *value).map(|scalar| scalar.value.to_owned()))
                .collect();
            Some(Requirement { key, operator, values })
        })
        .collect();
    LabelSelector { match_labels, match_expressions }
}

/// What the workspace needs from a `kustomization.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kustomization {
    pub namespace: Option<String>,
    /// `resources` (and the older `bases`) entries, as written.
    pub resources: Vec<String>,
    /// Files holding partial objects: `patches[].path`, `patchesStrategicMerge`
    /// and `patchesJson6902[].path`.
    pub patches: Vec<String>,
}

pub fn kustomization_of_document(document: &Document) -> Option<Kustomization> {
    let root = document.root?;
    document.mapping_entries(root)?;
    let strings = |key: &str| -> Vec<String> {
        document
            .get(root, key)
            .and_then(|(_, list)| document.sequence_items(list))
            .unwrap_or_default()
            .iter()
            .filter_map(|item| Scalar::of(document, *item).map(|scalar| scalar.value.to_owned()))
            .collect()
    };
    let paths = |key: &str| -> Vec<String> {
        document
            .get(root, key)
            .and_then(|(_, list)| document.sequence_items(list))
            .unwrap_or_default()
            .iter()
            .filter_map(|item| field(document, *item, &["path"]).and_then(|path| path.as_str().map(str::to_owned)))
            .collect()
    };
    let mut resources = strings("resources");
    resources.extend(strings("bases"));
    let mut patches = strings("patchesStrategicMerge");
    patches.extend(paths("patches"));
    patches.extend(paths("patchesJson6902"));
    Some(Kustomization {
        namespace: field(document, root, &["namespace"]).and_then(|f| f.as_str().map(str::to_owned)),
        resources,
        patches,
    })
}
