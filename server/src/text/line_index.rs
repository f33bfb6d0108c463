//! `LineIndex`: where each line starts, and conversion between byte offsets
//! and line/column positions in UTF-8, UTF-16 or UTF-32 code units. Knows
//! nothing of YAML or of the protocol; it only counts line breaks and chars.

use super::TextRange;

/// The unit in which a column is counted, as negotiated with an LSP client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
    Utf32,
}

impl PositionEncoding {
    /// Code units that `ch` takes in this encoding.
    fn units(self, ch: char) -> usize {
        match self {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }
}

/// 0-based line and column in the given encoding's code units (LSP-style).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The start offset of every line of a text.
///
/// A line ends at `"\n"`, `"\r\n"` or a lone `"\r"`, the three breaks LSP
/// counts. The index does not keep the text: each method that needs to look
/// at characters takes it again, and it must be the text the index was built
/// for (a mismatched text gives wrong answers, never a panic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is always 0, so the
    /// vector is never empty.
    line_starts: Vec<usize>,
    /// Length of the indexed text in bytes, so that offsets can be clamped
    /// without the text.
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        push_line_starts(text.as_bytes(), 0, text.len(), &mut line_starts);
        LineIndex { line_starts, len: text.len() }
    }

    /// Number of lines; `""` has one line and `"a\n"` has two.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Length in bytes of the text this index describes.
    pub fn text_len(&self) -> usize {
        self.len
    }

    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts.get(line as usize).copied()
    }

    /// Range of the line's content without its line break.
    pub fn line_range(&self, text: &str, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let end = self.content_end(text, line as usize).max(start);
        Some(TextRange::new(start, end))
    }

    /// The line holding `offset`, clamped to the text length. An offset inside
    /// a line break belongs to the line that the break ends.
    pub fn line_of(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        to_u32(line)
    }

    /// Offset to position. The offset is clamped to the text length and moved
    /// back to a char boundary; an offset inside `"\r\n"` counts as the end of
    /// its line, since no editor can put a cursor there.
    /// `line_of`, searching forward from line `near` when the offset is at
    /// or past its start: offsets converted in order (a file's findings, its
    /// code lenses) then cost a step or two each, not a search of every
    /// line of a huge file.
    pub fn line_of_near(&self, offset: usize, near: u32) -> u32 {
        let offset = offset.min(self.len);
        let mut low = near as usize;
        if self.line_starts.get(low).is_none_or(|&start| start > offset) {
            return self.line_of(offset);
        }
        // Gallop: lines `low..high` hold the line of `offset`.
        let mut step = 1;
        let high = loop {
            match self.line_starts.get(low + step) {
                Some(&start) if start <= offset => {
                    low += step;
                    step *= 2;
                }
                Some(_) => break low + step,
                None => break self.line_starts.len(),
            }
        };
        let within = self.line_starts.get(low..high).unwrap_or_default();
        to_u32(low + within.partition_point(|&start| start <= offset).saturating_sub(1))
    }

    pub fn position(&self, text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        self.position_on_line(text, offset, self.line_of(offset), encoding)
    }

    /// `position`, for an offset already known to be on `line` (a char
    /// boundary never falls across a line break, so the floor of an offset
    /// is on the offset's line).
    pub fn position_on_line(&self, text: &str, offset: usize, line: u32, encoding: PositionEncoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let start = self.line_start(line).unwrap_or(0);
        let offset = offset.min(self.content_end(text, line as usize)).max(start);
        let col = match text.get(start..offset) {
            Some(prefix) if encoding == PositionEncoding::Utf8 || prefix.is_ascii() => prefix.len(),
            Some(prefix) => prefix.chars().map(|ch| encoding.units(ch)).sum(),
            None => 0,
        };
        LineCol { line, col: to_u32(col) }
    }

    /// Position to offset. A line past the end gives `text.len()`; a column
    /// past the line's end gives the end of the line's content (before its
    /// break); a column inside a UTF-16 surrogate pair or a multi-byte char
    /// rounds down to the char's start. Never panics.
    pub fn offset(&self, text: &str, position: LineCol, encoding: PositionEncoding) -> usize {
        let Some(start) = self.line_start(position.line) else {
            return text.len();
        };
        let end = self.content_end(text, position.line as usize);
        let Some(content) = text.get(start..end) else {
            return floor_char_boundary(text, start.min(text.len()));
        };
        let col = position.col as usize;
        if content.is_ascii() {
            return start + col.min(content.len());
        }
        let mut units = 0;
        for (index, ch) in content.char_indices() {
            let next = units + encoding.units(ch);
            if next > col {
                return start + index;
            }
            units = next;
        }
        end
    }

    /// Updates the index after the old text had `range` replaced by
    /// `replacement_len` bytes; `new_text` is the text after the edit.
    ///
    /// Whether offset `p` starts a line depends only on the bytes at `p - 1`
    /// and `p` (a `"\r"` before `p` counts only when no `"\n"` follows it). So
    /// line starts before the edit and more than one byte after it survive
    /// (the later ones shifted), and only the window the edit touched is
    /// rescanned; this also catches `"\r"` + `"\n"` joined or split by the
    /// edit. A range or length that does not fit the index rebuilds it.
    pub fn apply_edit(&mut self, new_text: &str, range: TextRange, replacement_len: usize) {
        let consistent = range.start <= range.end
            && range.end <= self.len
            && self.len - range.len() + replacement_len == new_text.len();
        if !consistent {
            *self = LineIndex::new(new_text);
            return;
        }
        // Line 0 always starts at offset 0, whatever the edit.
        let first_changed = self.line_starts.partition_point(|&start| start < range.start).max(1);
        let first_kept = self.line_starts.partition_point(|&start| start <= range.end);

        let tail = self.line_starts.get_mut(first_kept..).unwrap_or_default();
        if replacement_len >= range.len() {
            let grow = replacement_len - range.len();
            tail.iter_mut().for_each(|start| *start += grow);
        } else {
            let shrink = range.len() - replacement_len;
            tail.iter_mut().for_each(|start| *start -= shrink);
        }

        // The starts `p` with `range.start <= p <= range.start +
        // replacement_len` in the new text; `p = 0` is never among them.
        let mut window = Vec::new();
        let window_end = range.start + replacement_len;
        push_line_starts(new_text.as_bytes(), range.start.saturating_sub(1), window_end, &mut window);
        self.line_starts.splice(first_changed..first_kept, window);
        self.len = new_text.len();
    }

    /// Where the content of `line` ends, before its line break. The last line
    /// has no break; for the others the break is found by looking back from
    /// the next line's start.
    fn content_end(&self, text: &str, line: usize) -> usize {
        let bytes = text.as_bytes();
        match self.line_starts.get(line + 1) {
            None => text.len(),
            Some(&next) => match bytes.get(..next) {
                Some([.., b'\r', b'\n']) => next - 2,
                Some([.., b'\n' | b'\r']) => next - 1,
                _ => next.min(text.len()),
            },
        }
    }
}

