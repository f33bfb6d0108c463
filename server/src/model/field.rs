//! A scalar field of a manifest, `key: value`, with the ranges of both and
//! its unquoted text. It does not know which object it belongs to.

use super::scalar::{is_null, parse_int, Scalar};
use crate::syntax::{Document, NodeId, ScalarStyle, TextRange};

/// A scalar field, `key: value`, with both ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: TextRange,
    pub value: TextRange,
    /// The scalar's value after unquoting; "" for a non-scalar value.
    pub text: String,
    pub style: ScalarStyle,
    /// False when the value is a mapping or sequence.
    pub is_scalar: bool,
    pub key_node: NodeId,
    pub value_node: NodeId,
}

impl Field {
    /// The field of a mapping entry `(key, value)`.
    pub fn read(document: &Document, (key_node, value_node): (NodeId, NodeId)) -> Field {
        let key = document.raw_node(key_node).range();
        match Scalar::of(document, value_node) {
            Some(scalar) => Field {
                key,
                value: scalar.range,
                text: scalar.value.to_owned(),
                style: scalar.style,
                is_scalar: true,
                key_node,
                value_node,
            },
            None => Field {
                key,
                value: document.raw_node(value_node).range(),
                text: String::new(),
                style: ScalarStyle::Plain,
                is_scalar: false,
                key_node,
                value_node,
            },
        }
    }

    pub fn is_null(&self) -> bool {
        self.is_scalar && is_null(&self.text, self.style)
    }

    pub fn as_int(&self) -> Option<i64> {
        if self.is_scalar {
            parse_int(&self.text, self.style)
        } else {
            None
        }
    }

    /// A plain `true` or `false` (in the core schema's spellings); quoted
    /// scalars are strings.
    pub fn as_bool(&self) -> Option<bool> {
        if !self.is_scalar || self.style != ScalarStyle::Plain {
            return None;
        }
        match self.text.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// The value as a non-empty string, `None` for null or a collection.
    pub fn as_str(&self) -> Option<&str> {
        (self.is_scalar && !self.is_null()).then_some(self.text.as_str())
    }

    /// Key through value: the whole `key: value` entry.
    pub fn entry_range(&self) -> TextRange {
        TextRange::new(self.key.start, self.value.end.max(self.key.end))
    }
}
