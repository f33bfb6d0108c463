//! One source file: its text, line index, and per-document trees and objects.
//!
//! A new version of a file reuses every document whose text did not change
//! (shared behind `Arc`s), so an edit re-parses and re-reads only the edited
//! document. It does not know about other files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::{self, Kustomization, Object};
use crate::syntax::{self, Document, TextRange};
use crate::text::LineIndex;

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
}

impl DocumentSlot {
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start, self.start + self.len)
    }

    /// A document-relative range made absolute.
    pub fn absolute(&self, range: TextRange) -> TextRange {
        range.shifted(self.start)
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
    pub line_index: LineIndex,
    /// The editor's version of an open buffer; `None` for a file read from disk.
    pub version: Option<i32>,
    pub documents: Vec<DocumentSlot>,
    /// Set for a `kustomization.yaml`.
    pub kustomization: Option<Kustomization>,
    /// Why the file is not analysed, e.g. it is over `maxFileSize`.
    pub skipped: Option<String>,
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
        let line_index = LineIndex::new(&text);
        SourceFile::with_line_index(path, text, line_index, version, previous)
    }

    /// As `new`, with a line index the caller already kept up to date.
    pub fn with_line_index(
        path: PathBuf,
        text: String,
        line_index: LineIndex,
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
            ranges.par_iter().zip(reuse).map(analyse).collect()
        } else {
            ranges.iter().zip(reuse).map(analyse).collect()
        };
        let kustomization = if is_kustomization_path(&path) {
            documents.first().and_then(|document| model::kustomization_of_document(&document.syntax))
        } else {
            None
        };
        SourceFile { path, text, line_index, version, documents, kustomization, skipped: None }
    }

    /// A file that is not analysed; it still has a path so that it can be
    /// listed, and no documents.
    pub fn skipped(path: PathBuf, reason: String) -> SourceFile {
        SourceFile {
            path,
            text: String::new(),
            line_index: LineIndex::new(""),
            version: None,
            documents: Vec::new(),
            kustomization: None,
            skipped: Some(reason),
        }
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
        if is_template { Arc::from(Vec::new()) } else { model::objects_of_document(&syntax).into() };
    DocumentSlot { start: range.start, len: range.len(), syntax: Arc::new(syntax), objects, is_template }
}
