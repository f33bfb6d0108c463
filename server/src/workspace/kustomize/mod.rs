//! Kustomize builds: the kustomization graph of the workspace (which
//! kustomization lists which files, folders and components), its top builds
//! (the kustomizations no other one lists), and each build's objects as
//! `kustomize build` would give them for the fields kube-lsp reads, every
//! value with the source place that produced it.
//!
//! Pure data: the files are the workspace's (the loader read them); nothing
//! here touches the disk or fetches a remote resource.

mod build;
mod patch;
mod spec;
mod value;

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

pub use build::{Build, BuildObject};
pub use spec::EntryKind;
pub use value::Rendered;

pub use super::index::normalize;
use super::{FileId, Snapshot};
use crate::syntax::TextRange;

/// What an entry of a kustomization names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the workspace.
    File(FileId),
    /// A folder, through its kustomization file.
    Kustomization(FileId),
    /// A URL or git reference, not fetched.
    Remote,
    /// Nothing the workspace has: no file, or a folder without a
    /// kustomization file.
    Missing,
}

/// One path entry of a kustomization (`resources`, `components`, a patch).
#[derive(Clone, Debug)]
pub struct Reference {
    pub kustomization: FileId,
    /// Where the entry is written, absolute in the kustomization file.
    pub range: TextRange,
    pub path: String,
    pub kind: EntryKind,
    pub target: Target,
}

/// The kustomization graph of a snapshot.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// Every entry of every kustomization, by kustomization then order.
    pub references: Vec<Reference>,
    /// Kustomizations (not components) that no other kustomization lists,
    /// in file order.
    pub tops: Vec<FileId>,
    /// Each file a top build reads (its kustomizations, resources and
    /// patches) to the top builds reading it.
    pub builds_of_file: HashMap<FileId, BTreeSet<FileId>>,
    /// The workspace's files by path, to build with.
    pub(crate) paths: Paths,
}

impl Graph {
    pub fn of(snapshot: &Snapshot) -> Graph {
        let kustomizations: Vec<(FileId, &super::SourceFile)> =
            snapshot.files().filter(|(_, file)| file.kustomization.is_some()).collect();
        if kustomizations.is_empty() {
            return Graph::default();
        }
        let mut graph = Graph { paths: Paths::of(snapshot), ..Graph::default() };
        let paths = &graph.paths;
        let mut listed: BTreeSet<FileId> = BTreeSet::new();
        let mut components: BTreeSet<FileId> = BTreeSet::new();
        let mut edges: HashMap<FileId, Vec<FileId>> = HashMap::new();
        for (id, file) in &kustomizations {
            let Some(spec) = spec::read(*id, file) else { continue };
            if spec.is_component {
                components.insert(*id);
            }
            for (entry, kind) in spec.paths() {
                let target = paths.resolve(&spec.folder, entry, kind);
                match target {
                    Target::File(file) | Target::Kustomization(file) => {
                        if kind != EntryKind::Patch {
                            listed.insert(file);
                        }
                        edges.entry(*id).or_default().push(file);
                    }
                    Target::Remote | Target::Missing => {}
                }
                graph.references.push(Reference {
                    kustomization: *id,
                    range: entry.origin.range,
                    path: entry.path.clone(),
                    kind,
                    target,
                });
            }
        }
        for (id, _) in &kustomizations {
            if listed.contains(id) || components.contains(id) {
                continue;
            }
            graph.tops.push(*id);
            // Every file the build reads, through kustomizations it lists.
            let mut stack = vec![*id];
            let mut seen = BTreeSet::new();
            while let Some(file) = stack.pop() {
                if !seen.insert(file) {
                    continue;
                }
                graph.builds_of_file.entry(file).or_default().insert(*id);
                stack.extend(edges.get(&file).into_iter().flatten().copied());
            }
        }
        graph
    }

    /// The top builds reading `file`.
    pub fn builds_of(&self, file: FileId) -> impl Iterator<Item = FileId> + '_ {
        self.builds_of_file.get(&file).into_iter().flatten().copied()
    }

    /// Whether a build reads `file`: then it is analysed only in its builds.
    pub fn is_built(&self, file: FileId) -> bool {
        self.builds_of_file.contains_key(&file)
    }

    /// The entry of a kustomization written at `offset`.
    pub fn reference_at(&self, file: FileId, offset: usize) -> Option<&Reference> {
        self.references
            .iter()
            .find(|reference| reference.kustomization == file && reference.range.contains_inclusive(offset))
    }
}

