//! The code lens lists already answered, as the JSON they were answered
//! with, and each document's part of it, so that the list after an edit
//! costs what the edit changed.
//!
//! `textDocument/codeLens` has no range: an editor asks for every lens of a
//! document, again whenever it shows it or the document changes. On a 5 MiB
//! file, finding every place (each object read from memory), converting it
//! and writing it takes a millisecond and a half. An edit changes one
//! document: the others keep their places, and those below it move by the
//! lines the edit added or removed, if any. So a list is made of document
//! parts, each kept by the document's revision with the line it starts on:
//! a document at the same line gives its JSON as it was, one that moved
//! gives its places again with their lines moved, and only a new document
//! (or one that does not start a line) is read again.
//!
//! A list depends on the file's text and the client's position encoding
//! alone (whether lenses are on at all is decided before asking), so one
//! is kept per file, encoding and byte order mark; it is answered as it is
//! while the workspace's generation, which counts every change to any file
//! or to the configuration, stays the same.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use lsp_types::Position;

use super::convert::LineMap;
use crate::syntax::TextRange;
use crate::text::PositionEncoding;
use crate::workspace::{DocumentSlot, FileId, SourceFile};

/// At most this many lists are kept: one per editor showing a file.
const KEPT: usize = 16;

/// What a list is made for, besides the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ListKey {
    pub(crate) file: FileId,
    pub(crate) encoding: PositionEncoding,
    /// Whether the client's text starts with a byte order mark, which moves
    /// the columns of the first line.
    pub(crate) bom: bool,
}

/// One list and the parts it is made of.
struct List {
    key: ListKey,
    /// `Snapshot::generation` when it was made; it only ever grows.
    generation: u64,
    json: Rc<str>,
    /// The parts of the documents that start a line, in file order.
    parts: Vec<Part>,
}

/// One document's lenses in a list.
struct Part {
    revision: u64,
    /// The document's text in the file.
    text: TextRange,
    /// The line the document starts on.
    line: u32,
    /// Each lens's range, its lines counted from `line`.
    places: Vec<(Position, Position)>,
    /// Its lenses in the list's JSON, without the commas around them.
    json: std::ops::Range<usize>,
}

/// The lists, shared by the requests of the main loop (one thread).
#[derive(Default)]
pub(crate) struct LensLists {
    lists: RefCell<Vec<List>>,
}

impl LensLists {
    /// The JSON of the list of `source`'s lenses for `key` at `generation`:
    /// kept, or made from the parts of the last list kept for `key`.
    /// `places` gives a document's lens places in order, and `line_map`
    /// converts them.
    pub(crate) fn get_or_make(
        &self,
        key: ListKey,
        generation: u64,
        source: &SourceFile,
        line_map: &LineMap<'_>,
        places: impl Fn(&DocumentSlot) -> Vec<TextRange>,
    ) -> Rc<str> {
        let mut lists = self.lists.borrow_mut();
        let kept = lists.iter().position(|list| list.key == key);
        if let Some(list) = kept.map(|index| &lists[index]).filter(|list| list.generation == generation) {
            return Rc::clone(&list.json);
        }
        let previous = kept.map(|index| lists.remove(index));
        let list = make(key, generation, source, line_map, &places, previous);
        let json = Rc::clone(&list.json);
        if lists.len() >= KEPT {
            lists.remove(0);
        }
        lists.push(list);
        json
    }
}

fn make(
    key: ListKey,
    generation: u64,
    source: &SourceFile,
    line_map: &LineMap<'_>,
    places: &impl Fn(&DocumentSlot) -> Vec<TextRange>,
    previous: Option<List>,
) -> List {
    let (old_json, old_parts) = match previous {
        Some(list) => (list.json, list.parts),
        None => (Rc::from(""), Vec::new()),
    };
    let mut old_parts = OldParts { parts: old_parts.into_iter().map(Some).collect(), next: 0 };
    let mut json = String::with_capacity(old_json.len().max(2));
    let mut parts = Vec::with_capacity(source.documents.len());
    json.push('[');
    // The last document kept from the old list: a document that follows it
    // there and here (the documents tile the text) starts as many lines
    // after it as it did, since the kept document's text is the same; no
    // look at the line index needed.
    let mut last: Option<Kept> = None;
    for slot in &source.documents {
        let text = TextRange::new(slot.start, slot.start + slot.len);
        let old = old_parts.take(slot.revision);
        let after_last = old.as_ref().zip(last.as_ref()).filter(|((index, part), last)| {
            last.old_index + 1 == *index && last.old_text.end == part.text.start && last.new_text.end == text.start
        });
        let (line, starts_line) = match after_last {
            Some(((_, part), last)) => (last.new_line + part.line.saturating_sub(last.old_line), true),
            None => {
                let line = line_map.line_of(slot.start);
                (line, line_map.line_start(line) == Some(slot.start))
            }
        };
        last = old.as_ref().filter(|_| starts_line).map(|(index, part)| Kept {
            old_index: *index,
            old_text: part.text,
            old_line: part.line,
            new_text: text,
            new_line: line,
        });
        let before = json.len();
        if before > 1 {
            json.push(',');
        }
        let start = json.len();
        let part = match old.map(|(_, part)| part).filter(|_| starts_line) {
            // Where it was: its lenses are the same bytes.
            Some(part) if part.line == line => {
                json.push_str(old_json.get(part.json.clone()).unwrap_or_default());
                Part { text, json: start..json.len(), ..part }
            }
            // Moved, and not from or to the first line (whose columns a
            // byte order mark moves): the same places on other lines.
            Some(part) if part.line != 0 && line != 0 => {
                write_lenses(&mut json, &part.places, line, key.file);
                Part { line, text, json: start..json.len(), ..part }
            }
            _ => {
                let places: Vec<(Position, Position)> = places(slot)
                    .into_iter()
                    .map(|range| {
                        let range = line_map.range(range);
                        let relative = |position: Position| Position {
                            line: position.line.saturating_sub(line),
                            character: position.character,
                        };
                        (relative(range.start), relative(range.end))
                    })
                    .collect();
                write_lenses(&mut json, &places, line, key.file);
                Part { revision: slot.revision, text, line, places, json: start..json.len() }
            }
        };
        let part = if json.len() == start {
            // A document without lenses leaves no comma behind.
            json.truncate(before);
            Part { json: before..before, ..part }
        } else {
            part
        };
        if starts_line {
            parts.push(part);
        }
    }
    json.push(']');
    List { key, generation, json: json.into(), parts }
}

