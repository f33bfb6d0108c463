//! Finding the documents of an edited file whose text did not change, so that
//! their trees can be reused instead of parsed again. It compares bytes only:
//! it knows nothing of YAML, and relies on a document's tree depending on
//! nothing but its own text (all its ranges are relative to its start).

use crate::text::TextRange;

/// For each document of `new_text` (as split into `new_ranges`), the index in
/// `old_ranges` of a document of `old_text` with byte-identical text, whose
/// tree can be reused; `None` where the document must be parsed.
///
/// An edit changes one stretch of the text: everything before it (the common
/// prefix) and after it (the common suffix) is unchanged. A document entirely
/// inside the prefix is reused from the same range of the old text; one
/// entirely inside the suffix from the old range shifted by the change in
/// length. A document that overlaps the changed stretch is compared byte for
/// byte with those two candidates, since where an edit begins and ends is
/// ambiguous when the inserted text repeats its surroundings (inserting
/// `b\n---\n` after `---\n` is also inserting `---\nb\n` before it).
/// Documents that moved elsewhere are not found, which costs a parse, never a
/// wrong tree.
pub fn reusable_documents(
    old_text: &str,
    old_ranges: &[TextRange],
    new_text: &str,
    new_ranges: &[TextRange],
) -> Vec<Option<usize>> {
    let old = old_text.as_bytes();
    let new = new_text.as_bytes();
    let prefix = common_prefix_len(old, new);
    // The suffix may not reach into the prefix, or an insertion of repeated
    // text would be counted twice.
    let suffix_limit = old.len().min(new.len()) - prefix;
    let suffix = common_suffix_len(old, new, suffix_limit);
    let new_suffix_start = new.len() - suffix;

    // Before the edit both texts split the same way, so a document keeps its
    // index; after it, its index from the end. These guesses make the common
    // case O(1) per document; a binary search covers the rest.
    let index_shift = old_ranges.len() as isize - new_ranges.len() as isize;
    new_ranges
        .iter()
        .enumerate()
        .map(|(index, range)| {
            if range.start > range.end || range.end > new.len() {
                return None;
            }
            let same = || find_range(old_ranges, *range, Some(index));
            // Only inside the suffix is `range.start + old.len() >= new.len()`
            // certain, hence the checked subtraction.
            let shifted = || {
                let start = (range.start + old.len()).checked_sub(new.len())?;
                let hint = index.checked_add_signed(index_shift);
                find_range(old_ranges, TextRange::new(start, start + range.len()), hint)
            };
            if range.end <= prefix {
                same()
            } else if range.start >= new_suffix_start {
                shifted()
            } else {
                let new_document = new.get(range.as_range());
                [same(), shifted()].into_iter().flatten().find(|index| {
                    let old_document = old_ranges.get(*index).and_then(|old_range| old.get(old_range.as_range()));
                    old_document.is_some() && old_document == new_document
                })
            }
        })
        .collect()
}

/// Bytes compared at once before narrowing down to the first difference:
/// slice equality on a block compiles to `memcmp`, which is what makes a
/// multi-megabyte comparison take a fraction of a millisecond.
const BLOCK: usize = 1024;

fn common_prefix_len(old: &[u8], new: &[u8]) -> usize {
    let limit = old.len().min(new.len());
    let mut len = 0;
    while len + BLOCK <= limit && old.get(len..len + BLOCK) == new.get(len..len + BLOCK) {
        len += BLOCK;
    }
    while len < limit && old.get(len) == new.get(len) {
        len += 1;
    }
    len
}

/// The length of the common suffix of `old` and `new`, at most `limit`.
fn common_suffix_len(old: &[u8], new: &[u8], limit: usize) -> usize {
    let old_end = old.len();
    let new_end = new.len();
    let mut len = 0;
    while len + BLOCK <= limit
        && old.get(old_end - len - BLOCK..old_end - len) == new.get(new_end - len - BLOCK..new_end - len)
    {
        len += BLOCK;
    }
    while len < limit && old.get(old_end - len - 1) == new.get(new_end - len - 1) {
        len += 1;
    }
    len
}

