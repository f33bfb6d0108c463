//! An object of any kind (its kind, name, namespace, labels, pod template and
//! kind-specific details), read out of one document's tree: `kind: List` and the
//! typed lists are unwrapped into their items.
//!
//! Readers are forgiving: a field of the wrong shape reads as absent, never as
//! an error. Judging shapes is for `checks`.

use super::field::Field;
use super::peer_address::{addresses_of_object, Candidate};
use super::pod_template::{read_pod_template_of, PodTemplate};
use super::scalar::Scalar;
use super::selector::Labels;
use super::service::{read_service, Service};
use super::stateful_set::{read_stateful_set, StatefulSet};
use super::volume::{read_claim_ref, ClaimRef};
use crate::syntax::{Document, NodeId, TextRange};

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
    /// Boxed: most objects have none, and it is five fields and a map.
    pub pod_template: Option<Box<PodTemplate>>,
    pub spec: Option<Field>,
    pub details: ObjectKind,
    /// The DNS names written inside its string values (candidates: the
    /// names they mention may not exist), in source order.
    pub addresses: Vec<Candidate>,
}

impl Object {
    pub fn kind(&self) -> &str {
        &self.kind.text
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().and_then(Field::as_str)
    }

    /// The `metadata.name` value, or failing that its key or the `kind`:
    /// where a finding about the object as a whole shows (relative to its
    /// document).
    pub fn anchor(&self) -> TextRange {
        match &self.name {
            Some(name) if name.is_scalar && !name.value.is_empty() => name.value,
            Some(name) => name.key,
            None => self.kind.value,
        }
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

    /// A PersistentVolume's `spec.claimRef`.
    pub fn claim_ref(&self) -> Option<&ClaimRef> {
        match &self.details {
            ObjectKind::PersistentVolume(claim_ref) => Some(claim_ref),
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
            && self.scale_target() == other.scale_target()
            && self.namespace.as_ref().and_then(Field::as_str) == other.namespace.as_ref().and_then(Field::as_str)
            && endpoints(self) == endpoints(other)
            && self.stateful_set().and_then(StatefulSet::service_name)
                == other.stateful_set().and_then(StatefulSet::service_name)
    }

    /// The `(kind, name)` a HorizontalPodAutoscaler scales.
    pub fn scale_target(&self) -> Option<(&str, &str)> {
        match &self.details {
            ObjectKind::Autoscaler { target: Some((kind, name)), .. } => Some((kind, name)),
            _ => None,
        }
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
    /// A PersistentVolume, with the claim it is bound or reserved for.
    PersistentVolume(Box<ClaimRef>),
    /// A HorizontalPodAutoscaler: its `scaleTargetRef` (kind, name) and
    /// `maxReplicas`, the bound of the pods it may make.
    Autoscaler {
        target: Option<(String, String)>,
        max_replicas: Option<i64>,
    },
    Other,
}

/// Every object of a document: its root, or each item of a `List`.
pub fn objects_of_document(document: &Document, text: &str) -> Vec<Object> {
    let Some(root) = document.root else { return Vec::new() };
    let mut objects = Vec::new();
    if let Some(object) = read_object(document, text, root) {
        let is_list = object.kind().ends_with("List");
        if is_list {
            if let Some(items) = document.get(root, "items").and_then(|(_, items)| document.sequence_items(items)) {
                objects.extend(items.iter().filter_map(|item| read_object(document, text, *item)));
            }
        } else {
            objects.push(object);
        }
    }
    objects
}

pub(super) fn field(document: &Document, from: NodeId, path: &[&str]) -> Option<Field> {
    document.get_path(from, path).map(|entry| Field::read(document, entry))
}

fn read_object(document: &Document, text: &str, node: NodeId) -> Option<Object> {
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
        "PersistentVolume" => ObjectKind::PersistentVolume(Box::new(read_claim_ref(document, node))),
        "HorizontalPodAutoscaler" => ObjectKind::Autoscaler {
            target: field(document, node, &["spec", "scaleTargetRef", "kind"])
                .and_then(|kind| kind.as_str().map(str::to_owned))
                .zip(
                    field(document, node, &["spec", "scaleTargetRef", "name"])
                        .and_then(|name| name.as_str().map(str::to_owned)),
                ),
            max_replicas: field(document, node, &["spec", "maxReplicas"]).and_then(|max| max.as_int()),
        },
        _ => ObjectKind::Other,
    };
    let pod_template = read_pod_template_of(document, node, &kind.text).map(Box::new);
    let this_pod_under = match details {
        ObjectKind::StatefulSet(_) => document.get_path(node, &["spec", "template"]).map(|(_, template)| template),
        _ => None,
    };
    let addresses = addresses_of_object(document, text, node, &kind.text, this_pod_under);
    Some(Object {
        node,
        range: document.raw_node(node).range(),
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
        addresses,
    })
}

/// Whether the sequence at `path` has any item.
fn has_items(document: &Document, node: NodeId, path: &[&str]) -> bool {
    document
        .get_path(node, path)
        .and_then(|(_, list)| document.sequence_items(list))
        .is_some_and(|items| !items.is_empty())
}

/// A string map (labels, annotations, a Service selector). Non-scalar values
/// are skipped; scalars keep their text (`version: 1` reads as "1").
pub(super) fn labels_at(document: &Document, from: NodeId, path: &[&str]) -> Labels {
    let Some((_, map)) = document.get_path(from, path) else { return Labels::default() };
    read_labels(document, map)
}

pub(super) fn read_labels(document: &Document, map: NodeId) -> Labels {
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
