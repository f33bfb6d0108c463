//! One source file: its text, line index, and per-document trees and objects.
//!
//! A new version of a file reuses every document whose text did not change
//! (shared behind `Arc`s), so an edit re-parses and re-reads only the edited
//! document. An edit is applied in place (`SourceFile::apply_edit`): the text
//! and line index are patched, only the documents around the edit are split
//! again, and the later ones are shifted. It does not know about other files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use super::par_map;
use crate::model::{self, Kustomization, Object};
use crate::syntax::{self, Document, TextRange};
use crate::text::{LineIndex, TextEdit};

/// Files at least this large parse their documents in parallel.
const PARALLEL_PARSE_BYTES: usize = 256 * 1024;

/// One YAML document of a file, at its current offset.
#[derive(Clone, Debug)]
pub struct DocumentSlot {
    /// Byte offset of the document in the file; every range inside `syntax`
    /// and `objects` is relative to it.
    pub start: usize,
    pub len: usize,
    pub syntax: Arc<Document>,
    pub objects: Arc<[Object]>,
    /// A Helm/Go template document: not analysed.
    pub is_template: bool,
    /// Unique to this parse of the document's text, and kept while the
    /// document is reused: what the analysis caches its findings by, since a
    /// document's index in its file moves when one is added above it.
    pub revision: u64,
}

/// A fresh document revision; never 0, never reused.
fn next_revision() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What a new version of a file did to its documents: those gone (kept, so
/// that the analysis can tell what they named) and the revisions of those
/// that are new. Documents that were reused, shifted or not, are in neither.
#[derive(Clone, Debug, Default)]
pub struct DocumentChanges {
    pub removed: Vec<DocumentSlot>,
    pub added: Vec<u64>,
}

impl DocumentChanges {
    /// The documents of `new` that `old` did not have, and the reverse.
    pub fn between(old: Option<&SourceFile>, new: Option<&SourceFile>) -> DocumentChanges {
        let old_documents = old.map_or(&[][..], |file| &file.documents[..]);
        let new_documents = new.map_or(&[][..], |file| &file.documents[..]);
        let kept: std::collections::HashSet<u64> = match new {
            Some(file) => file.revisions.keys().copied().collect(),
            None => Default::default(),
        };
        let removed = old_documents.iter().filter(|slot| !kept.contains(&slot.revision)).cloned().collect();
        let added = new_documents
            .iter()
            .filter(|slot| old.is_none_or(|old| !old.revisions.contains_key(&slot.revision)))
            .map(|slot| slot.revision)
            .collect();
        DocumentChanges { removed, added }
    }

    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }
}

impl DocumentSlot {
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start, self.start + self.len)
    }

    /// A document-relative range made absolute.
    pub fn absolute(&self, range: TextRange) -> TextRange {
        range.shifted(self.start)
    }

    /// The document's text, out of its file's (`SourceFile::text`).
    pub fn text<'t>(&self, file_text: &'t str) -> &'t str {
        file_text.get(self.range().as_range()).unwrap_or_default()
    }

    /// An absolute offset made relative to this document, if inside it.
    pub fn relative(&self, offset: usize) -> Option<usize> {
        (self.start..=self.start + self.len).contains(&offset).then(|| offset - self.start)
    }
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Made the first time a position is asked for: most files read from
    /// disk never are (their findings, if any, are published once).
    line_index: OnceLock<LineIndex>,
    /// The editor's version of an open buffer; `None` for a file read from disk.
    pub version: Option<i32>,
    pub documents: Vec<DocumentSlot>,
    /// Set for a `kustomization.yaml`.
    pub kustomization: Option<Kustomization>,
    /// Why the file is not analysed, e.g. it is over `maxFileSize`. Its text
    /// is still kept (an open buffer's changes apply to it).
    pub skipped: Option<String>,
    /// Each document's position in `documents`, by revision.
    revisions: HashMap<u64, u32>,
}

/// `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
pub fn is_kustomization_path(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|name| name.to_str()),
        Some("kustomization.yaml" | "kustomization.yml" | "Kustomization")
    )
}

impl SourceFile {
    /// Analyses `text`, reusing the unchanged documents of `previous`.
    pub fn new(path: PathBuf, text: String, version: Option<i32>, previous: Option<&SourceFile>) -> SourceFile {
        SourceFile::with_line_index(path, text, OnceLock::new(), version, previous)
    }

