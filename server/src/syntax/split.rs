//! Splitting a YAML file into the byte ranges of its documents, at column-0
//! `---` and `...` lines. It reads line starts only: it knows nothing of the
//! YAML grammar beyond document markers and directives, and nothing of the
//! YAML crate.
//!
//! YAML forbids a column-0 `---` or `...` followed by a blank inside any
//! document content (even inside a block or quoted scalar), so these lines are
//! document boundaries whatever the surrounding text. Splitting before parsing
//! means a syntax error hides nothing outside its own document.

use crate::text::TextRange;

/// The byte ranges of the documents of `text`, in order.
///
/// The ranges cover the whole text without gap or overlap: the first starts
/// at 0, the last ends at `text.len()`, and there is always at least one, even
/// for an empty text. Every boundary is at a line start.
///
/// - A line starting with `---` followed by a blank, a line break or the end
///   of the text opens a new document, and belongs to it: it can carry content
///   (`--- {a: 1}`, `--- !tag`, `--- |`).
/// - A line starting with `...` the same way closes the current document and
///   belongs to it; the next document begins after that line's break.
/// - Directives (`%YAML`, `%TAG`) before a `---` at the start of the text or
///   after a `...` belong to the document that `---` opens, as in YAML; they
///   are not a document of their own.
pub fn split_documents(text: &str) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut document_start = 0;
    // Where the current document's own lines begin: past a byte order mark
    // at the start of the text, so that `\u{feff}---` does not leave the mark
    // behind as a document of its own.
    let mut document_lines_start = if bytes.starts_with(UTF8_BOM) { UTF8_BOM.len() } else { 0 };
    // True while the current document, which began at the start of the text
    // or after a `...` line, holds only directives, comments and blank lines:
    // the prefix in which a directive is a directive.
    let mut in_prefix = true;
    let mut prefix_has_directive = false;

    let mut line_start = document_lines_start;
    loop {
        let (line_end, next_line_start) = line_end(bytes, line_start);
        if is_marker_line(bytes, line_start, b'-') {
            // A `---` after directives is the end of that document's prefix,
            // not the start of another document.
            let opens_document = line_start > document_lines_start && !(in_prefix && prefix_has_directive);
            if opens_document {
                ranges.push(TextRange::new(document_start, line_start));
                document_start = line_start;
                document_lines_start = line_start;
            }
            in_prefix = false;
        } else if is_marker_line(bytes, line_start, b'.') {
            ranges.push(TextRange::new(document_start, next_line_start));
            document_start = next_line_start;
            document_lines_start = next_line_start;
            in_prefix = true;
            prefix_has_directive = false;
        } else if in_prefix {
            match first_non_blank(bytes, line_start, line_end) {
                Some(b'%') if bytes.get(line_start) == Some(&b'%') => prefix_has_directive = true,
                None | Some(b'#') => {}
                Some(_) => in_prefix = false,
            }
        }
        if next_line_start >= bytes.len() {
            break;
        }
        line_start = next_line_start;
    }

    // A text that ends with a `...` line has no document after it, unless it
    // is the only thing in the text.
    if document_start < bytes.len() || ranges.is_empty() {
        ranges.push(TextRange::new(document_start, bytes.len()));
    }
    ranges
}

const UTF8_BOM: &[u8] = "\u{feff}".as_bytes();

