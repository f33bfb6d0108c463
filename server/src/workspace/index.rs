//! The index of every object in the workspace, each with its namespace, and
//! the links the checks and the IDE features follow (StatefulSet → governing
//! Service).
//!
//! Built from scratch from a set of files whenever one changes: it reads only
//! the already-parsed objects, so that costs a hash insert per object.

use std::collections::{HashMap, HashSet};

// The index's maps are rebuilt whole from every object of the workspace:
// with SipHash, hashing was a third of the serial part; their keys are our
// own, not an attacker's, so a fast hash is fine.
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::file::SourceFile;
use super::{par_map, FileId};
use crate::config::Config;
use crate::model::ObjectKind;

/// One file's index entries, read on a worker of the pool: each object's
/// entry, whether it is Endpoints with addresses, and the Service a
/// StatefulSet names.
struct FileEntries<'a> {
    file_id: FileId,
    /// Listed as a patch by a kustomization: partial objects, not indexed.
    patch: bool,
    entries: Vec<(IndexedObject, bool, Option<&'a str>)>,
}

/// Where an object sits: file, document, and position in that document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    pub file: FileId,
    pub document: u32,
    pub object: u32,
}

/// Where an object's namespace came from, for hover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceSource {
    Metadata,
    Kustomization(PathBuf),
    Default,
}

#[derive(Clone, Debug)]
pub struct IndexedObject {
    pub id: ObjectId,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub namespace_source: NamespaceSource,
    /// For a StatefulSet, its governing Service: named by its `serviceName`,
    /// in its namespace, the first in file order where a name repeats. An
    /// index into `Index::objects`, linked once when the index is built.
    pub governing_service: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Index {
    pub objects: Vec<IndexedObject>,
    by_id: FxHashMap<ObjectId, usize>,
    /// Services by namespace, then name: looked up by `&str` without
    /// building a key.
    services: FxHashMap<String, FxHashMap<String, Vec<usize>>>,
    services_by_name: FxHashMap<String, Vec<usize>>,
    endpoints: FxHashMap<String, FxHashSet<String>>,
    stateful_sets: Vec<usize>,
    stateful_sets_by_name: FxHashMap<String, Vec<usize>>,
    /// HorizontalPodAutoscalers by the namespace and name of the StatefulSet
    /// they scale.
    autoscalers: FxHashMap<(String, String), Vec<usize>>,
    /// The reverse of `IndexedObject::governing_service`: each Service's
    /// position to the positions of the StatefulSets it governs.
    governed: FxHashMap<usize, Vec<usize>>,
    /// Files listed as patches by a kustomization: partial objects, not indexed.
    pub patch_files: HashSet<FileId>,
    /// The names of StatefulSets and Services by length, made the first
    /// time a name near another is asked for (`stateful_set_names_near`).
    by_length: OnceLock<[NamesByLength; 2]>,
}

/// Names, the ASCII ones sorted by length, each with the characters it
/// holds. A name within some edits of an ASCII name is, if ASCII too, within
/// as many bytes of its length; and any name within `k` edits of another
/// lacks `k` of its characters at most, and has `k` others at most (each
/// edit takes a character away or brings one, or both). "Did you mean" for a
/// misspelt reference then compares a few names, not every name of the
/// workspace.
#[derive(Debug, Default)]
struct NamesByLength {
    /// Length, characters and position in `Index::objects` of each ASCII name.
    ascii: Vec<(usize, Characters, usize)>,
    /// Characters and positions of the other names: their length in bytes
    /// says less.
    other: Vec<(Characters, usize)>,
}

/// The characters a name holds, as a set of 64 (several characters share
/// one): two names `k` edits apart differ in `2 * k` of them at most.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Characters(u64);

impl Characters {
    fn of(name: &str) -> Characters {
        Characters(name.chars().fold(0, |set, character| set | 1 << (u32::from(character) % 64)))
    }

    fn may_be_within(self, other: Characters, edits: usize) -> bool {
        (self.0 ^ other.0).count_ones() as usize <= 2 * edits
    }
}

impl NamesByLength {
    fn of<'n>(names: impl Iterator<Item = (&'n str, usize)>) -> NamesByLength {
        let mut by_length = NamesByLength::default();
        for (name, position) in names {
            if name.is_ascii() {
                by_length.ascii.push((name.len(), Characters::of(name), position));
            } else {
                by_length.other.push((Characters::of(name), position));
            }
        }
        by_length.ascii.sort_unstable();
        by_length
    }

    /// The positions of the names that may be within `edits` of `name`.
    fn near(&self, name: &str, edits: usize) -> impl Iterator<Item = usize> + '_ {
        let ascii = if name.is_ascii() {
            let from = self.ascii.partition_point(|(length, ..)| *length + edits < name.len());
            let to = self.ascii.partition_point(|(length, ..)| *length <= name.len() + edits);
            &self.ascii[from..to.max(from)]
        } else {
            &self.ascii[..]
        };
        let characters = Characters::of(name);
        let ascii = ascii.iter().map(|(_, characters, position)| (*characters, *position));
        ascii
            .chain(self.other.iter().copied())
            .filter(move |(other, _)| other.may_be_within(characters, edits))
            .map(|(_, position)| position)
    }
}

