//! One top build: its objects as `kustomize build` gives them, for the
//! fields kube-lsp reads. Each kustomization accumulates its `resources`
//! (files, and folders built recursively), then its `components` (which add
//! their resources and transform everything accumulated so far), then runs
//! its own transformers in kustomize's order (`api/internal/target/
//! kusttarget.go`, `configureBuiltinTransformers`): `patchesStrategicMerge`,
//! `patches`, `namespace`, `namePrefix`, `nameSuffix`, `commonLabels` and
//! `labels`, `patchesJson6902`, `replicas`. Name references
//! (`spec.serviceName` to its Service) are fixed once, at the end of the top
//! build, as kustomize does after the whole recursion.

use std::collections::BTreeSet;

use super::patch::{self, Operation};
use super::spec::{self, LabelSet, Patch, PatchContent, Selector, Setting, Spec};
use super::value::{self, Node, Origin, Rendered, Value};
use super::{Paths, Target};
use crate::workspace::{FileId, Snapshot};

/// How deep kustomizations may nest before the build stops following them.
const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug)]
pub struct BuildObject {
    pub node: Node,
    /// The object in its resource file: the file and the object's range.
    pub source: Origin,
    /// Every name the object had, as written first, then after each rename.
    pub names: Vec<String>,
    /// Its namespace as written, if any.
    pub original_namespace: Option<String>,
    /// Its namespace in the build of the kustomization that lists its file
    /// (written, or set by that kustomization), if any: where its file's
    /// own strings expect it. Set once that kustomization's transformers ran.
    pub home_namespace: Option<String>,
    homed: bool,
}

impl BuildObject {
    pub fn kind(&self) -> &str {
        self.node.get("kind").and_then(Node::as_str).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.node.get_path(&["metadata", "name"]).and_then(Node::as_str).unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.node.get_path(&["metadata", "namespace"]).and_then(Node::as_str).filter(|ns| !ns.is_empty())
    }

    fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.namespace().into_iter().chain(self.original_namespace.as_deref())
    }
}

#[derive(Clone, Debug)]
pub struct Build {
    pub objects: Vec<BuildObject>,
    /// Every file the build read.
    pub files: BTreeSet<FileId>,
    /// Whether a kustomization of the build has `replacements` or `vars`,
    /// which kube-lsp does not apply.
    pub uses_replacements_or_vars: bool,
}

impl Build {
    pub fn of(snapshot: &Snapshot, paths: &Paths, kustomization: FileId) -> Build {
        let mut build = Build { objects: Vec::new(), files: BTreeSet::new(), uses_replacements_or_vars: false };
        let mut objects = Vec::new();
        build.accumulate(snapshot, paths, kustomization, &mut objects, &mut Vec::new());
        fix_service_names(&mut objects);
        build.objects = objects;
        build
    }

    /// The build's objects as YAML, one document each, with the origin of
    /// every rendered value.
    pub fn render(&self) -> Rendered {
        let mut rendered = Rendered::default();
        for object in &self.objects {
            rendered.document(&object.node);
        }
        rendered
    }

    fn accumulate(
        &mut self,
        snapshot: &Snapshot,
        paths: &Paths,
        kustomization: FileId,
        objects: &mut Vec<BuildObject>,
        stack: &mut Vec<FileId>,
    ) {
        if stack.contains(&kustomization) || stack.len() > MAX_DEPTH {
            return;
        }
        let Some(spec) = snapshot.file(kustomization).and_then(|file| spec::read(kustomization, file)) else { return };
        self.files.insert(kustomization);
        self.uses_replacements_or_vars |= spec.uses_replacements_or_vars;
        stack.push(kustomization);
        for entry in &spec.resources {
            match paths.resolve(&spec.folder, entry, spec::EntryKind::Resource) {
                Target::File(file) => objects.extend(self.objects_of_file(snapshot, file)),
                Target::Kustomization(inner) => {
                    let mut built = Vec::new();
                    self.accumulate(snapshot, paths, inner, &mut built, stack);
                    objects.extend(built);
                }
                Target::Remote | Target::Missing => {}
            }
        }
        for entry in &spec.components {
            if let Target::Kustomization(component) = paths.resolve(&spec.folder, entry, spec::EntryKind::Component) {
                self.accumulate(snapshot, paths, component, objects, stack);
            }
        }
        stack.pop();
        self.transform(snapshot, paths, &spec, objects);
        for object in objects.iter_mut().filter(|object| !object.homed) {
            object.homed = true;
            object.home_namespace = object.namespace().map(str::to_owned);
        }
    }