/// Whether the line at `line_start` is `---` (or `...`) followed by a blank,
/// a line break or the end of the text.
fn is_marker_line(bytes: &[u8], line_start: usize, marker: u8) -> bool {
    let Some(head) = bytes.get(line_start..line_start + 3) else {
        return false;
    };
    head == [marker; 3] && matches!(bytes.get(line_start + 3), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// The first byte of the line that is not a space or a tab; `None` for a
/// blank line.
fn first_non_blank(bytes: &[u8], line_start: usize, line_end: usize) -> Option<u8> {
    bytes.get(line_start..line_end)?.iter().copied().find(|byte| *byte != b' ' && *byte != b'\t')
}

/// The offset of the line break that ends the line at `line_start` (or the
/// end of the text), and the offset of the next line's start.
fn line_end(bytes: &[u8], line_start: usize) -> (usize, usize) {
    match find_line_break(bytes, line_start) {
        Some(line_break) => {
            let crlf = bytes.get(line_break) == Some(&b'\r') && bytes.get(line_break + 1) == Some(&b'\n');
            (line_break, line_break + if crlf { 2 } else { 1 })
        }
        None => (bytes.len(), bytes.len()),
    }
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
const LINE_FEEDS: u64 = u64::from_ne_bytes([b'\n'; 8]);
const CARRIAGE_RETURNS: u64 = u64::from_ne_bytes([b'\r'; 8]);

/// The offset of the first `\n` or `\r` at or after `from`.
///
/// The text is read eight bytes at a time with a zero-byte test on each word:
/// finding line ends is most of the cost of splitting a large file, and the
/// standard library has no public two-byte `memchr`. (Walking the set bits of
/// whole-text word masks instead of restarting per line measured slower.)
fn find_line_break(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut offset = from;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        // Little-endian, so that the lowest set bit of the mask is the first
        // byte in text order.
        let word = u64::from_le_bytes(word);
        let mask = zero_bytes(word ^ LINE_FEEDS) | zero_bytes(word ^ CARRIAGE_RETURNS);
        if mask != 0 {
            return Some(offset + (mask.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|byte| *byte == b'\n' || *byte == b'\r').map(|index| offset + index)
}

/// A mask whose lowest set bit is the high bit of the first zero byte of
/// `word`. Bits above it may be spurious (a borrow can flag a `0x01` byte
/// after a zero), which is harmless since only the lowest bit is used.
const fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pieces(text: &str) -> Vec<&str> {
        split_documents(text).iter().map(|range| &text[range.as_range()]).collect()
    }

    #[test]
    fn empty_text_is_one_empty_document() {
        assert_eq!(split_documents(""), vec![TextRange::new(0, 0)]);
    }

    #[test]
    fn single_document_without_markers() {
        assert_eq!(pieces("a: 1\nb: 2\n"), ["a: 1\nb: 2\n"]);
    }

    #[test]
    fn separator_lines_open_documents() {
        assert_eq!(pieces("a: 1\n---\nb: 2\n--- {c: 3}\n---\n"), ["a: 1\n", "---\nb: 2\n", "--- {c: 3}\n", "---\n"]);
    }

    #[test]
    fn leading_separator_does_not_make_an_empty_document() {
        assert_eq!(pieces("---\na: 1\n---\nb: 2"), ["---\na: 1\n", "---\nb: 2"]);
    }

    #[test]
    fn end_marker_closes_a_document() {
        assert_eq!(
            pieces("a: 1\n...\nb: 2\n... # end\n---\nc: 3\n...\n"),
            ["a: 1\n...\n", "b: 2\n... # end\n", "---\nc: 3\n...\n"]
        );
    }

    #[test]
    fn end_marker_at_end_of_text_without_break() {
        assert_eq!(pieces("a: 1\n..."), ["a: 1\n..."]);
        assert_eq!(pieces("..."), ["..."]);
    }

    #[test]
    fn markers_must_be_at_column_zero_and_followed_by_a_blank() {
        let text = "a: ---\n  ---\n---x: 1\n----\n...x\n.... \nb: |\n  ---\n";
        assert_eq!(pieces(text), [text]);
    }

    #[test]
    fn tab_after_marker_counts_as_a_blank() {
        assert_eq!(pieces("a: 1\n---\tb: 2\n"), ["a: 1\n", "---\tb: 2\n"]);
    }

    #[test]
    fn all_line_endings() {
        assert_eq!(
            pieces("a: 1\r\n---\r\nb: 2\r---\rc: 3\r\n...\r\nd"),
            ["a: 1\r\n", "---\r\nb: 2\r", "---\rc: 3\r\n...\r\n", "d"]
        );
    }

    #[test]
    fn directives_stay_with_their_document() {
        assert_eq!(pieces("%YAML 1.2\n---\na: 1\n"), ["%YAML 1.2\n---\na: 1\n"]);
        assert_eq!(
            pieces("a: 1\n...\n# c\n%YAML 1.2\n\n%TAG ! tag:x,2000:\n---\nb: 2\n---\nc: 3\n"),
            ["a: 1\n...\n", "# c\n%YAML 1.2\n\n%TAG ! tag:x,2000:\n---\nb: 2\n", "---\nc: 3\n"]
        );
    }

    #[test]
    fn comments_before_the_first_separator_are_their_own_document() {
        assert_eq!(pieces("# header\n---\na: 1\n"), ["# header\n", "---\na: 1\n"]);
    }

    #[test]
    fn bom_before_a_separator() {
        assert_eq!(pieces("\u{feff}---\na: 1\n---\nb"), ["\u{feff}---\na: 1\n", "---\nb"]);
        assert_eq!(pieces("\u{feff}%YAML 1.2\n---\na"), ["\u{feff}%YAML 1.2\n---\na"]);
    }

    fn yamlish_text() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            Just("---".to_string()),
            Just("--- a".to_string()),
            Just("...".to_string()),
            Just("... # x".to_string()),
            Just("%YAML 1.2".to_string()),
            Just("# c".to_string()),
            Just(String::new()),
            Just("\u{feff}".to_string()),
            "[a-z:\\- .#%é]{0,12}",
        ];
        let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")];
        prop::collection::vec((line, ending), 0..20)
            .prop_map(|lines| lines.into_iter().map(|(line, ending)| line + ending).collect::<String>())
    }

    proptest! {
        #[test]
        fn ranges_are_contiguous_and_cover_the_text(text in yamlish_text()) {
            let ranges = split_documents(&text);
            prop_assert!(!ranges.is_empty());
            prop_assert_eq!(ranges[0].start, 0);
            prop_assert_eq!(ranges[ranges.len() - 1].end, text.len());
            for pair in ranges.windows(2) {
                prop_assert_eq!(pair[0].end, pair[1].start);
            }
            for range in &ranges {
                prop_assert!(range.start <= range.end);
                prop_assert!(ranges.len() == 1 || !range.is_empty());
            }
        }

        #[test]
        fn splitting_never_cuts_inside_a_line(text in yamlish_text()) {
            let bytes = text.as_bytes();
            for range in &split_documents(&text)[1..] {
                let previous = bytes[range.start - 1];
                prop_assert!(previous == b'\n' || previous == b'\r');
                // A boundary between the two bytes of a CRLF would cut a line break.
                prop_assert!(!(previous == b'\r' && bytes.get(range.start) == Some(&b'\n')));
            }
        }

        #[test]
        fn line_break_search_matches_a_naive_search(text in "[a\r\n\u{85}\u{b}é]{0,40}", from in 0usize..40) {
            let bytes = text.as_bytes();
            let from = from.min(bytes.len());
            let naive = bytes[from..].iter().position(|b| *b == b'\n' || *b == b'\r').map(|i| i + from);
            prop_assert_eq!(find_line_break(bytes, from), naive);
        }

        #[test]
        fn arbitrary_text_is_covered(text in any::<String>()) {
            let ranges = split_documents(&text);
            prop_assert_eq!(ranges[0].start, 0);
            prop_assert_eq!(ranges[ranges.len() - 1].end, text.len());
            for range in &ranges {
                prop_assert!(text.is_char_boundary(range.start));
            }
        }
    }
}
