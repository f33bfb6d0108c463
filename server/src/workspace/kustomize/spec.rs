//! What a kustomization file says, for the build: its entries (resources,
//! components, patches) with the range that names each, and its
//! transformers' settings with the range of each value, so that a value a
//! build sets can point back at the line that set it.

use std::path::{Path, PathBuf};

use super::value::{self, Node, Origin};
use crate::syntax::{Document, NodeId, ScalarStyle, TextRange};
use crate::workspace::{FileId, SourceFile};

/// A string setting with the place it is written.
#[derive(Clone, Debug)]
pub struct Setting {
    pub text: String,
    pub origin: Origin,
}

/// A path entry (`resources`, `components`, a patch's `path`).
#[derive(Clone, Debug)]
pub struct PathEntry {
    pub path: String,
    pub origin: Origin,
}

impl PathEntry {
    /// A URL or git reference: kustomize fetches it; kube-lsp does not.
    pub fn is_remote(&self) -> bool {
        let path = self.path.as_str();
        path.contains("://")
            || path.starts_with("git@")
            || path.starts_with("github.com/")
            || path.starts_with("gitlab.com/")
            || path.starts_with("bitbucket.org/")
            || path.contains("?ref=")
            || path.contains(".git//")
    }
}

#[derive(Clone, Debug, Default)]
pub struct Selector {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
}

/// Where a patch's content is.
#[derive(Clone, Debug)]
pub enum PatchContent {
    File(PathEntry),
    /// The patch's documents, read from the inline text.
    Inline(Vec<Node>),
}

#[derive(Clone, Debug)]
pub struct Patch {
    pub content: PatchContent,
    pub target: Option<Selector>,
}

#[derive(Clone, Debug)]
pub struct LabelSet {
    pub pairs: Vec<(Setting, Setting)>,
    pub include_selectors: bool,
    pub include_templates: bool,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub name: String,
    pub count: Node,
}

#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub folder: PathBuf,
    pub is_component: bool,
    pub namespace: Option<Setting>,
    pub name_prefix: Option<Setting>,
    pub name_suffix: Option<Setting>,
    pub resources: Vec<PathEntry>,
    pub components: Vec<PathEntry>,
    pub patches_strategic_merge: Vec<Patch>,
    pub patches: Vec<Patch>,
    pub patches_json6902: Vec<Patch>,
    pub common_labels: Vec<(Setting, Setting)>,
    pub labels: Vec<LabelSet>,
    pub replicas: Vec<Replica>,
    pub uses_replacements_or_vars: bool,
}