/// The workspace's files by normalized path, to resolve entries.
#[derive(Clone, Debug, Default)]
pub(crate) struct Paths {
    files: HashMap<PathBuf, FileId>,
}

impl Paths {
    pub(crate) fn of(snapshot: &Snapshot) -> Paths {
        Paths { files: snapshot.files().map(|(id, file)| (normalize(&file.path), id)).collect() }
    }

    pub(crate) fn file(&self, path: &Path) -> Option<FileId> {
        self.files.get(&normalize(path)).copied()
    }

    /// The kustomization file of a folder.
    pub(crate) fn kustomization_in(&self, folder: &Path) -> Option<FileId> {
        ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .find_map(|name| self.file(&folder.join(name)))
    }

    pub(crate) fn resolve(&self, folder: &Path, entry: &spec::PathEntry, kind: EntryKind) -> Target {
        if entry.is_remote() {
            return Target::Remote;
        }
        let path = folder.join(&entry.path);
        // A file first: most entries are files, and a path is not both.
        if let Some(file) = self.file(&path) {
            return Target::File(file);
        }
        match self.kustomization_in(&path) {
            Some(kustomization) if kind != EntryKind::Patch => Target::Kustomization(kustomization),
            _ => Target::Missing,
        }
    }
}

/// The name a message gives a build: its folder's path below the root that
/// holds it (`overlays/prod`), the root's own name for a kustomization at
/// the root, and outside every root the folder's last two components.
pub fn build_name(snapshot: &Snapshot, kustomization: FileId) -> String {
    let Some(file) = snapshot.file(kustomization) else { return String::new() };
    folder_name(file.path.parent().unwrap_or(Path::new("")), &snapshot.config.roots)
}

fn folder_name(folder: &Path, roots: &[PathBuf]) -> String {
    let words = |path: &Path| -> Vec<String> {
        path.components()
            .filter_map(|part| match part {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    };
    // The innermost root holding the folder: roots may nest.
    let root = roots.iter().filter(|root| folder.starts_with(root)).max_by_key(|root| root.components().count());
    let name = match root {
        Some(root) => match words(folder.strip_prefix(root).unwrap_or(folder)) {
            // The root itself: its own name (none for `.`).
            below if below.is_empty() => words(root).pop().into_iter().collect(),
            below => below,
        },
        None => {
            let mut words = words(folder);
            words.drain(..words.len().saturating_sub(2));
            words
        }
    };
    if name.is_empty() {
        ".".to_owned()
    } else {
        name.join("/")
    }
}

/// The YAML of the top build of the kustomization file at `path` (for the
/// oracle test against `kubectl kustomize`); `None` where there is none.
pub fn render_build(snapshot: &Snapshot, path: &Path) -> Option<String> {
    let paths = Paths::of(snapshot);
    let kustomization = paths.file(path)?;
    Some(Build::of(snapshot, &paths, kustomization).render().text)
}

impl Graph {
    /// Whether both graphs have the same builds reading the same files.
    pub fn same_builds(&self, other: &Graph) -> bool {
        self.tops == other.tops && self.builds_of_file == other.builds_of_file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(folder: &str, roots: &[&str]) -> String {
        let roots: Vec<PathBuf> = roots.iter().map(PathBuf::from).collect();
        folder_name(Path::new(folder), &roots)
    }

    #[test]
    fn a_build_is_named_by_its_path_below_the_root_that_holds_it() {
        assert_eq!(name("/repo/apps/redis/overlays/prod", &["/repo"]), "apps/redis/overlays/prod");
        assert_eq!(name("/repo/apps/redis/overlays/prod", &["/repo", "/repo/apps/redis"]), "overlays/prod");
        assert_eq!(name("examples/redis-overlays/overlays/dev", &["examples"]), "redis-overlays/overlays/dev");
    }

    #[test]
    fn a_build_at_a_root_takes_the_roots_name_and_one_outside_the_last_two_parts() {
        assert_eq!(name("/tmp/e2e.x1/redis-broken", &["/tmp/e2e.x1/redis-broken"]), "redis-broken");
        assert_eq!(name(".", &["."]), ".");
        assert_eq!(name("/elsewhere/base/overlays/prod", &["/repo"]), "overlays/prod");
        assert_eq!(name("/a/b/c", &[]), "b/c");
        assert_eq!(name("/", &[]), ".");
        assert_eq!(name("/repository", &["/repo"]), "repository", "a root is a path prefix by components");
    }
}