    fn objects_of_file(&mut self, snapshot: &Snapshot, file: FileId) -> Vec<BuildObject> {
        let Some(source) = snapshot.file(file) else { return Vec::new() };
        self.files.insert(file);
        let mut objects = Vec::new();
        for slot in source.documents.iter().filter(|slot| !slot.is_template) {
            let place = |range: crate::syntax::TextRange| Origin { file, range: slot.absolute(range) };
            for object in slot.objects.iter() {
                let node = value::read(&slot.syntax, object.node, &place);
                objects.push(BuildObject {
                    node,
                    source: place(object.range),
                    names: vec![object.name().unwrap_or("").to_owned()],
                    original_namespace: object.namespace.as_ref().and_then(|f| f.as_str()).map(str::to_owned),
                    home_namespace: None,
                    homed: false,
                });
            }
        }
        objects
    }

    /// The documents of a patch (a file's, or inline).
    fn patch_documents(&mut self, snapshot: &Snapshot, paths: &Paths, spec: &Spec, patch: &Patch) -> Vec<Node> {
        match &patch.content {
            PatchContent::Inline(nodes) => nodes.clone(),
            PatchContent::File(entry) => {
                let Target::File(file) = paths.resolve(&spec.folder, entry, spec::EntryKind::Patch) else {
                    return Vec::new();
                };
                let Some(source) = snapshot.file(file) else { return Vec::new() };
                self.files.insert(file);
                source
                    .documents
                    .iter()
                    .filter_map(|slot| {
                        let root = slot.syntax.root?;
                        let place = |range: crate::syntax::TextRange| Origin { file, range: slot.absolute(range) };
                        Some(value::read(&slot.syntax, root, &place))
                    })
                    .collect()
            }
        }
    }

    fn transform(&mut self, snapshot: &Snapshot, paths: &Paths, spec: &Spec, objects: &mut [BuildObject]) {
        for patch in spec.patches_strategic_merge.iter().chain(&spec.patches) {
            for document in self.patch_documents(snapshot, paths, spec, patch) {
                apply_patch(objects, &document, patch.target.as_ref());
            }
        }
        if let Some(namespace) = &spec.namespace {
            // kustomize's namespace field specs rename a Namespace object to
            // the namespace (`metadata/name` of kind Namespace).
            for object in objects.iter_mut().filter(|object| object.kind() == "Namespace") {
                if let Some(name) = object.node.get_path_mut(&["metadata", "name"]) {
                    *name = Node::string(&namespace.text, namespace.origin);
                    object.names.push(namespace.text.clone());
                }
            }
            for object in objects.iter_mut().filter(|object| !is_cluster_scoped(object.kind())) {
                if let Some(metadata) = object.node.ensure_map(&["metadata"], namespace.origin) {
                    metadata.set("namespace", namespace.origin, Node::string(&namespace.text, namespace.origin));
                }
            }
        }
        if spec.name_prefix.is_some() || spec.name_suffix.is_some() {
            let prefix = spec.name_prefix.as_ref().map_or("", |setting| setting.text.as_str());
            let suffix = spec.name_suffix.as_ref().map_or("", |setting| setting.text.as_str());
            for object in objects.iter_mut().filter(|object| object.kind() != "Namespace") {
                let Some(name) = object.node.get_path_mut(&["metadata", "name"]) else { continue };
                let Some(current) = name.as_str() else { continue };
                let renamed = format!("{prefix}{current}{suffix}");
                *name = Node::string(&renamed, name.origin);
                object.names.push(renamed);
            }
        }
        for (key, value) in &spec.common_labels {
            for object in objects.iter_mut() {
                add_label(object, key, value, true, true);
            }
        }
        for LabelSet { pairs, include_selectors, include_templates } in &spec.labels {
            for (key, value) in pairs {
                for object in objects.iter_mut() {
                    add_label(object, key, value, *include_selectors, *include_selectors || *include_templates);
                }
            }
        }
        for patch in &spec.patches_json6902 {
            for document in self.patch_documents(snapshot, paths, spec, patch) {
                apply_patch(objects, &document, patch.target.as_ref());
            }
        }
        for replica in &spec.replicas {
            for object in objects.iter_mut() {
                if !matches!(object.kind(), "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController")
                    || !object.names.contains(&replica.name)
                {
                    continue;
                }
                if let Some(spec) = object.node.ensure_map(&["spec"], replica.count.origin) {
                    spec.set("replicas", replica.count.origin, replica.count.clone());
                }
            }
        }
    }
}

