//! Scalar values as Kubernetes reads them: null, integers, strings.
//!
//! It knows the YAML 1.2 core schema only as far as the API server's decoder
//! and our rules need it; it does not know any Kubernetes field.

use crate::syntax::{Document, NodeId, ScalarStyle, TextRange};

/// A scalar node as written, with its range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar<'a> {
    pub value: &'a str,
    pub style: ScalarStyle,
    pub range: TextRange,
}

impl<'a> Scalar<'a> {
    pub fn of(document: &'a Document, id: NodeId) -> Option<Scalar<'a>> {
        let (value, style) = document.scalar_with_style(id)?;
        // The range of the node as written: an alias's own `*name`, since
        // that is what a user edits.
        Some(Scalar { value, style, range: document.raw_node(id).range() })
    }

    pub fn is_null(&self) -> bool {
        is_null(self.value, self.style)
    }
}

/// YAML's null: an empty plain scalar, `~` or `null` in any of its spellings.
pub fn is_null(value: &str, style: ScalarStyle) -> bool {
    style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

/// An integer as the core schema reads a plain scalar: decimal with an
/// optional sign, `0o` octal or `0x` hex. Quoted scalars are strings.
pub fn parse_int(value: &str, style: ScalarStyle) -> Option<i64> {
    if style != ScalarStyle::Plain {
        return None;
    }
    if let Some(hex) = value.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(octal) = value.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).ok();
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_are_plain_only() {
        assert!(is_null("", ScalarStyle::Plain));
        assert!(is_null("~", ScalarStyle::Plain));
        assert!(is_null("NULL", ScalarStyle::Plain));
        assert!(!is_null("", ScalarStyle::DoubleQuoted));
        assert!(!is_null("None", ScalarStyle::Plain));
    }

    #[test]
    fn integers_follow_the_core_schema() {
        assert_eq!(parse_int("3", ScalarStyle::Plain), Some(3));
        assert_eq!(parse_int("+3", ScalarStyle::Plain), Some(3));
        assert_eq!(parse_int("-1", ScalarStyle::Plain), Some(-1));
        assert_eq!(parse_int("0x10", ScalarStyle::Plain), Some(16));
        assert_eq!(parse_int("0o10", ScalarStyle::Plain), Some(8));
        assert_eq!(parse_int("3", ScalarStyle::SingleQuoted), None);
        assert_eq!(parse_int("three", ScalarStyle::Plain), None);
    }
}
