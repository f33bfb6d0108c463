//! The workspace: every file's analysis, open buffers over disk copies, the
//! configuration, and the index with its links. Readers get an immutable
//! `Snapshot`, cheap to clone and safe to send to another thread.
//!
//! It does not touch the disk (that is `loader`) and judges nothing (that is
//! `checks`).

mod file;
mod index;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use file::{DocumentSlot, SourceFile};
pub use index::{Index, IndexedObject, NamespaceSource, ObjectId};

use crate::config::Config;
use crate::model::{Object, Service, StatefulSet};
use crate::syntax::TextRange;
use crate::text::{LineIndex, TextEdit};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// The mutable workspace, owned by one thread (the LSP main loop or the CLI).
#[derive(Debug, Default)]
pub struct Workspace {
    files: Vec<Option<Arc<SourceFile>>>,
    ids: HashMap<PathBuf, FileId>,
    config: Arc<Config>,
    index: Option<Arc<Index>>,
}

impl Workspace {
    pub fn new(config: Config) -> Workspace {
        Workspace { config: Arc::new(config), ..Workspace::default() }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn set_config(&mut self, config: Config) {
        self.config = Arc::new(config);
        self.index = None;
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    pub fn file(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.files.get(id.0 as usize).and_then(Option::as_ref)
    }

    pub fn file_ids(&self) -> impl Iterator<Item = FileId> + '_ {
        self.files.iter().enumerate().filter(|(_, file)| file.is_some()).map(|(id, _)| FileId(id as u32))
    }

    /// Adds or replaces a file's text, reusing what did not change.
    pub fn set_text(&mut self, path: PathBuf, text: String, version: Option<i32>) -> FileId {
        let previous = self.file_id(&path).and_then(|id| self.file(id).cloned());
        let file = SourceFile::new(path, text, version, previous.as_deref());
        self.insert(file)
    }

    /// Adds or replaces an already analysed file (the loader analyses files in
    /// parallel, then inserts them here).
    pub fn insert(&mut self, file: SourceFile) -> FileId {
        match self.ids.get(&file.path) {
            Some(id) => {
                let slot = &mut self.files[id.0 as usize];
                // Most keystrokes change no object's identity: the index then
                // stays valid as it is (it holds ids and names, no ranges).
                if !slot.as_deref().is_some_and(|old| old.indexes_like(&file)) {
                    self.index = None;
                }
                *slot = Some(Arc::new(file));
                *id
            }
            None => {
                self.index = None;
                let id = FileId(self.files.len() as u32);
                self.ids.insert(file.path.clone(), id);
                self.files.push(Some(Arc::new(file)));
                id
            }
        }
    }

    /// Applies edits given one after the other, each in the coordinates of the
    /// text left by the ones before it (as LSP's incremental changes are):
    /// `to_range` turns each edit's position into a byte range against the
    /// current text and line index. Returns false when the file is unknown.
    pub fn edit<C>(
        &mut self,
        id: FileId,
        version: Option<i32>,
        changes: impl IntoIterator<Item = C>,
        mut to_range: impl FnMut(&str, &LineIndex, &C) -> Option<TextRange>,
        new_text: impl Fn(&C) -> &str,
    ) -> bool {
        let Some(previous) = self.file(id).cloned() else { return false };
        let mut text = previous.text.clone();
        let mut line_index = previous.line_index.clone();
        for change in changes {
            match to_range(&text, &line_index, &change) {
                Some(range) => {
                    let replacement = new_text(&change);
                    if crate::text::replace_range(&mut text, range, replacement) {
                        line_index.apply_edit(&text, range, replacement.len());
                    }
                }
                // A change without a range replaces the whole text.
                None => {
                    text = new_text(&change).to_owned();
                    line_index = LineIndex::new(&text);
                }
            }
        }
        let file = SourceFile::with_line_index(previous.path.clone(), text, line_index, version, Some(&previous));
        self.insert(file);
        true
    }

    /// Applies byte-range edits to one file's current text.
    pub fn apply_edits(&mut self, id: FileId, edits: &[TextEdit]) -> bool {
        let Some(previous) = self.file(id).cloned() else { return false };
        let text = crate::text::apply_edits(&previous.text, edits);
        let file = SourceFile::new(previous.path.clone(), text, previous.version, Some(&previous));
        self.insert(file);
        true
    }

    pub fn remove(&mut self, path: &Path) -> Option<FileId> {
        let id = self.ids.remove(path)?;
        if let Some(slot) = self.files.get_mut(id.0 as usize) {
            *slot = None;
        }
        self.index = None;
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
        Snapshot { files: Arc::new(self.files.clone()), index, config: self.config.clone() }
    }
}

/// An immutable state of the workspace.
#[derive(Clone, Debug)]
pub struct Snapshot {
    files: Arc<Vec<Option<Arc<SourceFile>>>>,
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
        match &self.object.name {
            Some(name) if name.is_scalar && !name.value.is_empty() => self.absolute(name.value),
            Some(name) => self.absolute(name.key),
            None => self.absolute(self.object.kind.value),
        }
    }
}

impl Snapshot {
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
        workspace.apply_edits(id, &[TextEdit::new(TextRange::new(start, start + from.len()), to)]);
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