    /// The text's line index.
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// As `new`, with the line index the caller kept up to date, if it made one.
    fn with_line_index(
        path: PathBuf,
        text: String,
        line_index: OnceLock<LineIndex>,
        version: Option<i32>,
        previous: Option<&SourceFile>,
    ) -> SourceFile {
        let ranges = syntax::split_documents(&text);
        let reuse = match previous {
            Some(previous) if previous.skipped.is_none() => {
                let old_ranges: Vec<TextRange> = previous.documents.iter().map(DocumentSlot::range).collect();
                syntax::reusable_documents(&previous.text, &old_ranges, &text, &ranges)
            }
            _ => vec![None; ranges.len()],
        };
        let analyse = |(range, reused): (&TextRange, Option<usize>)| match reused
            .and_then(|index| previous.and_then(|previous| previous.documents.get(index)))
        {
            Some(old) => DocumentSlot { start: range.start, len: range.len(), ..old.clone() },
            None => analyse_document(&text, *range),
        };
        // Documents are independent: a large file's are parsed on every core.
        // Small files are not worth the hand-over (the first index already
        // parses many files in parallel).
        let documents: Vec<DocumentSlot> = if text.len() >= PARALLEL_PARSE_BYTES && ranges.len() > 1 {
            let pairs: Vec<(&TextRange, Option<usize>)> = ranges.iter().zip(reuse).collect();
            par_map(&pairs, |&pair| analyse(pair))
        } else {
            ranges.iter().zip(reuse).map(analyse).collect()
        };
        let mut file = SourceFile {
            path,
            text,
            line_index,
            version,
            documents,
            kustomization: None,
            skipped: None,
            revisions: HashMap::new(),
        };
        file.finish_documents();
        file
    }

    /// A file that is not analysed; it still has a path so that it can be
    /// listed, and no documents.
    pub fn skipped(path: PathBuf, reason: String) -> SourceFile {
        SourceFile::skipped_with_text(path, reason, String::new())
    }

    /// A file that is not analysed but whose text is kept: an open buffer
    /// over `maxFileSize`, which the client goes on editing.
    pub fn skipped_with_text(path: PathBuf, reason: String, text: String) -> SourceFile {
        SourceFile {
            path,
            line_index: OnceLock::new(),
            text,
            version: None,
            documents: Vec::new(),
            kustomization: None,
            skipped: Some(reason),
            revisions: HashMap::new(),
        }
    }

    /// The document of a revision, with its position in the file.
    pub fn document_by_revision(&self, revision: u64) -> Option<(usize, &DocumentSlot)> {
        let index = *self.revisions.get(&revision)? as usize;
        Some((index, self.documents.get(index)?))
    }

    /// Derived state, after the documents changed.
    fn finish_documents(&mut self) {
        self.revisions.clear();
        self.revisions.extend(self.documents.iter().enumerate().map(|(index, slot)| (slot.revision, index as u32)));
        self.kustomization = if is_kustomization_path(&self.path) {
            self.documents.first().and_then(|document| model::kustomization_of_document(&document.syntax))
        } else {
            None
        };
    }

