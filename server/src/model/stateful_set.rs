//! A StatefulSet's `spec`: `serviceName`, `replicas`, `ordinals.start`, its
//! selector, `podManagementPolicy`, its update strategy, and the names of its
//! volume claim templates with their retention policy. It does not know the
//! Service it names.

use super::field::Field;
use super::object::{field, read_labels};
use super::scalar::Scalar;
use super::selector::{LabelSelector, Operator, Requirement};
use crate::syntax::{Document, NodeId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatefulSet {
    pub api_version: String,
    pub service_name: Option<Field>,
    pub replicas: Option<Field>,
    pub ordinals_start: Option<Field>,
    /// `spec.selector`, with its key and value.
    pub selector_field: Option<Field>,
    pub selector: Option<LabelSelector>,
    /// `spec.podManagementPolicy`; absent means `OrderedReady`.
    pub pod_management_policy: Option<Field>,
    /// `spec.updateStrategy.type`; absent means `RollingUpdate`.
    pub update_strategy_type: Option<Field>,
    /// `spec.updateStrategy.rollingUpdate.maxUnavailable`: a number or a
    /// percentage (`"50%"`).
    pub max_unavailable: Option<Field>,
    /// The `metadata.name` of each `spec.volumeClaimTemplates[]` item that
    /// has one, in order.
    pub volume_claim_templates: Vec<Field>,
    /// `spec.persistentVolumeClaimRetentionPolicy.whenDeleted`; absent means `Retain`.
    pub claims_when_deleted: Option<Field>,
    /// `spec.persistentVolumeClaimRetentionPolicy.whenScaled`; absent means `Retain`.
    pub claims_when_scaled: Option<Field>,
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

pub(super) fn read_stateful_set(document: &Document, node: NodeId, api_version: String) -> StatefulSet {
    let selector_field = field(document, node, &["spec", "selector"]);
    let selector = selector_field.as_ref().map(|selector| read_label_selector(document, selector.value_node));
    StatefulSet {
        api_version,
        service_name: field(document, node, &["spec", "serviceName"]),
        replicas: field(document, node, &["spec", "replicas"]),
        ordinals_start: field(document, node, &["spec", "ordinals", "start"]),
        selector_field,
        selector,
        pod_management_policy: field(document, node, &["spec", "podManagementPolicy"]),
        update_strategy_type: field(document, node, &["spec", "updateStrategy", "type"]),
        max_unavailable: field(document, node, &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]),
        volume_claim_templates: read_claim_templates(document, node),
        claims_when_deleted: field(document, node, &["spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"]),
        claims_when_scaled: field(document, node, &["spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"]),
    }
}

/// The `metadata.name` field of each volume claim template; templates
/// without a name (the API rejects them) are left out.
fn read_claim_templates(document: &Document, node: NodeId) -> Vec<Field> {
    document
        .get_path(node, &["spec", "volumeClaimTemplates"])
        .and_then(|(_, list)| document.sequence_items(list))
        .unwrap_or_default()
        .iter()
        .filter_map(|template| field(document, *template, &["metadata", "name"]))
        .filter(|name| name.as_str().is_some_and(|name| !name.is_empty()))
        .collect()
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
