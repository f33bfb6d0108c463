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

pub use file::{is_kustomization_path, DocumentSlot, SourceFile};
pub use index::{normalize, Index, IndexedObject, NamespaceSource, ObjectId};

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
        self.index = None;
        match self.ids.get(&file.path) {
            Some(id) => {
                self.files[id.0 as usize] = Some(Arc::new(file));
                *id
            }
            None => {
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
        let file = self.file(id.file)?;
        let document = file.documents.get(id.document as usize)?;
        let object = document.objects.get(id.object as usize)?;
        let indexed = self.index.get(id)?;
        Some(ObjectView { id, file, document, object, indexed })
    }

    pub fn objects(&self) -> impl Iterator<Item = ObjectView<'_>> {
        self.index.objects.iter().filter_map(|indexed| self.object(indexed.id))
    }

    pub fn stateful_sets(&self) -> impl Iterator<Item = ObjectView<'_>> {
        self.index.stateful_sets().filter_map(|indexed| self.object(indexed.id))
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
        let name = stateful_set.stateful_set()?.service_name()?;
        self.index.services(stateful_set.namespace(), name).find_map(|service| self.object(service.id))
    }

    /// The StatefulSets a Service governs.
    pub fn governed_stateful_sets(&self, service: &ObjectView<'_>) -> Vec<ObjectView<'_>> {
        self.stateful_sets()
            .filter(|stateful_set| {
                stateful_set.namespace() == service.namespace()
                    && stateful_set.stateful_set().and_then(StatefulSet::service_name) == Some(service.name())
                    && self.governing_service(stateful_set).map(|governing| governing.id) == Some(service.id)
            })
            .collect()
    }
}
