//! Text edits on a `String`: one replacement, or many non-overlapping ones
//! applied at once. Knows nothing of YAML, of lines or of the protocol; every
//! range is in bytes.

use super::TextRange;

/// Replace `range` of a text with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

impl TextEdit {
    pub fn new(range: TextRange, new_text: impl Into<String>) -> TextEdit {
        TextEdit { range, new_text: new_text.into() }
    }

    pub fn insert(offset: usize, new_text: impl Into<String>) -> TextEdit {
        TextEdit::new(TextRange::empty(offset), new_text)
    }

    pub fn delete(range: TextRange) -> TextEdit {
        TextEdit::new(range, String::new())
    }
}

/// Applies non-overlapping edits, given in any order, to `text`.
///
/// Edits are sorted by start; edits with the same start keep their given
/// order, so several inserts at one offset appear in the order given, and an
/// insert given after a replacement at the same start lands after the
/// replacement's text. A range past the end is clamped to the text; an edit
/// whose range is reversed, not on char boundaries, or overlapping an earlier
/// edit is skipped, so a stale or hostile edit never panics.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| edit.range.start);

    let inserted: usize = sorted.iter().map(|edit| edit.new_text.len()).sum();
    let mut result = String::with_capacity(text.len() + inserted);
    // `copied` is how much of `text` has been copied or replaced so far;
    // `last_start` is the start of the last applied edit.
    let mut copied = 0;
    let mut last_start = None;
    for edit in sorted {
        let start = edit.range.start.min(text.len());
        let end = edit.range.end.min(text.len());
        let valid = start <= end && text.is_char_boundary(start) && text.is_char_boundary(end);
        let follows_last = start >= copied || (start == end && last_start == Some(start));
        if !valid || !follows_last {
            continue;
        }
        if let Some(before) = text.get(copied..start) {
            result.push_str(before);
        }
        result.push_str(&edit.new_text);
        copied = copied.max(end);
        last_start = Some(start);
    }
    if let Some(rest) = text.get(copied..) {
        result.push_str(rest);
    }
    result
}

/// Replaces `range` of `text` in place. Returns false, leaving `text` as it
/// was, when the range is reversed, past the end, or not on char boundaries.
pub fn replace_range(text: &mut String, range: TextRange, replacement: &str) -> bool {
    let valid = range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end);
    if valid {
        text.replace_range(range.as_range(), replacement);
    }
    valid
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn edit(start: usize, end: usize, new_text: &str) -> TextEdit {
        TextEdit::new(TextRange::new(start, end), new_text)
    }

    #[test]
    fn edits_in_any_order() {
        let text = "name: redis\nport: 80\n";
        let edits = [edit(18, 20, "6379"), edit(6, 11, "cache"), TextEdit::insert(0, "# x\n")];
        assert_eq!(apply_edits(text, &edits), "# x\nname: cache\nport: 6379\n");
        assert_eq!(apply_edits(text, &[]), text);
    }

    #[test]
    fn inserts_at_one_offset_keep_their_order() {
        let edits = [TextEdit::insert(1, "x"), TextEdit::insert(1, "y"), edit(1, 2, "B")];
        assert_eq!(apply_edits("abc", &edits), "axyBc");
        // An insert given after a replacement at the same start follows it.
        let edits = [edit(1, 2, "B"), TextEdit::insert(1, "x")];
        assert_eq!(apply_edits("abc", &edits), "aBxc");
    }

    #[test]
    fn bad_edits_are_clamped_or_skipped() {
        // Past the end: clamped, so this appends.
        assert_eq!(apply_edits("ab", &[edit(5, 9, "!")]), "ab!");
        assert_eq!(apply_edits("ab", &[edit(1, 9, "!")]), "a!");
        // Reversed range: skipped.
        assert_eq!(apply_edits("ab", &[edit(2, 1, "!")]), "ab");
        // Inside "é": skipped.
        assert_eq!(apply_edits("é", &[edit(1, 2, "e")]), "é");
        // Overlapping an earlier edit: the later one is skipped.
        assert_eq!(apply_edits("abcd", &[edit(0, 2, "X"), edit(1, 3, "Y")]), "Xcd");
        assert_eq!(apply_edits("abcd", &[edit(0, 2, "X"), TextEdit::delete(TextRange::new(1, 1))]), "Xcd");
    }

    #[test]
    fn replace_range_checks_the_range() {
        let mut text = String::from("aé");
        assert!(!replace_range(&mut text, TextRange::new(2, 3), "e"));
        assert!(!replace_range(&mut text, TextRange::new(2, 1), "e"));
        assert!(!replace_range(&mut text, TextRange::new(3, 4), "e"));
        assert_eq!(text, "aé");
        assert!(replace_range(&mut text, TextRange::new(1, 3), "e"));
        assert_eq!(text, "ae");
        assert!(replace_range(&mut text, TextRange::empty(2), "\r\n"));
        assert_eq!(text, "ae\r\n");
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("a"), Just("\r"), Just("\n"), Just("\r\n"), Just("é"), Just("中"), Just("😀")]
    }

    /// A text, and non-overlapping edits on it listed by start, each range
    /// on char boundaries (built from whole pieces).
    fn text_and_sorted_edits() -> impl Strategy<Value = (String, Vec<TextEdit>)> {
        let span = (0..3usize, 0..3usize, 0..3usize, proptest::collection::vec(piece(), 0..3));
        (proptest::collection::vec(piece(), 0..20), proptest::collection::vec(span, 0..6)).prop_map(
            |(pieces, spans)| {
                let boundaries: Vec<usize> = std::iter::once(0)
                    .chain(pieces.iter().scan(0, |offset, piece| {
                        *offset += piece.len();
                        Some(*offset)
                    }))
                    .collect();
                let mut edits = Vec::new();
                let mut at = 0;
                for (gap, length, inserts, replacement) in spans {
                    at = (at + gap).min(boundaries.len() - 1);
                    // Inserts at the start come before the replacement there,
                    // the only order in which they do not overlap it.
                    for _ in 0..inserts {
                        edits.push(TextEdit::insert(boundaries[at], "+"));
                    }
                    let end = (at + length).min(boundaries.len() - 1);
                    edits.push(edit(boundaries[at], boundaries[end], &replacement.concat()));
                    at = end;
                }
                (pieces.concat(), edits)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn apply_edits_matches_sequential_replacement(
            (text, edits) in text_and_sorted_edits(),
            keys in proptest::collection::vec(0..1000u32, 32),
        ) {
            // Applying from the last edit to the first leaves earlier ranges
            // valid; inserts at one offset end up in their listed order.
            let mut expected = text.clone();
            for edit in edits.iter().rev() {
                prop_assert!(replace_range(&mut expected, edit.range, &edit.new_text));
            }

            // Shuffle, but keep the order of edits sharing a start, which
            // apply_edits must preserve.
            let mut shuffled: Vec<(u32, TextEdit)> = Vec::new();
            for edit in &edits {
                let first_with_start = edits.iter().position(|other| other.range.start == edit.range.start).unwrap();
                shuffled.push((keys[first_with_start % keys.len()], edit.clone()));
            }
            shuffled.sort_by_key(|(key, _)| *key);
            let shuffled: Vec<TextEdit> = shuffled.into_iter().map(|(_, edit)| edit).collect();

            prop_assert_eq!(apply_edits(&text, &shuffled), expected);
        }
    }
}