    /// Replaces `edit.range` of the text in place, keeping the line index up
    /// to date and splitting again only the documents around the edit: the
    /// documents before it are kept, those after it are shifted. Returns the
    /// documents it replaced and the revisions of the new ones, or `None`
    /// (nothing changed) for a range that does not fit the text.
    ///
    /// Only the edited document (and the one before it, and the one after it
    /// as a check) is looked at again, so a keystroke in a large file costs
    /// the size of its document, not of the file (plus moving the bytes after
    /// the edit, at `memmove` speed).
    pub fn apply_edit(&mut self, edit: &TextEdit) -> Option<DocumentChanges> {
        let range = edit.range;
        if !crate::text::replace_range(&mut self.text, range, &edit.new_text) {
            return None;
        }
        if let Some(line_index) = self.line_index.get_mut() {
            line_index.apply_edit(&self.text, range, edit.new_text.len());
        }
        if self.skipped.is_some() {
            return Some(DocumentChanges::default());
        }
        let delta = edit.new_text.len() as isize - range.len() as isize;
        let shift = |offset: usize| offset.checked_add_signed(delta).unwrap_or(0);
        let count = self.documents.len();
        // The document before the edited one is split again too: an edit at
        // the start of a line may turn `...` or `---` into content.
        let first_edited = self.documents.partition_point(|slot| slot.start <= range.start).saturating_sub(1);
        let region_first = first_edited.saturating_sub(1);
        let last_edited = self.documents.partition_point(|slot| slot.start <= range.end).saturating_sub(1);
        // The region ends with one unedited document, whose start must still be
        // a boundary: then everything after it splits as before. Where it is
        // not (the edit joined it to the one before), take one more.
        let mut region_last = (last_edited + 1).min(count.saturating_sub(1));
        let region_start = self.documents.get(region_first).map_or(0, |slot| slot.start);
        let local = loop {
            let old_end = self.documents.get(region_last).map_or(0, |slot| slot.start + slot.len);
            let region_end = if region_last + 1 >= count { self.text.len() } else { shift(old_end) };
            let Some(region_text) = self.text.get(region_start..region_end) else {
                return Some(self.reanalyse_all());
            };
            let local: Vec<TextRange> =
                syntax::split_documents(region_text).into_iter().map(|r| r.shifted(region_start)).collect();
            if region_last + 1 >= count || region_last <= last_edited {
                break local;
            }
            let kept_start = self.documents.get(region_last).map_or(0, |slot| shift(slot.start));
            if local.iter().any(|r| r.start == kept_start) {
                break local;
            }
            region_last += 1;
        };
        let old_region: Vec<DocumentSlot> = self.documents.drain(region_first..=region_last.min(count - 1)).collect();
        // A document is reused when it lies wholly before the edit or wholly
        // after it with the same bytes (then its range is the old one, shifted
        // past the edit).
        let reused = |new_range: &TextRange| {
            old_region.iter().find(|old| {
                let old_range = old.range();
                (old_range.end <= range.start && old_range == *new_range)
                    || (old_range.start >= range.end
                        && shift(old_range.start) == new_range.start
                        && old_range.len() == new_range.len())
            })
        };
        let mut changes = DocumentChanges::default();
        let mut new_region = Vec::with_capacity(local.len());
        for new_range in &local {
            match reused(new_range) {
                Some(old) => {
                    new_region.push(DocumentSlot { start: new_range.start, len: new_range.len(), ..old.clone() })
                }
                None => {
                    let slot = analyse_document(&self.text, *new_range);
                    changes.added.push(slot.revision);
                    new_region.push(slot);
                }
            }
        }
        let kept: std::collections::HashSet<u64> = new_region.iter().map(|slot| slot.revision).collect();
        changes.removed = old_region.into_iter().filter(|old| !kept.contains(&old.revision)).collect();
        let after = region_first + new_region.len();
        self.documents.splice(region_first..region_first, new_region);
        for slot in &mut self.documents[after..] {
            slot.start = shift(slot.start);
        }
        self.finish_documents();
        Some(changes)
    }

    /// Splits and parses the whole text again: the fallback for an edit
    /// whose region cannot be found.
    fn reanalyse_all(&mut self) -> DocumentChanges {
        let old = std::mem::take(&mut self.documents);
        let text = std::mem::take(&mut self.text);
        let line_index = std::mem::take(&mut self.line_index);
        let fresh = SourceFile::with_line_index(self.path.clone(), text, line_index, self.version, None);
        let removed = old;
        let added = fresh.documents.iter().map(|slot| slot.revision).collect();
        *self = fresh;
        DocumentChanges { removed, added }
    }

    /// Whether `other` gives the index exactly what this file gives it: the
    /// same documents and objects in the same places (so the same ids), each
    /// with the same kind, name, namespace and Endpoints addresses, and the
    /// same kustomization. The index is then still valid for `other`.
    pub fn indexes_like(&self, other: &SourceFile) -> bool {
        self.path == other.path
            && self.kustomization == other.kustomization
            && self.documents.len() == other.documents.len()
            && self.documents.iter().zip(&other.documents).all(|(old, new)| {
                Arc::ptr_eq(&old.objects, &new.objects)
                    || (old.objects.len() == new.objects.len()
                        && old.objects.iter().zip(new.objects.iter()).all(|(a, b)| a.indexes_like(b)))
            })
    }

    /// The document holding `offset`. At a boundary the later document wins,
    /// except at the very end of the text.
    pub fn document_at(&self, offset: usize) -> Option<&DocumentSlot> {
        let index = self.documents.partition_point(|document| document.start <= offset);
        self.documents.get(index.checked_sub(1)?)
    }