impl Spec {
    /// Every path the kustomization names, in the order written.
    pub fn paths(&self) -> impl Iterator<Item = (&PathEntry, EntryKind)> {
        let patches = self.patches_strategic_merge.iter().chain(&self.patches).chain(&self.patches_json6902);
        self.resources
            .iter()
            .map(|entry| (entry, EntryKind::Resource))
            .chain(self.components.iter().map(|entry| (entry, EntryKind::Component)))
            .chain(patches.filter_map(|patch| match &patch.content {
                PatchContent::File(entry) => Some((entry, EntryKind::Patch)),
                PatchContent::Inline(_) => None,
            }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Resource,
    Component,
    Patch,
}

/// Reads a kustomization file; `None` where its first document is no mapping.
pub fn read(id: FileId, file: &SourceFile) -> Option<Spec> {
    let slot = file.documents.first()?;
    let document: &Document = &slot.syntax;
    let root = document.root?;
    document.mapping_entries(root)?;
    let start = slot.start;
    let place = |range: TextRange| Origin { file: id, range: range.shifted(start) };
    let setting = |key: &str| -> Option<Setting> {
        let (_, value) = document.get(root, key)?;
        let text = document.scalar(value)?;
        (!text.is_empty()).then(|| Setting { text: text.to_owned(), origin: place(document.raw_node(value).range()) })
    };
    let entries = |key: &str| -> Vec<PathEntry> {
        let Some((_, list)) = document.get(root, key) else { return Vec::new() };
        document
            .sequence_items(list)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| path_entry(document, *item, &place))
            .collect()
    };
    let mut resources = entries("resources");
    resources.extend(entries("bases"));
    let items = |key: &str| -> Vec<NodeId> {
        document
            .get(root, key)
            .and_then(|(_, list)| document.sequence_items(list))
            .map(<[NodeId]>::to_vec)
            .unwrap_or_default()
    };
    let patches_strategic_merge = items("patchesStrategicMerge")
        .into_iter()
        .filter_map(|item| {
            // An entry is a path, or (older kustomize) an inline patch.
            let text = document.scalar(item)?;
            if text.contains('\n') || text.contains(": ") {
                let content = inline_documents(file, document, item, text, &place);
                Some(Patch { content: PatchContent::Inline(content), target: None })
            } else {
                Some(Patch { content: PatchContent::File(path_entry(document, item, &place)?), target: None })
            }
        })
        .collect();
    let patch_list = |key: &str| -> Vec<Patch> {
        items(key)
            .into_iter()
            .filter_map(|item| {
                let target = document.get(item, "target").map(|(_, target)| selector(document, target));
                let content = if let Some((_, path)) = document.get(item, "path") {
                    PatchContent::File(path_entry(document, path, &place)?)
                } else {
                    let (_, patch) = document.get(item, "patch")?;
                    let text = document.scalar(patch)?;
                    PatchContent::Inline(inline_documents(file, document, patch, text, &place))
                };
                Some(Patch { content, target })
            })
            .collect()
    };
    let pairs = |map: NodeId| -> Vec<(Setting, Setting)> {
        document
            .mapping_entries(map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(key, value)| {
                Some((
                    Setting { text: document.scalar(*key)?.to_owned(), origin: place(document.raw_node(*key).range()) },
                    Setting {
                        text: document.scalar(*value)?.to_owned(),
                        origin: place(document.raw_node(*value).range()),
                    },
                ))
            })
            .collect()
    };
    let flag = |from: NodeId, key: &str| document.get(from, key).and_then(|(_, v)| document.scalar(v)) == Some("true");
    let labels = items("labels")
        .into_iter()
        .map(|item| LabelSet {
            pairs: document.get(item, "pairs").map(|(_, map)| pairs(map)).unwrap_or_default(),
            include_selectors: flag(item, "includeSelectors"),
            include_templates: flag(item, "includeTemplates"),
        })
        .collect();
    let replicas = items("replicas")
        .into_iter()
        .filter_map(|item| {
            let name = document.get(item, "name").and_then(|(_, name)| document.scalar(name))?.to_owned();
            let (_, count) = document.get(item, "count")?;
            Some(Replica { name, count: value::read(document, count, &place) })
        })
        .collect();
    let present = |key: &str| document.get(root, key).is_some();
    Some(Spec {
        folder: file.path.parent().unwrap_or(Path::new("")).to_path_buf(),
        is_component: document.get(root, "kind").and_then(|(_, kind)| document.scalar(kind)) == Some("Component"),
        namespace: setting("namespace"),
        name_prefix: setting("namePrefix"),
        name_suffix: setting("nameSuffix"),
        resources,
        components: entries("components"),
        patches_strategic_merge,
        patches: patch_list("patches"),
        patches_json6902: patch_list("patchesJson6902"),
        common_labels: document.get(root, "commonLabels").map(|(_, map)| pairs(map)).unwrap_or_default(),
        labels,
        replicas,
        uses_replacements_or_vars: present("replacements") || present("vars"),
    })
}

fn path_entry(document: &Document, item: NodeId, place: &dyn Fn(TextRange) -> Origin) -> Option<PathEntry> {
    let (text, _) = document.scalar_with_style(item)?;
    let text = text.trim();
    (!text.is_empty()).then(|| PathEntry { path: text.to_owned(), origin: place(document.raw_node(item).range()) })
}

fn selector(document: &Document, target: NodeId) -> Selector {
    let text = |key: &str| document.get(target, key).and_then(|(_, v)| document.scalar(v)).map(str::to_owned);
    Selector {
        kind: text("kind"),
        name: text("name"),
        namespace: text("namespace"),
        label_selector: text("labelSelector"),
    }
}

/// The documents of an inline patch (a block scalar holding YAML), each
/// value placed at its line in the kustomization where the scalar is a
/// literal block, else at the whole scalar.
fn inline_documents(
    file: &SourceFile,
    document: &Document,
    scalar: NodeId,
    text: &str,
    place: &dyn Fn(TextRange) -> Origin,
) -> Vec<Node> {
    let raw = place(document.raw_node(scalar).range());
    let literal = matches!(document.scalar_with_style(scalar), Some((_, ScalarStyle::Literal)));
    let line_starts = if literal { block_line_starts(&file.text, raw.range, text) } else { None };
    let content_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
    let mut nodes = Vec::new();
    for part_range in crate::syntax::split_documents(text) {
        let offset = part_range.start;
        let Some(part) = text.get(part_range.as_range()) else { continue };
        let parsed = crate::syntax::parse_document(part);
        let Some(root) = parsed.root else { continue };
        let map = |range: TextRange| -> Origin {
            let Some(line_starts) = &line_starts else { return raw };
            let source = |at: usize| -> Option<usize> {
                let line = content_starts.partition_point(|start| *start <= at).checked_sub(1)?;
                Some(line_starts.get(line)? + (at - content_starts[line]))
            };
            match (source(range.start + offset), source(range.end + offset)) {
                (Some(start), Some(end)) if start <= end => {
                    Origin { file: raw.file, range: TextRange::new(start, end) }
                }
                _ => raw,
            }
        };
        nodes.push(value::read(&parsed, root, &map));
    }
    nodes
}

/// The absolute offset where each content line of a literal block scalar
/// starts in the file, after its indentation; `None` where the text does
/// not line up with the value (then values are placed at the scalar).
fn block_line_starts(file_text: &str, raw: TextRange, value: &str) -> Option<Vec<usize>> {
    let source = file_text.get(raw.as_range())?;
    let header_end = source.find('\n')? + 1;
    let mut starts = Vec::new();
    let mut indent: Option<usize> = None;
    let mut at = raw.start + header_end;
    for line in source[header_end..].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if indent.is_none() && !content.trim().is_empty() {
            indent = Some(content.len() - content.trim_start_matches(' ').len());
        }
        starts.push(at + indent.unwrap_or(0).min(content.len()));
        at += line.len();
    }
    let lines = value.split('\n').count();
    (starts.len() + 1 >= lines).then_some(starts)
}
