//! The workspace: every file's analysis, open buffers over disk copies, the
//! configuration, and the index with its links. Readers get an immutable
//! `Snapshot`, cheap to clone and safe to send to another thread.
//!
//! It does not touch the disk (that is `loader`) and judges nothing (that is
//! `checks`).

mod file;
mod index;
pub mod kustomize;
mod parallel;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use file::{is_kustomization_path, DocumentChanges, DocumentSlot, SourceFile};
pub use index::{Index, IndexedObject, NamespaceSource, ObjectId};
pub use parallel::in_background;
pub(crate) use parallel::{join, par_map, threads};

use crate::config::Config;
use crate::model::{Object, Service, StatefulSet};
use crate::syntax::TextRange;
use crate::text::TextEdit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// What changed since the analysis last asked (`Workspace::take_changes`):
/// the documents of each file that went and came, or `everything` when the
/// change reaches every file (the configuration, a kustomization that gives
/// files their namespace).
#[derive(Debug, Default)]
pub struct Changes {
    pub everything: bool,
    pub files: Vec<(FileId, DocumentChanges)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.everything && self.files.is_empty()
    }
}

/// The mutable workspace, owned by one thread (the LSP main loop or the CLI).
#[derive(Debug, Default)]
pub struct Workspace {
    /// Shared with snapshots (taking one is a pointer copy); copied only when
    /// the workspace changes while a snapshot is still held elsewhere.
    files: Arc<Vec<Option<Arc<SourceFile>>>>,
    /// Shared with snapshots, copied only when a path comes or goes while
    /// one is held.
    ids: Arc<FxHashMap<PathBuf, FileId>>,
    config: Arc<Config>,
    index: Option<Arc<Index>>,
    changes: Changes,
    /// Counts every change to the files, so that work prepared elsewhere for
    /// one state of the workspace (`Prepared`) is not taken for another.
    generation: u64,
}

/// The workspace of `generation` with some files inserted, built off the
/// main loop (`Snapshot::index_with`): its files, their ids and its index.
#[derive(Debug)]
pub struct Prepared {
    pub generation: u64,
    pub index: Arc<Index>,
    files: Arc<Vec<Option<Arc<SourceFile>>>>,
    ids: Arc<FxHashMap<PathBuf, FileId>>,
}