    pub fn document_index_at(&self, offset: usize) -> Option<usize> {
        let index = self.documents.partition_point(|document| document.start <= offset);
        index.checked_sub(1)
    }
}

fn analyse_document(text: &str, range: TextRange) -> DocumentSlot {
    let document_text = text.get(range.as_range()).unwrap_or("");
    let is_template = model::is_template(document_text);
    let syntax = syntax::parse_document(document_text);
    let objects: Arc<[Object]> =
        if is_template { Arc::from(Vec::new()) } else { model::objects_of_document(&syntax, document_text).into() };
    DocumentSlot {
        start: range.start,
        len: range.len(),
        syntax: Arc::new(syntax),
        objects,
        is_template,
        revision: next_revision(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn revisions(file: &SourceFile) -> Vec<u64> {
        file.documents.iter().map(|slot| slot.revision).collect()
    }

    #[test]
    fn an_edit_in_place_parses_only_the_edited_document() {
        let text = "kind: A\n---\nkind: B\n---\nkind: C\n---\nkind: D\n".to_owned();
        let mut file = SourceFile::new("/app/all.yaml".into(), text, None, None);
        let before = revisions(&file);
        let at = file.text.find("kind: C").expect("document C");
        let changes = file.apply_edit(&TextEdit::new(TextRange::new(at + 6, at + 7), "Cache")).expect("in range");
        let after = revisions(&file);
        assert_eq!(changes.added, vec![after[2]]);
        assert_eq!(changes.removed.iter().map(|slot| slot.revision).collect::<Vec<_>>(), vec![before[2]]);
        assert_eq!([after[0], after[1], after[3]], [before[0], before[1], before[3]]);
        // The document after the edit moved by the four bytes added.
        assert_eq!(file.documents[3].start, at + "kind: C\n".len() + 4);
        assert_eq!(file.document_by_revision(after[3]).map(|(index, _)| index), Some(3));
    }

    #[test]
    fn an_edit_that_joins_documents_splits_them_again() {
        let text = "kind: A\n---\nkind: B\n---\nkind: C\n".to_owned();
        let mut file = SourceFile::new("/app/all.yaml".into(), text, None, None);
        let at = file.text.find("---").expect("a marker");
        file.apply_edit(&TextEdit::new(TextRange::new(at, at + 3), "# x")).expect("in range");
        assert_eq!(file.documents.len(), 2);
        file.apply_edit(&TextEdit::insert(0, "---\n")).expect("in range");
        assert_eq!(
            file.documents.iter().map(DocumentSlot::range).collect::<Vec<_>>(),
            syntax::split_documents(&file.text)
        );
    }

    fn yaml_piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "---\n",
            "...\n",
            "kind: A\n",
            "%YAML 1.2\n",
            "a: |\n  b\n",
            "# c\n",
            "x",
            "\n",
            "-",
            "--- |\n",
            "\r\n",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        /// Any edit in place leaves the same documents as splitting and
        /// parsing the edited text from scratch.
        #[test]
        fn edits_in_place_split_as_a_fresh_parse(
            pieces in prop::collection::vec(yaml_piece(), 0..12),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, prop::collection::vec(yaml_piece(), 0..3)), 1..5),
        ) {
            let mut file = SourceFile::new("/app/f.yaml".into(), pieces.concat(), None, None);
            // Made now, so that each edit has to keep it up to date.
            file.line_index();
            for (at, len, insert) in edits {
                let start = at.index(file.text.len() + 1);
                let end = (start + len).min(file.text.len());
                file.apply_edit(&TextEdit::new(TextRange::new(start, end), insert.concat())).expect("in range");
                let fresh = SourceFile::new("/app/f.yaml".into(), file.text.clone(), None, None);
                let ranges: Vec<TextRange> = file.documents.iter().map(DocumentSlot::range).collect();
                let fresh_ranges: Vec<TextRange> = fresh.documents.iter().map(DocumentSlot::range).collect();
                prop_assert_eq!(ranges, fresh_ranges);
                for (kept, parsed) in file.documents.iter().zip(&fresh.documents) {
                    prop_assert_eq!(&kept.objects, &parsed.objects);
                    prop_assert_eq!(kept.syntax.errors.len(), parsed.syntax.errors.len());
                }
                prop_assert_eq!(file.line_index(), &LineIndex::new(&file.text));
            }
        }
    }
}