/// A document of the new list kept from the old one: where it was, and is.
struct Kept {
    old_index: usize,
    old_text: TextRange,
    old_line: u32,
    new_text: TextRange,
    new_line: u32,
}

/// The parts of the last list, taken in file order as the new list's
/// documents come: an edit keeps the order of the documents it leaves, so
/// the one wanted is almost always the next.
struct OldParts {
    parts: Vec<Option<Part>>,
    next: usize,
}

/// How far past the next part a document is looked for before it counts
/// as new: a few documents removed at once.
const LOOK_AHEAD: usize = 8;

impl OldParts {
    /// The part of the document `revision`, with its place in the old list.
    fn take(&mut self, revision: u64) -> Option<(usize, Part)> {
        let ahead = self.parts.get(self.next..)?.iter().take(LOOK_AHEAD);
        let found = ahead.enumerate().find(|(_, part)| part.as_ref().is_some_and(|part| part.revision == revision));
        let index = self.next + found?.0;
        self.next = index + 1;
        Some((index, self.parts.get_mut(index)?.take()?))
    }
}

/// Lenses as the protocol's `CodeLens` without a command, which
/// `codeLens/resolve` adds; `data` names the file, which a resolve request
/// does not otherwise say. Lines are counted from `line`.
fn write_lenses(json: &mut String, places: &[(Position, Position)], line: u32, file: FileId) {
    for (number, (start, end)) in places.iter().enumerate() {
        if number > 0 {
            json.push(',');
        }
        // Writing to a `String` cannot fail.
        let _ = write!(
            json,
            r#"{{"range":{{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}},"data":{}}}"#,
            line + start.line,
            start.character,
            line + end.line,
            end.character,
            file.0
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::text::TextEdit;
    use crate::workspace::{Snapshot, Workspace};

    const KEY: ListKey = ListKey { file: FileId(0), encoding: PositionEncoding::Utf16, bom: false };

    fn list(lists: &LensLists, snapshot: &Snapshot, key: ListKey) -> String {
        let source = snapshot.file(key.file).expect("file");
        let line_map = LineMap::new(&source.text, source.line_index(), key.encoding, key.bom);
        let places = |slot: &DocumentSlot| crate::ide::document_lens_places(slot).collect();
        lists.get_or_make(key, snapshot.generation, source, &line_map, places).to_string()
    }

    /// The list a server that kept nothing would make.
    fn fresh(snapshot: &Snapshot, key: ListKey) -> String {
        list(&LensLists::default(), snapshot, key)
    }

    fn object(kind: &str, name: &str) -> String {
        format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n")
    }

    fn edit(workspace: &mut Workspace, text: &str, find: &str, replacement: &str) -> Snapshot {
        let at = text.find(find).expect("the text to edit");
        let range = TextRange::new(at, at + find.len());
        workspace.edit(FileId(0), None, &[TextEdit::new(range, replacement.to_owned())]);
        workspace.snapshot()
    }

    #[test]
    fn a_list_after_an_edit_is_the_list_made_afresh() {
        let text = [
            object("Service", "a"),
            object("ConfigMap", "skipped"),
            object("StatefulSet", "b"),
            "--- {apiVersion: v1, kind: Service, metadata: {name: flow}}\n".to_owned(),
            object("Service", "c"),
            object("ConfigMap", "last"),
        ]
        .join("---\n");
        let mut workspace = Workspace::new(Config::default());
        workspace.set_text(Path::new("/w/all.yaml").to_path_buf(), text.clone(), None);
        let lists = LensLists::default();
        let snapshot = workspace.snapshot();
        let first = list(&lists, &snapshot, KEY);
        assert_eq!(first.matches(r#""data":0"#).count(), 4, "{first}");
        assert!(first
            .starts_with(r#"[{"range":{"start":{"line":3,"character":8},"end":{"line":3,"character":9}},"data":0},"#));
        assert_eq!(first, fresh(&snapshot, KEY));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&first).map(|list| list.is_array()).ok(), Some(true));

        // The same lines; then two lines more in the middle; then a document
        // above all; then the lenses of one document gone.
        let steps = [
            ("name: b", "name: bb"),
            ("kind: ConfigMap", "kind: ConfigMap\n\n"),
            ("apiVersion", "kind: X\n---\napiVersion"),
        ];
        let mut text = text;
        for (find, replacement) in steps {
            let snapshot = edit(&mut workspace, &text, find, replacement);
            text = snapshot.file(FileId(0)).expect("file").text.clone();
            assert_eq!(list(&lists, &snapshot, KEY), fresh(&snapshot, KEY), "after {find:?} → {replacement:?}");
        }
        let snapshot = edit(&mut workspace, &text, "kind: StatefulSet", "kind: Secret");
        let without = list(&lists, &snapshot, KEY);
        assert_eq!(without, fresh(&snapshot, KEY));
        assert_eq!(without.matches(r#""data":0"#).count(), 3, "{without}");
    }

    #[test]
    fn a_list_is_kept_for_its_generation_and_the_lists_are_bounded() {
        let mut workspace = Workspace::new(Config::default());
        for file in 0..=KEPT {
            workspace.set_text(Path::new(&format!("/w/{file}.yaml")).to_path_buf(), object("Service", "a"), None);
        }
        let snapshot = workspace.snapshot();
        let lists = LensLists::default();
        let source = snapshot.file(KEY.file).expect("file");
        let line_map = LineMap::new(&source.text, source.line_index(), KEY.encoding, KEY.bom);
        let made = std::cell::Cell::new(0);
        let get = || {
            lists.get_or_make(KEY, snapshot.generation, source, &line_map, |_| {
                made.set(made.get() + 1);
                Vec::new()
            })
        };
        let (first, again) = (get(), get());
        assert!(Rc::ptr_eq(&first, &again), "the same generation's list is the one kept");
        assert_eq!((made.get(), &*first), (1, "[]"));
        let utf8 = ListKey { encoding: PositionEncoding::Utf8, ..KEY };
        assert_eq!(list(&lists, &snapshot, utf8), fresh(&snapshot, utf8));
        for file in 0..=KEPT as u32 {
            list(&lists, &snapshot, ListKey { file: FileId(file), ..KEY });
        }
        assert_eq!(lists.lists.borrow().len(), KEPT);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Edits anywhere (a line added, a document split or joined, a name
        /// or a kind changed, text removed): the list kept up to date is the
        /// list made afresh, after each one.
        #[test]
        fn a_list_kept_through_any_edits_is_the_list_made_afresh(
            edits in proptest::collection::vec((0.0..1.0f64, 0..24usize, 0..6usize), 1..8),
            bom: bool,
        ) {
            const INSERTS: [&str; 6] = ["\n", "---\n", "kind: Service\n", "  name: é\n", "x", "kind: StatefulSet\n"];
            let text = [object("Service", "a"), object("StatefulSet", "b"), object("ConfigMap", "c"), object("Service", "d")]
                .join("---\n");
            let mut workspace = Workspace::new(Config::default());
            workspace.set_text(Path::new("/w/all.yaml").to_path_buf(), text, None);
            let key = ListKey { bom, ..KEY };
            let lists = LensLists::default();
            list(&lists, &workspace.snapshot(), key);
            for (at, removed, insert) in edits {
                let text = workspace.snapshot().file(FileId(0)).expect("file").text.clone();
                let mut start = (at * text.len() as f64) as usize;
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + removed).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let edit = TextEdit::new(TextRange::new(start, end), INSERTS[insert].to_owned());
                workspace.edit(FileId(0), None, &[edit]);
                let snapshot = workspace.snapshot();
                proptest::prop_assert_eq!(list(&lists, &snapshot, key), fresh(&snapshot, key));
            }
        }
    }

    #[test]
    fn a_byte_order_mark_moves_the_first_line_only() {
        let mut workspace = Workspace::new(Config::default());
        let text = object("Service", "a") + "---\n" + &object("Service", "b");
        workspace.set_text(Path::new("/w/a.yaml").to_path_buf(), text.clone(), None);
        let lists = LensLists::default();
        let bom = ListKey { bom: true, ..KEY };
        list(&lists, &workspace.snapshot(), bom);
        // The first document moves off the first line.
        let snapshot = edit(&mut workspace, &text, "apiVersion", "kind: X\n---\napiVersion");
        assert_eq!(list(&lists, &snapshot, bom), fresh(&snapshot, bom));
    }
}