/// The index of `wanted` in `ranges`, which are sorted as `split_documents`
/// returns them; `hint` is tried first.
fn find_range(ranges: &[TextRange], wanted: TextRange, hint: Option<usize>) -> Option<usize> {
    if let Some(hint) = hint {
        if ranges.get(hint) == Some(&wanted) {
            return Some(hint);
        }
    }
    let index = ranges.partition_point(|range| range.start < wanted.start);
    (ranges.get(index) == Some(&wanted)).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::split_documents;
    use proptest::prelude::*;

    fn reuse(old: &str, new: &str) -> Vec<Option<usize>> {
        reusable_documents(old, &split_documents(old), new, &split_documents(new))
    }

    #[test]
    fn unchanged_text_reuses_everything() {
        let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
        assert_eq!(reuse(text, text), [Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn an_edit_in_the_middle_reparses_only_its_document() {
        let old = "a: 1\n---\nb: 2\n---\nc: 3\n";
        let new = "a: 1\n---\nb: 22222\n---\nc: 3\n";
        assert_eq!(reuse(old, new), [Some(0), None, Some(2)]);
    }

    #[test]
    fn inserting_a_document_shifts_the_ones_after_it() {
        let old = "a: 1\n---\nc: 3\n---\nd: 4\n";
        let new = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
        // The common prefix ends inside the `---\nc: 3\n` document (it covers
        // its `---`) and the common suffix begins inside it; it is still
        // reused.
        assert_eq!(reuse(old, new), [Some(0), None, Some(1), Some(2)]);
    }

    #[test]
    fn deleting_a_separator_merges_two_documents() {
        let old = "a: 1\n---\nb: 2\n---\nc: 3\n";
        let new = "a: 1\nb: 2\n---\nc: 3\n";
        assert_eq!(reuse(old, new), [None, Some(2)]);
    }

    #[test]
    fn repeated_text_is_not_counted_twice() {
        // The whole old text is a common prefix, so there is no room for a
        // common suffix; the last document is found by comparing it with the
        // shifted candidate.
        let old = "a: 1\n---\na: 1\n";
        let new = "a: 1\n---\na: 1\n---\na: 1\n";
        let reused = reuse(old, new);
        assert_eq!(reused, [Some(0), Some(1), Some(1)]);
    }

    #[test]
    fn empty_texts() {
        assert_eq!(reuse("", ""), [Some(0)]);
        assert_eq!(reuse("", "a"), [None]);
        assert_eq!(reuse("a", ""), [None]);
    }

    #[test]
    fn long_texts_use_block_comparison() {
        let document = "kind: Service\nmetadata:\n  name: web\n";
        let old: String = (0..500).map(|i| format!("---\n{document}# {i}\n")).collect();
        let new = old.replacen("# 250\n", "# two hundred fifty\n", 1);
        let reused = reuse(&old, &new);
        assert_eq!(reused.len(), 500);
        for (index, reused) in reused.iter().enumerate() {
            assert_eq!(*reused, (index != 250).then_some(index), "document {index}");
        }
    }

    fn documents() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[ab: ]{0,12}", 1..12)
            .prop_map(|bodies| bodies.into_iter().map(|body| format!("---\n{body}\n")).collect())
    }

    proptest! {
        #[test]
        fn every_reuse_has_identical_text(
            old in "[ab:\\-. \\n]{0,80}",
            new in "[ab:\\-. \\n]{0,80}",
        ) {
            let old_ranges = split_documents(&old);
            let new_ranges = split_documents(&new);
            let reused = reusable_documents(&old, &old_ranges, &new, &new_ranges);
            prop_assert_eq!(reused.len(), new_ranges.len());
            for (new_range, reused) in new_ranges.iter().zip(&reused) {
                if let Some(index) = reused {
                    let old_range = old_ranges[*index];
                    prop_assert_eq!(&old[old_range.as_range()], &new[new_range.as_range()]);
                }
            }
        }

        #[test]
        fn a_single_edit_reuses_all_other_documents(
            documents in documents(),
            edited in any::<prop::sample::Index>(),
            replacement in "[a-z: ]{1,8}",
        ) {
            let edited = edited.index(documents.len());
            let old: String = documents.concat();
            let mut new_documents = documents.clone();
            // The replacement goes after the `---\n`, so the separator stays.
            new_documents[edited].insert_str(4, &replacement);
            let new: String = new_documents.concat();
            let reused = reuse(&old, &new);
            prop_assert_eq!(reused.len(), documents.len());
            for (index, reused) in reused.iter().enumerate() {
                if index != edited {
                    prop_assert_eq!(*reused, Some(index));
                }
            }
        }
    }
}
