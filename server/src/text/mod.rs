//! Text: byte ranges, the line index, line endings, the BOM and text edits.
//! Knows nothing of YAML.

mod edit;
mod line_index;
mod range;
mod source_text;

pub use edit::{apply_edits, replace_range, TextEdit};
pub use line_index::{line_col_chars, LineCol, LineIndex, PositionEncoding};
pub use range::{CompactRange, TextRange};
pub use source_text::{decode, detect_line_ending, strip_bom};