impl Workspace {
    pub fn new(config: Config) -> Workspace {
        Workspace {
            config: Arc::new(config),
            changes: Changes { everything: true, files: Vec::new() },
            ..Workspace::default()
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn set_config(&mut self, config: Config) {
        self.generation += 1;
        self.config = Arc::new(config);
        self.index = None;
        self.changes.everything = true;
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    pub fn file(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.files.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// Makes the next `take_changes` say that everything changed.
    pub fn mark_everything_changed(&mut self) {
        self.changes = Changes { everything: true, files: Vec::new() };
    }

    /// Whether the changes waiting reach every file.
    pub fn has_everything_changed(&self) -> bool {
        self.changes.everything
    }

    /// Whether `prepared` was made for the workspace as it is: nothing
    /// changed since the snapshot it was made from was taken.
    pub fn takes(&self, prepared: &Prepared) -> bool {
        prepared.generation == self.generation
    }

    /// What changed since the last call.
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Adds or replaces a file's text, reusing what did not change. An open
    /// buffer (`version` set) over `maxFileSize` is kept, not analysed.
    pub fn set_text(&mut self, path: PathBuf, text: String, version: Option<i32>) -> FileId {
        let limit = self.config.max_file_size;
        if version.is_some() && text.len() as u64 > limit {
            let mut file = SourceFile::skipped_with_text(path, too_big_reason(text.len(), limit), text);
            file.version = version;
            return self.insert(file);
        }
        let previous = self.file_id(&path).and_then(|id| self.file(id).cloned());
        let file = SourceFile::new(path, text, version, previous.as_deref());
        self.insert(file)
    }

    /// Adds or replaces an already analysed file (the loader analyses files in
    /// parallel, then inserts them here).
    pub fn insert(&mut self, file: SourceFile) -> FileId {
        self.insert_shared(Arc::new(file))
    }

    fn insert_shared(&mut self, file: Arc<SourceFile>) -> FileId {
        self.generation += 1;
        match self.ids.get(&file.path) {
            Some(id) => {
                let id = *id;
                let old = Arc::make_mut(&mut self.files)[id.0 as usize].take();
                // Most keystrokes change no object's identity: the index then
                // stays valid as it is (it holds ids and names, no ranges).
                if !old.as_deref().is_some_and(|old| old.indexes_like(&file)) {
                    self.index = None;
                }
                let changes = self.changes_between(old.as_deref(), &file);
                let kustomization_changed = old.as_deref().is_some_and(|old| old.kustomization != file.kustomization);
                Arc::make_mut(&mut self.files)[id.0 as usize] = Some(file);
                self.record(id, changes, kustomization_changed);
                id
            }
            None => {
                self.index = None;
                let id = FileId(self.files.len() as u32);
                let changes = self.changes_between(None, &file);
                let kustomization = file.kustomization.is_some();
                Arc::make_mut(&mut self.ids).insert(file.path.clone(), id);
                Arc::make_mut(&mut self.files).push(Some(file));
                self.record(id, changes, kustomization);
                id
            }
        }
    }

    /// Adds or replaces many files at once (a folder read from disk): past a
    /// few, the analysis starts afresh, on every core, rather than file by
    /// file.
    pub fn insert_all(&mut self, files: Vec<SourceFile>) {
        self.insert_all_shared(files.into_iter().map(Arc::new).collect(), None);
    }

    /// `insert_all` for files already shared, with the index they give if
    /// it was built elsewhere (`Prepared::index`) for the workspace as it
    /// is: then the main loop does not build it.
    pub fn insert_all_shared(&mut self, files: Vec<Arc<SourceFile>>, prepared: Option<Prepared>) {
        let generation = self.generation;
        // Many files into the workspace they were prepared for: it becomes
        // what was prepared, without a file inserted here (a folder of
        // 10,000 files held the main loop 6 ms for that).
        if let Some(prepared) = prepared.as_ref().filter(|prepared| self.takes(prepared) && files.len() > 64) {
            self.files = prepared.files.clone();
            self.ids = prepared.ids.clone();
            self.index = Some(prepared.index.clone());
            self.generation += 1;
            self.mark_everything_changed();
            return;
        }
        if files.len() > 64 {
            self.changes.everything = true;
            self.changes.files.clear();
        }
        Arc::make_mut(&mut self.files).reserve(files.len());
        Arc::make_mut(&mut self.ids).reserve(files.len());
        for file in files {
            self.insert_shared(file);
        }
        if let Some(prepared) = prepared.filter(|prepared| prepared.generation == generation) {
            self.index = Some(prepared.index);
        }
    }

    /// What a new version of a file changed; nothing when a fresh analysis
    /// is coming anyway.
    fn changes_between(&self, old: Option<&SourceFile>, new: &SourceFile) -> DocumentChanges {
        if self.changes.everything {
            DocumentChanges::default()
        } else {
            DocumentChanges::between(old, Some(new))
        }
    }

    fn record(&mut self, id: FileId, changes: DocumentChanges, everything: bool) {
        if everything {
            self.changes.everything = true;
        }
        if self.changes.everything {
            // A fresh analysis reads every file anyway.
            self.changes.files.clear();
        } else if !changes.is_empty() {
            self.changes.files.push((id, changes));
        }
    }

    /// Applies edits one after the other, each in the coordinates of the text
    /// left by the ones before it (as LSP's incremental changes are), in
    /// place. Returns false when the file is unknown or an edit's range does
    /// not fit the text (the edits before it stay applied).
    pub fn edit(&mut self, id: FileId, version: Option<i32>, edits: &[TextEdit]) -> bool {
        self.generation += 1;
        let limit = self.config.max_file_size;
        let Some(slot) = Arc::make_mut(&mut self.files).get_mut(id.0 as usize).and_then(Option::as_mut) else {
            return false;
        };
        // Unique unless a snapshot is still held somewhere: then the file is
        // copied once, and the snapshot keeps the old version.
        let file = Arc::make_mut(slot);
        file.version = version;
        let mut all = DocumentChanges::default();
        let mut applied = true;
        for edit in edits {
            match file.apply_edit(edit) {
                Some(changes) => {
                    all.removed.extend(changes.removed);
                    all.added.extend(changes.added);
                }
                None => {
                    applied = false;
                    break;
                }
            }
        }
        // A document added by one edit and replaced by the next was never
        // seen by anyone.
        if edits.len() > 1 {
            let added: std::collections::HashSet<u64> = all.added.iter().copied().collect();
            all.removed.retain(|slot| !added.contains(&slot.revision));
            all.added.retain(|revision| file.document_by_revision(*revision).is_some());
        }
        let identity_changed = all.removed.len() != all.added.len()
            || !all.added.is_empty() && {
                let removed_objects: Vec<&Object> = all.removed.iter().flat_map(|slot| slot.objects.iter()).collect();
                let added_objects: Vec<&Object> = all
                    .added
                    .iter()
                    .filter_map(|revision| file.document_by_revision(*revision))
                    .flat_map(|(_, slot)| slot.objects.iter())
                    .collect();
                removed_objects.len() != added_objects.len()
                    || removed_objects.iter().zip(&added_objects).any(|(old, new)| !old.indexes_like(new))
            };
        let kustomization_changed = is_kustomization_path(&file.path) && !all.is_empty();
        let over_limit = file.skipped.is_none() && file.text.len() as u64 > limit;
        let back_under_limit = file.skipped.is_some() && version.is_some() && file.text.len() as u64 <= limit;
        let resize = (over_limit || back_under_limit).then(|| (file.path.clone(), file.text.clone()));
        // Several edits in one go may move documents in ways a pairwise
        // comparison does not see: the index is rebuilt to be sure.
        if identity_changed || kustomization_changed || edits.len() > 1 {
            self.index = None;
        }
        self.record(id, all, kustomization_changed);
        if let Some((path, text)) = resize {
            self.set_text(path, text, version);
        }
        applied
    }

    pub fn remove(&mut self, path: &Path) -> Option<FileId> {
        self.generation += 1;
        let id = Arc::make_mut(&mut self.ids).remove(path)?;
        let old = Arc::make_mut(&mut self.files).get_mut(id.0 as usize).and_then(Option::take);
        self.index = None;
        let kustomization = old.as_deref().is_some_and(|old| old.kustomization.is_some());
        self.record(id, DocumentChanges::between(old.as_deref(), None), kustomization);
        Some(id)
    }

    /// An immutable view of the current state, with its index built.
    pub fn snapshot(&mut self) -> Snapshot {
        let index = match &self.index {
            Some(index) => index.clone(),
            None => {
                let index = Arc::new(Index::build(&self.files, &self.config));
                self.index = Some(index.clone());
                index
            }
        };
        Snapshot {
            files: self.files.clone(),
            ids: self.ids.clone(),
            index,
            config: self.config.clone(),
            generation: self.generation,
        }
    }
}

pub fn too_big_reason(len: usize, limit: u64) -> String {
    format!("{len} bytes, over `maxFileSize` ({limit} bytes)")
}

/// An immutable state of the workspace.
#[derive(Clone, Debug)]
pub struct Snapshot {
    files: Arc<Vec<Option<Arc<SourceFile>>>>,
    ids: Arc<FxHashMap<PathBuf, FileId>>,
    /// The workspace's generation when the snapshot was taken.
    pub generation: u64,
    pub index: Arc<Index>,
    pub config: Arc<Config>,
}

/// One object with the file and document it lives in.
#[derive(Clone, Copy, Debug)]
pub struct ObjectView<'a> {
    pub id: ObjectId,
    pub file: &'a SourceFile,
    pub document: &'a DocumentSlot,
    pub object: &'a Object,
    pub indexed: &'a IndexedObject,
}

impl<'a> ObjectView<'a> {
    /// A document-relative range made absolute.
    pub fn absolute(&self, range: TextRange) -> TextRange {
        self.document.absolute(range)
    }

    pub fn name(&self) -> &'a str {
        &self.indexed.name
    }

    /// The text of the document that holds the object.
    pub fn document_text(&self) -> &'a str {
        self.document.text(&self.file.text)
    }

    /// A label of one of the object's peer addresses, as written.
    pub fn label(&self, label: &crate::model::Label) -> &'a str {
        label.text(self.document_text())
    }