/// 1-based line and column counting Unicode scalar values, for the CLI.
pub fn line_col_chars(index: &LineIndex, text: &str, offset: usize) -> (usize, usize) {
    let position = index.position(text, offset, PositionEncoding::Utf32);
    (position.line as usize + 1, position.col as usize + 1)
}

/// Pushes every line start `p` with `from < p <= to` found in `bytes` (a line
/// starts after `"\n"`, after `"\r\n"`, and after a `"\r"` not followed by
/// `"\n"`). Looks at the byte at `to` to tell a lone `"\r"` from `"\r\n"`.
fn push_line_starts(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
    let Some(window) = bytes.get(from..to.min(bytes.len())) else {
        return;
    };
    let mut chunk_start = from;
    for chunk in window.chunks(CHUNK) {
        // Most chunks hold no line break; testing eight bytes at once skips
        // them, which doubles the speed of a scan over typical YAML.
        if may_hold_line_break(chunk) {
            for (index, &byte) in (chunk_start..).zip(chunk) {
                let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
                if ends_line {
                    starts.push(index + 1);
                }
            }
        }
        chunk_start += chunk.len();
    }
}

const CHUNK: usize = 8;

/// False only when `chunk` holds neither `"\n"` nor `"\r"`. For a full chunk
/// it uses the bit trick that finds a zero byte in a word (after xor with
/// the sought byte); a short chunk is simply said to maybe hold one.
fn may_hold_line_break(chunk: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);
    let Ok(chunk) = <[u8; CHUNK]>::try_from(chunk) else {
        return true;
    };
    let word = u64::from_ne_bytes(chunk);
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGH_BITS != 0;
    has_zero_byte(word ^ (ONES * u64::from(b'\n'))) || has_zero_byte(word ^ (ONES * u64::from(b'\r')))
}

