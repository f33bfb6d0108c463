//! The code lens lists already answered, as the JSON they were answered
//! with, until the workspace changes.
//!
//! `textDocument/codeLens` has no range: an editor asks for every lens of a
//! document, again whenever it shows it or the document changes, and on a
//! 5 MiB file finding the places (every object, read from memory) and
//! converting them takes about a millisecond and a half. A list depends on
//! the file's text and the client's position encoding alone (whether lenses
//! are on at all is decided before asking), so it is kept per file for the
//! workspace's generation, which counts every change to any file or to the
//! configuration; the first change after it makes it useless, and the next
//! list made drops it.

use std::cell::RefCell;
use std::rc::Rc;

use crate::text::PositionEncoding;
use crate::workspace::FileId;

/// At most this many lists are kept: one per editor showing a file.
const KEPT: usize = 16;

/// What a list was made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ListKey {
    /// `Snapshot::generation`, which only ever grows in one server.
    pub(crate) generation: u64,
    pub(crate) file: FileId,
    pub(crate) encoding: PositionEncoding,
    /// Whether the client's text starts with a byte order mark, which moves
    /// the columns of the first line.
    pub(crate) bom: bool,
}

/// The lists, shared by the requests of the main loop (one thread).
#[derive(Default)]
pub(crate) struct LensLists {
    lists: RefCell<Vec<(ListKey, Rc<str>)>>,
}

impl LensLists {
    /// The JSON of the list for `key`: kept, or made by `make` and kept.
    pub(crate) fn get_or_make<E>(&self, key: ListKey, make: impl FnOnce() -> Result<String, E>) -> Result<Rc<str>, E> {
        if let Some((_, json)) = self.lists.borrow().iter().find(|(kept, _)| *kept == key) {
            return Ok(Rc::clone(json));
        }
        let json: Rc<str> = make()?.into();
        let mut lists = self.lists.borrow_mut();
        lists.retain(|(kept, _)| kept.generation == key.generation);
        if lists.len() >= KEPT {
            lists.remove(0);
        }
        lists.push((key, Rc::clone(&json)));
        Ok(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(generation: u64, file: u32) -> ListKey {
        ListKey { generation, file: FileId(file), encoding: PositionEncoding::Utf16, bom: false }
    }

    fn list(lists: &LensLists, key: ListKey, made: &str) -> String {
        lists.get_or_make::<()>(key, || Ok(made.to_owned())).expect("made").to_string()
    }

    #[test]
    fn a_list_is_made_once_per_file_and_generation() {
        let lists = LensLists::default();
        assert_eq!(list(&lists, key(1, 0), "[1]"), "[1]");
        assert_eq!(list(&lists, key(1, 0), "[again]"), "[1]");
        assert_eq!(list(&lists, key(1, 1), "[other file]"), "[other file]");
        let utf8 = ListKey { encoding: PositionEncoding::Utf8, ..key(1, 0) };
        assert_eq!(list(&lists, utf8, "[utf-8]"), "[utf-8]");
        let bom = ListKey { bom: true, ..key(1, 0) };
        assert_eq!(list(&lists, bom, "[bom]"), "[bom]");
        assert_eq!(list(&lists, key(2, 0), "[changed]"), "[changed]");
        assert_eq!(lists.lists.borrow().len(), 1, "the lists of generation 1 are dropped");
        assert_eq!(list(&lists, key(2, 0), "[again]"), "[changed]");
    }

    #[test]
    fn a_failed_list_is_not_kept_and_the_lists_are_bounded() {
        let lists = LensLists::default();
        assert_eq!(lists.get_or_make(key(1, 0), || Err("failed")), Err("failed"));
        assert_eq!(list(&lists, key(1, 0), "[made]"), "[made]");
        for file in 1..=(KEPT as u32 * 2) {
            list(&lists, key(1, file), "[]");
        }
        assert_eq!(lists.lists.borrow().len(), KEPT);
    }
}