/// Applies one patch document: a list is JSON 6902 (it needs a target), a
/// mapping a strategic merge patch (its own kind and name are its target
/// where it has none).
fn apply_patch(objects: &mut [BuildObject], document: &Node, target: Option<&Selector>) {
    match &document.value {
        Value::Seq(operations) => {
            let Some(target) = target else { return };
            for object in objects.iter_mut().filter(|object| selects(target, object)) {
                for operation in operations {
                    let text = |key: &str| operation.get(key).and_then(Node::as_str);
                    let (Some(op), Some(path)) = (text("op"), text("path")) else { continue };
                    patch::json6902(
                        &mut object.node,
                        &Operation { op, path, from: text("from"), value: operation.get("value") },
                    );
                }
            }
        }
        Value::Map(_) => {
            let own;
            let target = match target {
                Some(target) => target,
                None => {
                    own = Selector {
                        kind: document.get("kind").and_then(Node::as_str).map(str::to_owned),
                        name: document.get_path(&["metadata", "name"]).and_then(Node::as_str).map(str::to_owned),
                        namespace: document
                            .get_path(&["metadata", "namespace"])
                            .and_then(Node::as_str)
                            .map(str::to_owned),
                        label_selector: None,
                    };
                    if own.name.is_none() {
                        return;
                    }
                    &own
                }
            };
            let mut patch = document.clone();
            patch.remove("apiVersion");
            patch.remove("kind");
            if let Some(metadata) = patch.get_mut("metadata") {
                metadata.remove("name");
                metadata.remove("namespace");
            }
            for object in objects.iter_mut().filter(|object| selects(target, object)) {
                patch::strategic_merge(&mut object.node, &patch, &mut Vec::new());
            }
        }
        Value::Scalar { .. } => {}
    }
}

/// Whether a patch target selects an object: kind, name and namespace (by
/// any name it had, as kustomize matches current and original ids; `.*` in
/// a name is a wildcard), and a label selector of `k=v`, `k!=v` and `k`.
fn selects(selector: &Selector, object: &BuildObject) -> bool {
    if selector.kind.as_deref().is_some_and(|kind| kind != object.kind()) {
        return false;
    }
    if let Some(name) = &selector.name {
        if !object.names.iter().any(|candidate| name_matches(name, candidate)) {
            return false;
        }
    }
    if let Some(namespace) = &selector.namespace {
        if !object.namespaces().any(|candidate| name_matches(namespace, candidate)) {
            return false;
        }
    }
    if let Some(labels) = &selector.label_selector {
        let label = |key: &str| object.node.get_path(&["metadata", "labels", key]).and_then(Node::as_str);
        for requirement in labels.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let holds = if let Some((key, value)) = requirement.split_once("!=") {
                label(key.trim()) != Some(value.trim())
            } else if let Some((key, value)) = requirement.split_once("==").or_else(|| requirement.split_once('=')) {
                label(key.trim()) == Some(value.trim())
            } else if let Some(key) = requirement.strip_prefix('!') {
                label(key.trim()).is_none()
            } else {
                label(requirement).is_some()
            };
            if !holds {
                return false;
            }
        }
    }
    true
}

