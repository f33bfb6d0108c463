//! `TextRange`, a byte range into a text: the one unit of position inside the
//! server. Line/column pairs exist only at the edges (`LineIndex`).

use std::ops::Range;

/// A byte range `start..end` into some text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> TextRange {
        TextRange { start, end }
    }

    pub const fn empty(offset: usize) -> TextRange {
        TextRange { start: offset, end: offset }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the range or touches its end, the way an
    /// editor cursor right after a word still "is on" that word.
    pub const fn contains_inclusive(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub const fn shifted(self, by: usize) -> TextRange {
        TextRange { start: self.start + by, end: self.end + by }
    }

    pub fn as_range(self) -> Range<usize> {
        self.start..self.end
    }
}
