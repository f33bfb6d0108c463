//! Volume claims: a PersistentVolume's `spec.claimRef` (the claim it is bound
//! or reserved for) and how a claim made from a StatefulSet's template is
//! named (`<claim>-<statefulset>-<ordinal>`). It does not know which
//! StatefulSets exist: matching a name against them is for `ide`.

use super::field::Field;
use super::object::field;
use crate::syntax::{Document, NodeId};

/// `spec.claimRef` of a PersistentVolume: the claim's name and namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimRef {
    pub name: Option<Field>,
    pub namespace: Option<Field>,
}

pub(super) fn read_claim_ref(document: &Document, node: NodeId) -> ClaimRef {
    ClaimRef {
        name: field(document, node, &["spec", "claimRef", "name"]),
        namespace: field(document, node, &["spec", "claimRef", "namespace"]),
    }
}

/// The ordinal in `claim_name` when it is the claim that template `template`
/// of StatefulSet `stateful_set` makes for a pod: `<template>-<set>-<n>`,
/// `n` digits without a leading zero (as the controller writes it).
pub fn claim_template_of(claim_name: &str, template: &str, stateful_set: &str) -> Option<i64> {
    let rest = claim_name.strip_prefix(template)?.strip_prefix('-')?;
    let ordinal = rest.strip_prefix(stateful_set)?.strip_prefix('-')?;
    let digits_only = !ordinal.is_empty() && ordinal.bytes().all(|byte| byte.is_ascii_digit());
    if !digits_only || (ordinal.len() > 1 && ordinal.starts_with('0')) {
        return None;
    }
    ordinal.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::claim_template_of;

    #[test]
    fn claim_names_split_into_template_set_and_ordinal() {
        assert_eq!(claim_template_of("data-redis-0", "data", "redis"), Some(0));
        assert_eq!(claim_template_of("data-redis-12", "data", "redis"), Some(12));
        // Dashes inside either name are fine: both are known.
        assert_eq!(claim_template_of("my-data-web-2-1", "my-data", "web-2"), Some(1));
        assert_eq!(claim_template_of("data-redis-01", "data", "redis"), None);
        assert_eq!(claim_template_of("data-redis-", "data", "redis"), None);
        assert_eq!(claim_template_of("data-redis-x", "data", "redis"), None);
        assert_eq!(claim_template_of("logs-redis-0", "data", "redis"), None);
        assert_eq!(claim_template_of("data-redis-0", "data", "redi"), None);
    }
}
