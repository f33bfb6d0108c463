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

/// A `TextRange` in 32 bits, for what a file holds by the hundred thousand
/// (syntax nodes, the labels of peer addresses): half the size, and a file
/// is at most `maxFileSize`, far below 4 GiB. Offsets past that saturate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CompactRange {
    start: u32,
    end: u32,
}

impl CompactRange {
    pub fn new(range: TextRange) -> CompactRange {
        CompactRange { start: compact(range.start), end: compact(range.end) }
    }

    pub fn get(self) -> TextRange {
        TextRange::new(self.start as usize, self.end as usize)
    }

    /// The range ending at `end` instead, never before it starts.
    pub fn with_end(self, end: usize) -> CompactRange {
        CompactRange { start: self.start, end: compact(end).max(self.start) }
    }
}

fn compact(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compact_range_keeps_offsets_and_saturates_past_32_bits() {
        let range = TextRange::new(3, 4_000_000_000);
        assert_eq!(CompactRange::new(range).get(), range);
        let beyond = TextRange::new(5, u32::MAX as usize + 10);
        assert_eq!(CompactRange::new(beyond).get(), TextRange::new(5, u32::MAX as usize));
        // A collection's end never falls before its start.
        let collection = CompactRange::new(TextRange::new(10, 12));
        assert_eq!(collection.with_end(20).get(), TextRange::new(10, 20));
        assert_eq!(collection.with_end(4).get(), TextRange::new(10, 10));
    }
}
