//! What the workspace needs from a `kustomization.yaml`: its namespace,
//! resources and patch files. It does not resolve them.

use super::object::field;
use super::scalar::Scalar;
use crate::syntax::Document;

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