impl Index {
    pub fn build<'f>(files: &'f [Option<Arc<SourceFile>>], config: &Config) -> Index {
        let mut index = Index::default();
        let mut kustomized: HashMap<PathBuf, (String, PathBuf)> = HashMap::new();
        let mut patches: HashSet<PathBuf> = HashSet::new();
        for file in files.iter().flatten() {
            let Some(kustomization) = &file.kustomization else { continue };
            let folder = file.path.parent().unwrap_or(Path::new(""));
            for patch in &kustomization.patches {
                patches.insert(normalize(&folder.join(patch)));
            }
            if let Some(namespace) = &kustomization.namespace {
                for resource in &kustomization.resources {
                    kustomized.insert(normalize(&folder.join(resource)), (namespace.clone(), file.path.clone()));
                }
            }
        }
        // Each file's entries are read on every core: reading every object of
        // a large workspace is bound by memory, not by the hash inserts that
        // follow, which stay in file order on one thread.
        let read_file = |(file_number, file): (usize, &'f Option<Arc<SourceFile>>)| -> Option<FileEntries<'f>> {
            let file = file.as_ref()?;
            let file_id = FileId(file_number as u32);
            // Most workspaces have no kustomization: then no path needs
            // normalizing (an allocation per file).
            let normalized = (!patches.is_empty() || !kustomized.is_empty()).then(|| normalize(&file.path));
            if normalized.as_ref().is_some_and(|path| patches.contains(path)) {
                return Some(FileEntries { file_id, patch: true, entries: Vec::new() });
            }
            let kustomization_namespace = normalized.as_ref().and_then(|path| kustomized.get(path));
            let mut entries = Vec::new();
            for (document_number, document) in file.documents.iter().enumerate() {
                for (object_number, object) in document.objects.iter().enumerate() {
                    let (namespace, namespace_source) =
                        match object.namespace.as_ref().and_then(|field| field.as_str()).filter(|ns| !ns.is_empty()) {
                            Some(namespace) => (namespace.to_owned(), NamespaceSource::Metadata),
                            None => match kustomization_namespace {
                                Some((namespace, path)) => {
                                    (namespace.clone(), NamespaceSource::Kustomization(path.clone()))
                                }
                                None => (config.default_namespace.clone(), NamespaceSource::Default),
                            },
                        };
                    let entry = IndexedObject {
                        id: ObjectId { file: file_id, document: document_number as u32, object: object_number as u32 },
                        kind: object.kind().to_owned(),
                        name: object.name().unwrap_or("").to_owned(),
                        namespace,
                        namespace_source,
                        governing_service: None,
                    };
                    let has_addresses = matches!(object.details, ObjectKind::Endpoints { has_addresses: true });
                    let service_name = object.stateful_set().and_then(|set| set.service_name());
                    let scales = object.scale_target().filter(|(kind, _)| *kind == "StatefulSet").map(|(_, name)| name);
                    entries.push((entry, has_addresses, service_name.or(scales)));
                }
            }
            Some(FileEntries { file_id, patch: false, entries })
        };
        let numbered: Vec<(usize, &'f Option<Arc<SourceFile>>)> = files.iter().enumerate().collect();
        let read: Vec<FileEntries<'f>> = par_map(&numbered, |&file| read_file(file)).into_iter().flatten().collect();
        let object_count: usize = read.iter().map(|file| file.entries.len()).sum();
        index.objects.reserve(object_count);
        index.by_id.reserve(object_count);
        // StatefulSets and the Service names they name, linked at the end.
        let mut service_names: Vec<(usize, &str)> = Vec::new();
        for file in read {
            if file.patch {
                index.patch_files.insert(file.file_id);
            }
            for (entry, has_addresses, service_name) in file.entries {
                let is_autoscaler = entry.kind == "HorizontalPodAutoscaler";
                index.insert(entry, has_addresses);
                let position = index.objects.len() - 1;
                match service_name {
                    Some(target) if is_autoscaler => {
                        let key = (index.objects[position].namespace.clone(), target.to_owned());
                        index.autoscalers.entry(key).or_default().push(position);
                    }
                    Some(service_name) => service_names.push((position, service_name)),
                    None => {}
                }
            }
        }
        for (position, service_name) in service_names {
            let governing = index
                .services
                .get(&index.objects[position].namespace)
                .and_then(|names| names.get(service_name))
                .and_then(|positions| positions.first().copied());
            index.objects[position].governing_service = governing;
            if let Some(service) = governing {
                index.governed.entry(service).or_default().push(position);
            }
        }
        index
    }

    fn insert(&mut self, entry: IndexedObject, has_addresses: bool) {
        let position = self.objects.len();
        self.by_id.insert(entry.id, position);
        match entry.kind.as_str() {
            "Service" if !entry.name.is_empty() => {
                self.services
                    .entry(entry.namespace.clone())
                    .or_default()
                    .entry(entry.name.clone())
                    .or_default()
                    .push(position);
                self.services_by_name.entry(entry.name.clone()).or_default().push(position);
            }
            "Endpoints" | "EndpointSlice" if has_addresses => {
                self.endpoints.entry(entry.namespace.clone()).or_default().insert(entry.name.clone());
            }
            "StatefulSet" => {
                self.stateful_sets.push(position);
                if !entry.name.is_empty() {
                    self.stateful_sets_by_name.entry(entry.name.clone()).or_default().push(position);
                }
            }
            _ => {}
        }
        self.objects.push(entry);
    }

    pub fn get(&self, id: ObjectId) -> Option<&IndexedObject> {
        self.by_id.get(&id).map(|position| &self.objects[*position])
    }

    /// The StatefulSets the Service `id` governs, in file order.
    pub fn governed_by(&self, id: ObjectId) -> impl Iterator<Item = &IndexedObject> {
        self.by_id
            .get(&id)
            .and_then(|position| self.governed.get(position))
            .into_iter()
            .flatten()
            .map(|position| &self.objects[*position])
    }

    /// Services named `name` in `namespace`, in file order.
    pub fn services(&self, namespace: &str, name: &str) -> impl Iterator<Item = &IndexedObject> {
        self.services
            .get(namespace)
            .and_then(|names| names.get(name))
            .into_iter()
            .flatten()
            .map(|position| &self.objects[*position])
    }

    /// Services named `name` in any namespace.
    pub fn services_named(&self, name: &str) -> impl Iterator<Item = &IndexedObject> {
        self.services_by_name.get(name).into_iter().flatten().map(|position| &self.objects[*position])
    }

    pub fn all_services(&self) -> impl Iterator<Item = &IndexedObject> {
        self.services.values().flat_map(FxHashMap::values).flatten().map(|position| &self.objects[*position])
    }

    pub fn stateful_sets(&self) -> impl Iterator<Item = &IndexedObject> {
        self.stateful_sets.iter().map(|position| &self.objects[*position])
    }

    /// StatefulSets named `name` in any namespace, in file order.
    pub fn stateful_sets_named(&self, name: &str) -> impl Iterator<Item = &IndexedObject> {
        self.stateful_sets_by_name.get(name).into_iter().flatten().map(|position| &self.objects[*position])
    }

    /// The StatefulSet names that may be within `edits` edits of `name` (by
    /// their lengths and characters; some are not), in no order.
    pub fn stateful_set_names_near(&self, name: &str, edits: usize) -> impl Iterator<Item = &str> {
        self.names_by_length()[0].near(name, edits).map(|position| self.objects[position].name.as_str())
    }

    /// The Service names that may be within `edits` edits of `name` (by
    /// their lengths and characters; some are not), in no order.
    pub fn service_names_near(&self, name: &str, edits: usize) -> impl Iterator<Item = &str> {
        self.names_by_length()[1].near(name, edits).map(|position| self.objects[position].name.as_str())
    }

    fn names_by_length(&self) -> &[NamesByLength; 2] {
        fn first(map: &FxHashMap<String, Vec<usize>>) -> impl Iterator<Item = (&str, usize)> {
            map.iter().filter_map(|(name, positions)| Some((name.as_str(), *positions.first()?)))
        }
        self.by_length.get_or_init(|| {
            [NamesByLength::of(first(&self.stateful_sets_by_name)), NamesByLength::of(first(&self.services_by_name))]
        })
    }

    /// The HorizontalPodAutoscalers that scale StatefulSet `name` of `namespace`.
    pub fn autoscalers_of(&self, namespace: &str, name: &str) -> impl Iterator<Item = &IndexedObject> {
        self.autoscalers
            .get(&(namespace.to_owned(), name.to_owned()))
            .into_iter()
            .flatten()
            .map(|position| &self.objects[*position])
    }

    /// Whether Endpoints or an EndpointSlice named `name` that list addresses
    /// exist in `namespace`
    /// (an EndpointSlice is matched by its name only: a best effort).
    pub fn has_endpoints(&self, namespace: &str, name: &str) -> bool {
        self.endpoints.get(namespace).is_some_and(|names| names.contains(name))
    }
}

/// A path with `.` and `..` resolved textually, so that a kustomization's
/// `../base/x.yaml` names the same file as the walker found.
pub fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normalized.pop() {
                    normalized.push("..");
                }
            }
            other => normalized.push(other.as_os_str()),
        }
    }
    normalized
}