    /// The candidate peer addresses in its strings, read from its document.
    pub fn addresses(&self) -> impl Iterator<Item = crate::model::PeerAddress> + 'a {
        let text = self.document_text();
        self.object.addresses.iter().filter_map(move |candidate| candidate.read(text))
    }

    pub fn namespace(&self) -> &'a str {
        &self.indexed.namespace
    }

    pub fn stateful_set(&self) -> Option<&'a StatefulSet> {
        self.object.stateful_set()
    }

    pub fn service(&self) -> Option<&'a Service> {
        self.object.service()
    }

    /// The object's `metadata.name` value, or failing that its `kind`, as the
    /// place to show a finding about the object as a whole.
    pub fn anchor_range(&self) -> TextRange {
        self.absolute(self.object.anchor())
    }
}

impl Snapshot {
    /// The index the workspace of this snapshot will have once `files` are
    /// inserted into it in this order (`Workspace::insert_all_shared`), built
    /// here, off the main loop.
    pub fn index_with(&self, files: &[Arc<SourceFile>]) -> Prepared {
        let mut combined: Vec<Option<Arc<SourceFile>>> = (*self.files).clone();
        let mut ids = (*self.ids).clone();
        combined.reserve(files.len());
        ids.reserve(files.len());
        for file in files {
            // As `Workspace::insert` numbers them: a new path gets the next id.
            let id = match ids.get(&file.path) {
                Some(id) => *id,
                None => {
                    let id = FileId(combined.len() as u32);
                    combined.push(None);
                    ids.insert(file.path.clone(), id);
                    id
                }
            };
            if let Some(place) = combined.get_mut(id.0 as usize) {
                *place = Some(file.clone());
            }
        }
        let index = Arc::new(Index::build(&combined, &self.config));
        Prepared { generation: self.generation, index, files: Arc::new(combined), ids: Arc::new(ids) }
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).and_then(|file| file.as_deref())
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().filter_map(|(id, file)| Some((FileId(id as u32), file.as_deref()?)))
    }

    pub fn object(&self, id: ObjectId) -> Option<ObjectView<'_>> {
        self.view(self.index.get(id)?)
    }

    /// The object an index entry stands for.
    pub fn view<'a>(&'a self, indexed: &'a IndexedObject) -> Option<ObjectView<'a>> {
        let id = indexed.id;
        let file = self.file(id.file)?;
        let document = file.documents.get(id.document as usize)?;
        let object = document.objects.get(id.object as usize)?;
        Some(ObjectView { id, file, document, object, indexed })
    }

    pub fn objects(&self) -> impl Iterator<Item = ObjectView<'_>> {
        self.index.objects.iter().filter_map(|indexed| self.view(indexed))
    }

    pub fn stateful_sets(&self) -> impl Iterator<Item = ObjectView<'_>> {
        self.index.stateful_sets().filter_map(|indexed| self.view(indexed))
    }

    pub fn objects_in_file(&self, file: FileId) -> impl Iterator<Item = ObjectView<'_>> {
        let source = self.file(file);
        source.into_iter().flat_map(move |source| {
            source.documents.iter().enumerate().flat_map(move |(document, slot)| {
                (0..slot.objects.len()).filter_map(move |object| {
                    self.object(ObjectId { file, document: document as u32, object: object as u32 })
                })
            })
        })
    }

    /// The object whose mapping holds `offset`, innermost list item first.
    pub fn object_at(&self, file: FileId, offset: usize) -> Option<ObjectView<'_>> {
        let source = self.file(file)?;
        let document = source.document_index_at(offset)?;
        let slot = source.documents.get(document)?;
        let relative = slot.relative(offset)?;
        let object = slot
            .objects
            .iter()
            .enumerate()
            .filter(|(_, object)| object.range.contains_inclusive(relative))
            .min_by_key(|(_, object)| object.range.len())
            .map(|(position, _)| position)
            // A cursor in a comment above the object still means the object.
            .or(if slot.objects.len() == 1 { Some(0) } else { None })?;
        self.object(ObjectId { file, document: document as u32, object: object as u32 })
    }

    /// The Service that governs a StatefulSet: named by its `serviceName`, in
    /// its namespace. The first one in file order where a name repeats.
    pub fn governing_service(&self, stateful_set: &ObjectView<'_>) -> Option<ObjectView<'_>> {
        let position = stateful_set.indexed.governing_service?;
        self.view(self.index.objects.get(position)?)
    }

    /// The StatefulSets a Service governs.
    pub fn governed_stateful_sets(&self, service: &ObjectView<'_>) -> Vec<ObjectView<'_>> {
        self.index.governed_by(service.id).filter_map(|stateful_set| self.view(stateful_set)).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Workspace;
    use crate::config::Config;
    use crate::syntax::TextRange;
    use crate::text::TextEdit;

    const FILE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {selector: {app: redis}}\n";

    fn edit(workspace: &mut Workspace, id: super::FileId, from: &str, to: &str) {
        let text = workspace.file(id).expect("file").text.clone();
        let start = text.find(from).expect("text to replace");
        workspace.edit(id, None, &[TextEdit::new(TextRange::new(start, start + from.len()), to)]);
    }

    #[test]
    fn an_index_built_with_the_files_read_is_the_one_built_after_inserting_them() {
        let mut workspace = Workspace::new(Config::default());
        workspace.set_text("/app/service.yaml".into(), FILE.to_owned(), Some(1));
        let set = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec: {serviceName: redis}\n";
        let read = |path: &str, text: &str| {
            Arc::new(crate::workspace::SourceFile::new(path.into(), text.to_owned(), None, None))
        };
        let files = vec![read("/app/sets.yaml", set), read("/app/service.yaml", FILE), read("/app/more.yaml", FILE)];
        let prepared = workspace.snapshot().index_with(&files);
        workspace.insert_all_shared(files.clone(), Some(prepared));
        let taken = workspace.snapshot();
        let mut fresh = Workspace::new(Config::default());
        fresh.set_text("/app/service.yaml".into(), FILE.to_owned(), Some(1));
        fresh.insert_all_shared(files, None);
        let built = fresh.snapshot();
        assert_eq!(format!("{:?}", taken.index.objects), format!("{:?}", built.index.objects));
        let stateful_set = taken.stateful_sets().next().expect("a StatefulSet");
        assert_eq!(taken.governing_service(&stateful_set).map(|service| service.id.file), Some(super::FileId(0)));
    }

    #[test]
    fn a_folder_read_becomes_the_workspace_it_was_prepared_for() {
        // Past 64 files the prepared files and ids are taken as they are:
        // they must be what inserting the files one by one gives.
        let read = |path: String, name: usize| {
            let text = FILE.replace("name: redis", &format!("name: redis-{name}"));
            Arc::new(crate::workspace::SourceFile::new(path.into(), text, None, None))
        };
        let mut files: Vec<_> = (0..100).map(|number| read(format!("/app/{number}.yaml"), number)).collect();
        // A path already in the workspace, and one read twice (the last wins).
        files.push(read("/app/open.yaml".to_owned(), 100));
        files.push(read("/app/7.yaml".to_owned(), 101));
        let start = |workspace: &mut Workspace| {
            workspace.set_text("/app/open.yaml".into(), FILE.to_owned(), None);
            workspace.take_changes();
        };
        let mut prepared_for = Workspace::new(Config::default());
        start(&mut prepared_for);
        let prepared = prepared_for.snapshot().index_with(&files);
        assert!(prepared_for.takes(&prepared));
        prepared_for.insert_all_shared(files.clone(), Some(prepared));
        let mut one_by_one = Workspace::new(Config::default());
        start(&mut one_by_one);
        one_by_one.insert_all_shared(files, None);
        assert!(prepared_for.take_changes().everything);
        let (taken, built) = (prepared_for.snapshot(), one_by_one.snapshot());
        let listed = |snapshot: &super::Snapshot| -> Vec<(super::FileId, std::path::PathBuf, String)> {
            snapshot.files().map(|(id, file)| (id, file.path.clone(), file.text.clone())).collect()
        };
        assert_eq!(listed(&taken), listed(&built));
        assert_eq!(taken.files().count(), 101);
        for path in ["/app/open.yaml", "/app/7.yaml", "/app/99.yaml"] {
            assert_eq!(taken.file_id(std::path::Path::new(path)), built.file_id(std::path::Path::new(path)), "{path}");
        }
        assert_eq!(format!("{:?}", taken.index.objects), format!("{:?}", built.index.objects));
        assert_eq!(taken.index.services("default", "redis-101").count(), 1);
        assert_eq!(taken.index.services("default", "redis-7").count(), 0);
    }

    #[test]
    fn an_index_prepared_for_another_state_is_not_taken() {
        let mut workspace = Workspace::new(Config::default());
        let read = |path: &str| Arc::new(crate::workspace::SourceFile::new(path.into(), FILE.to_owned(), None, None));
        let prepared = workspace.snapshot().index_with(&[read("/app/a.yaml")]);
        // The workspace changes while the read runs.
        workspace.set_text("/app/opened.yaml".into(), FILE.to_owned(), Some(1));
        let stale = prepared.index.clone();
        workspace.insert_all_shared(vec![read("/app/a.yaml")], Some(prepared));
        let snapshot = workspace.snapshot();
        assert!(!Arc::ptr_eq(&snapshot.index, &stale));
        assert_eq!(snapshot.index.services("default", "redis").count(), 2);
    }

    #[test]
    fn the_index_is_kept_while_no_object_changes_identity() {
        let mut workspace = Workspace::new(Config::default());
        let id = workspace.set_text("/app/service.yaml".into(), FILE.to_owned(), None);
        let before = workspace.snapshot().index;
        edit(&mut workspace, id, "app: redis", "app: cache");
        assert!(Arc::ptr_eq(&before, &workspace.snapshot().index), "a selector edit kept the index");
        edit(&mut workspace, id, "name: redis", "name: cache");
        let after = workspace.snapshot();
        assert!(!Arc::ptr_eq(&before, &after.index), "a rename rebuilt the index");
        assert_eq!(after.index.services("default", "cache").count(), 1);
        assert_eq!(after.index.services("default", "redis").count(), 0);
        edit(&mut workspace, id, "spec:", "---\nspec:");
        assert!(!Arc::ptr_eq(&after.index, &workspace.snapshot().index), "a new document rebuilt the index");
    }

    #[test]
    fn a_new_service_name_relinks_the_stateful_set() {
        let mut workspace = Workspace::new(Config::default());
        let text = format!(
            "{FILE}---\napiVersion: v1\nkind: Service\nmetadata: {{name: cache}}\n---\n\
             apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: web}}\nspec: {{serviceName: redis}}\n"
        );
        let id = workspace.set_text("/app/all.yaml".into(), text, None);
        let governing = |workspace: &mut Workspace| {
            let snapshot = workspace.snapshot();
            let stateful_set = snapshot.stateful_sets().next().expect("a StatefulSet");
            snapshot.governing_service(&stateful_set).map(|service| service.name().to_owned())
        };
        assert_eq!(governing(&mut workspace).as_deref(), Some("redis"));
        edit(&mut workspace, id, "serviceName: redis", "serviceName: cache");
        assert_eq!(governing(&mut workspace).as_deref(), Some("cache"));
        edit(&mut workspace, id, "serviceName: cache", "serviceName: nothing");
        assert_eq!(governing(&mut workspace), None);
    }
}