/// The largest char boundary at or before `offset` (which must be at most
/// `text.len()`, else it is clamped).
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Lines and columns are `u32` in LSP; a count that does not fit (a 4 GB
/// line) saturates rather than wraps.
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use PositionEncoding::{Utf16, Utf32, Utf8};

    const ENCODINGS: [PositionEncoding; 3] = [Utf8, Utf16, Utf32];

    fn starts(text: &str) -> Vec<usize> {
        (0..LineIndex::new(text).line_count() as u32)
            .map(|line| LineIndex::new(text).line_start(line).unwrap())
            .collect()
    }

    fn pos(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    fn line_texts(text: &str) -> Vec<&str> {
        let index = LineIndex::new(text);
        (0..index.line_count() as u32).map(|line| &text[index.line_range(text, line).unwrap().as_range()]).collect()
    }

    #[test]
    fn empty_text_has_one_line() {
        let index = LineIndex::new("");
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.line_start(0), Some(0));
        assert_eq!(index.line_start(1), None);
        assert_eq!(index.line_range("", 0), Some(TextRange::new(0, 0)));
        assert_eq!(index.line_range("", 1), None);
        for encoding in ENCODINGS {
            assert_eq!(index.position("", 0, encoding), pos(0, 0));
            assert_eq!(index.position("", 7, encoding), pos(0, 0));
            assert_eq!(index.offset("", pos(0, 5), encoding), 0);
            assert_eq!(index.offset("", pos(3, 0), encoding), 0);
        }
    }

    #[test]
    fn line_breaks_of_every_kind() {
        assert_eq!(starts("a\nb"), [0, 2]);
        assert_eq!(starts("a\r\nb"), [0, 3]);
        assert_eq!(starts("a\rb"), [0, 2]);
        assert_eq!(starts("a\n\rb\r\n\r\rc\n"), [0, 2, 3, 6, 7, 8, 10]);
        assert_eq!(line_texts("a\n\rb\r\n\r\rc\n"), ["a", "", "b", "", "", "c", ""]);
        // "\n" then "\r" is two breaks, not one.
        assert_eq!(starts("\n\r"), [0, 1, 2]);
    }

    #[test]
    fn trailing_newline_opens_an_empty_last_line() {
        let text = "a\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 2);
        assert_eq!(index.line_range(text, 1), Some(TextRange::new(2, 2)));
        assert_eq!(index.position(text, 2, Utf16), pos(1, 0));
        assert_eq!(index.offset(text, pos(1, 0), Utf16), 2);
        assert_eq!(index.offset(text, pos(1, 9), Utf16), 2);
        assert_eq!(index.offset(text, pos(2, 0), Utf16), 2);
    }

    #[test]
    fn long_lines_cross_scan_chunks() {
        let line = "x".repeat(100);
        let text = format!("{line}\r\n{line}\r{line}\n\n{line}");
        assert_eq!(starts(&text), [0, 102, 203, 304, 305]);
        // A "\r\n" split across two scan chunks is still one break.
        for at in 0..3 * CHUNK {
            let text = format!("{}\r\nz\rw\n", "y".repeat(at));
            assert_eq!(starts(&text), [0, at + 2, at + 4, at + 6], "break at {at}");
        }
    }

    #[test]
    fn crlf_positions() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 2, Utf16), pos(0, 2));
        // Between "\r" and "\n" is still the end of the first line.
        assert_eq!(index.position(text, 3, Utf16), pos(0, 2));
        assert_eq!(index.position(text, 4, Utf16), pos(1, 0));
        assert_eq!(index.position(text, 99, Utf16), pos(1, 2));
        assert_eq!(index.offset(text, pos(0, 9), Utf16), 2);
        assert_eq!(index.offset(text, pos(1, 1), Utf16), 5);
        assert_eq!(index.line_of(3), 0);
        assert_eq!(index.line_of(4), 1);
        assert_eq!(index.line_of(99), 1);
    }

    #[test]
    fn lone_cr_positions() {
        let text = "ab\rcd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 2);
        assert_eq!(index.position(text, 2, Utf8), pos(0, 2));
        assert_eq!(index.position(text, 3, Utf8), pos(1, 0));
        assert_eq!(index.offset(text, pos(0, 3), Utf8), 2);
        assert_eq!(index.offset(text, pos(1, 2), Utf8), 5);
    }

    #[test]
    fn emoji_takes_two_utf16_units_and_four_bytes() {
        let text = "a😀b\n😀";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 5, Utf8), pos(0, 5));
        assert_eq!(index.position(text, 5, Utf16), pos(0, 3));
        assert_eq!(index.position(text, 5, Utf32), pos(0, 2));
        // An offset inside the emoji moves back to its start.
        assert_eq!(index.position(text, 3, Utf16), pos(0, 1));
        assert_eq!(index.offset(text, pos(0, 3), Utf16), 5);
        // A column between the two surrogates rounds down to the char start.
        assert_eq!(index.offset(text, pos(0, 2), Utf16), 1);
        assert_eq!(index.offset(text, pos(0, 2), Utf8), 1);
        assert_eq!(index.offset(text, pos(0, 2), Utf32), 5);
        assert_eq!(index.offset(text, pos(1, 2), Utf16), 11);
        assert_eq!(index.offset(text, pos(1, 1), Utf16), 7);
        assert_eq!(line_col_chars(&index, text, 5), (1, 3));
        assert_eq!(line_col_chars(&index, text, 11), (2, 2));
    }

    #[test]
    fn cjk_takes_one_utf16_unit_and_three_bytes() {
        let text = "中文: x";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 6, Utf8), pos(0, 6));
        assert_eq!(index.position(text, 6, Utf16), pos(0, 2));
        assert_eq!(index.position(text, 6, Utf32), pos(0, 2));
        assert_eq!(index.offset(text, pos(0, 2), Utf16), 6);
        assert_eq!(index.offset(text, pos(0, 4), Utf8), 3);
        assert_eq!(line_col_chars(&index, text, 8), (1, 5));
    }

    #[test]
    fn bom_is_one_char_when_not_stripped() {
        // The server strips the BOM before indexing; the index itself treats
        // U+FEFF as any other three-byte char.
        let text = "\u{FEFF}a";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3, Utf16), pos(0, 1));
        assert_eq!(index.position(text, 3, Utf8), pos(0, 3));
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1, Utf16), pos(0, 0));
        assert_eq!(index.position(text, usize::MAX, Utf16), pos(0, 1));
        assert_eq!(index.offset(text, pos(u32::MAX, u32::MAX), Utf16), 2);
        assert_eq!(index.offset(text, pos(0, u32::MAX), Utf16), 2);
        assert_eq!(index.line_of(usize::MAX), 0);
    }

    #[test]
    fn mismatched_text_does_not_panic() {
        let index = LineIndex::new("a\r\nbbbbbbbbb\nc");
        for text in ["", "é", "a\n", "\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r"] {
            for line in 0..5 {
                let _ = index.line_range(text, line);
                for encoding in ENCODINGS {
                    let _ = index.offset(text, pos(line, 3), encoding);
                }
            }
            for offset in 0..20 {
                for encoding in ENCODINGS {
                    let _ = index.position(text, offset, encoding);
                }
            }
        }
    }

    #[test]
    fn apply_edit_joins_and_splits_crlf() {
        let cases = [
            // Inserting "\n" after a lone "\r" joins them into one break.
            ("a\rb", TextRange::new(2, 2), "\n"),
            // Inserting "\r" before a lone "\n" joins them too.
            ("a\nb", TextRange::new(1, 1), "\r"),
            // Inserting between "\r" and "\n" splits them into two breaks.
            ("a\r\nb", TextRange::new(2, 2), "x"),
            // Deleting the text between "\r" and "\n" joins them.
            ("a\rx\nb", TextRange::new(2, 3), ""),
            // Replacing "\r\n" with a lone "\r" at the end of the text.
            ("a\r\n", TextRange::new(2, 3), ""),
            ("\r\n", TextRange::new(0, 1), ""),
            ("", TextRange::new(0, 0), "\r\n\r"),
            ("x\r\ny", TextRange::new(0, 4), ""),
        ];
        for (before, range, replacement) in cases {
            let mut after = before.to_owned();
            after.replace_range(range.as_range(), replacement);
            let mut index = LineIndex::new(before);
            index.apply_edit(&after, range, replacement.len());
            assert_eq!(index, LineIndex::new(&after), "{before:?} {range:?} {replacement:?}");
        }
    }

    #[test]
    fn apply_edit_with_a_wrong_range_rebuilds() {
        let mut index = LineIndex::new("a\nb");
        index.apply_edit("x\ny\nz", TextRange::new(7, 2), 1);
        assert_eq!(index, LineIndex::new("x\ny\nz"));
        let mut index = LineIndex::new("a\nb");
        index.apply_edit("x\ny\nz", TextRange::new(0, 1), 1);
        assert_eq!(index, LineIndex::new("x\ny\nz"));
    }

    /// Every char boundary of `text` with the position an editor shows there,
    /// walking char by char; the boundary between "\r" and "\n" repeats the
    /// position of the "\r".
    fn naive_positions(text: &str, encoding: PositionEncoding) -> Vec<(usize, LineCol)> {
        let mut result = Vec::new();
        let mut line = 0;
        let mut col = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((offset, ch)) = chars.next() {
            result.push((offset, pos(line, col)));
            match ch {
                '\r' if chars.peek().map(|&(_, next)| next) == Some('\n') => {
                    let (offset, _) = chars.next().unwrap();
                    result.push((offset, pos(line, col)));
                    line += 1;
                    col = 0;
                }
                '\r' | '\n' => {
                    line += 1;
                    col = 0;
                }
                _ => col += encoding.units(ch) as u32,
            }
        }
        result.push((text.len(), pos(line, col)));
        result
    }

    fn naive_position(text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        let positions = naive_positions(text, encoding);
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        positions.iter().find(|&&(at, _)| at == offset).unwrap().1
    }

    fn naive_offset(text: &str, position: LineCol, encoding: PositionEncoding) -> usize {
        let positions = naive_positions(text, encoding);
        let on_line: Vec<_> = positions.iter().filter(|(_, at)| at.line == position.line).collect();
        if on_line.is_empty() {
            return text.len();
        }
        let mut best = on_line[0];
        for candidate in on_line {
            if candidate.1.col <= position.col && candidate.1.col > best.1.col {
                best = candidate;
            }
        }
        best.0
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("a"),
            Just("b"),
            Just(" "),
            Just("\r"),
            Just("\n"),
            Just("\r\n"),
            Just("é"),
            Just("中"),
            Just("😀"),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    fn floor_boundary(text: &str, offset: usize) -> usize {
        floor_char_boundary(text, offset % (text.len() + 1))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn position_matches_naive(text in text_strategy(), offsets in proptest::collection::vec(0..50usize, 8)) {
            let index = LineIndex::new(&text);
            for offset in offsets {
                for encoding in ENCODINGS {
                    prop_assert_eq!(
                        index.position(&text, offset, encoding),
                        naive_position(&text, offset, encoding),
                        "offset {} {:?}", offset, encoding
                    );
                }
            }
        }

        #[test]
        fn a_line_searched_from_any_line_is_the_line_searched_from_the_start(
            text in text_strategy(),
            offsets in proptest::collection::vec((0..50usize, 0..14u32), 8),
        ) {
            let index = LineIndex::new(&text);
            for (offset, near) in offsets {
                prop_assert_eq!(index.line_of_near(offset, near), index.line_of(offset), "offset {} from line {}", offset, near);
            }
        }

        #[test]
        fn offset_matches_naive(
            text in text_strategy(),
            positions in proptest::collection::vec((0..12u32, 0..24u32), 8),
        ) {
            let index = LineIndex::new(&text);
            for (line, col) in positions {
                for encoding in ENCODINGS {
                    prop_assert_eq!(
                        index.offset(&text, pos(line, col), encoding),
                        naive_offset(&text, pos(line, col), encoding),
                        "{}:{} {:?}", line, col, encoding
                    );
                }
            }
        }

        #[test]
        fn offset_position_round_trip(text in text_strategy()) {
            let index = LineIndex::new(&text);
            let bytes = text.as_bytes();
            for offset in (0..=text.len()).filter(|&offset| text.is_char_boundary(offset)) {
                let inside_crlf = offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n');
                if inside_crlf {
                    continue;
                }
                for encoding in ENCODINGS {
                    let position = index.position(&text, offset, encoding);
                    prop_assert_eq!(index.offset(&text, position, encoding), offset);
                }
            }
        }

        #[test]
        fn line_of_agrees_with_position(text in text_strategy(), offset in 0..50usize) {
            let index = LineIndex::new(&text);
            let offset = floor_boundary(&text, offset);
            prop_assert_eq!(index.line_of(offset), index.position(&text, offset, Utf8).line);
        }

        #[test]
        fn apply_edit_matches_rebuild(
            text in text_strategy(),
            edits in proptest::collection::vec((0..60usize, 0..60usize, text_strategy()), 1..5),
        ) {
            let mut text = text;
            let mut index = LineIndex::new(&text);
            for (a, b, replacement) in edits {
                let a = floor_boundary(&text, a);
                let b = floor_boundary(&text, b);
                let range = TextRange::new(a.min(b), a.max(b));
                text.replace_range(range.as_range(), &replacement);
                index.apply_edit(&text, range, replacement.len());
                prop_assert_eq!(&index, &LineIndex::new(&text));
            }
        }
    }
}