/// A target name: exact, or a pattern where `.*` stands for anything.
fn name_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(".*") {
        return pattern == name;
    }
    let parts: Vec<&str> = pattern.split(".*").collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else { return false };
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Kinds without a namespace, which `namespace` leaves alone.
fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "Node"
            | "CSIDriver"
            | "CSINode"
            | "IngressClass"
            | "RuntimeClass"
            | "VolumeAttachment"
            | "ComponentStatus"
            | "CertificateSigningRequest"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
    )
}

/// Adds one label where kustomize's label field specs put it: every
/// object's `metadata.labels`; with `selectors`, the selectors of the kinds
/// that have one; with `templates`, their pod templates.
fn add_label(object: &mut BuildObject, key: &Setting, value: &Setting, selectors: bool, templates: bool) {
    let kind = object.kind().to_owned();
    let mut at = |path: &[&str], create: bool| {
        let node = &mut object.node;
        let target = if create {
            node.ensure_map(path, key.origin)
        } else {
            node.get_path_mut(path).filter(|node| matches!(node.value, Value::Map(_)))
        };
        if let Some(map) = target {
            map.set(&key.text, key.origin, Node::string(&value.text, value.origin));
        }
    };
    at(&["metadata", "labels"], true);
    if selectors {
        match kind.as_str() {
            "Service" | "ReplicationController" => at(&["spec", "selector"], true),
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => at(&["spec", "selector", "matchLabels"], true),
            "Job" | "PodDisruptionBudget" => at(&["spec", "selector", "matchLabels"], false),
            "CronJob" => at(&["spec", "jobTemplate", "spec", "selector", "matchLabels"], false),
            "NetworkPolicy" => at(&["spec", "podSelector", "matchLabels"], false),
            _ => {}
        }
    }
    if templates {
        match kind.as_str() {
            "ReplicationController" | "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" => {
                at(&["spec", "template", "metadata", "labels"], true);
            }
            "CronJob" => {
                at(&["spec", "jobTemplate", "metadata", "labels"], true);
                at(&["spec", "jobTemplate", "spec", "template", "metadata", "labels"], true);
            }
            _ => {}
        }
    }
}

/// kustomize's name reference for `spec.serviceName`: a StatefulSet whose
/// `serviceName` is a name a Service of the build had follows that
/// Service's final name (one in the StatefulSet's namespace first);
/// otherwise it stays as written.
fn fix_service_names(objects: &mut [BuildObject]) {
    let services: Vec<(Vec<String>, Option<String>, String)> = objects
        .iter()
        .filter(|object| object.kind() == "Service")
        .map(|object| (object.names.clone(), object.namespace().map(str::to_owned), object.name().to_owned()))
        .collect();
    if services.is_empty() {
        return;
    }
    for object in objects.iter_mut().filter(|object| object.kind() == "StatefulSet") {
        let namespace = object.namespace().map(str::to_owned);
        let Some(field) = object.node.get_path_mut(&["spec", "serviceName"]) else { continue };
        let Some(written) = field.as_str().map(str::to_owned) else { continue };
        let candidates: Vec<&(Vec<String>, Option<String>, String)> =
            services.iter().filter(|(names, _, _)| names.contains(&written)).collect();
        let same_namespace: Vec<&&(Vec<String>, Option<String>, String)> =
            candidates.iter().filter(|(_, service_namespace, _)| *service_namespace == namespace).collect();
        let chosen: BTreeSet<&str> = if same_namespace.is_empty() {
            candidates.iter().map(|(_, _, name)| name.as_str()).collect()
        } else {
            same_namespace.iter().map(|(_, _, name)| name.as_str()).collect()
        };
        if let [only] = chosen.into_iter().collect::<Vec<_>>()[..] {
            if only != written {
                *field = Node::string(only, field.origin);
            }
        }
    }
}
