//! Kubernetes objects read off the span tree: kind, name, namespace, labels,
//! selectors, ports and the fields the rules need, each value with its range.
//!
//! The model knows one YAML document at a time. It does not resolve
//! namespaces from kustomizations, link objects, or judge anything: that is
//! `workspace` and `checks`. Every range here is relative to the start of the
//! document, like the tree it was read from.

mod field;
mod kustomization;
pub(crate) mod names;
mod object;
pub(crate) mod peer_address;
mod pod_template;
mod scalar;
mod selector;
mod service;
mod stateful_set;
mod volume;

pub use field::Field;
pub use kustomization::{kustomization_of_document, Kustomization};
pub use object::{objects_of_document, Object, ObjectKind};
pub use peer_address::{AddressKind, Label, PeerAddress};
pub use pod_template::PodTemplate;
pub use scalar::{is_null, parse_int};
pub use selector::Labels;
pub use service::{Service, TargetPort};
pub use stateful_set::StatefulSet;
pub use volume::claim_template_of;

/// True when a document's text is a Helm/Go template rather than YAML: such a
/// document is not analysed at all, since its values are not known until it is
/// rendered (`helm template . | kube-lsp check -` checks the rendered output).
pub fn is_template(document_text: &str) -> bool {
    document_text.contains("{{")
}
