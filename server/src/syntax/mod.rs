//! YAML text → documents → span trees. The only module that names the YAML
//! crate (in `parse.rs`); it knows nothing of Kubernetes.
//!
//! A file is first split into documents at column-0 `---` and `...` lines
//! (`split.rs`), then each document is parsed on its own. So a syntax error
//! hides nothing outside its document, and an edit re-parses only the
//! documents whose text changed (`reuse.rs`). Parsing never fails: it returns
//! the tree it could build plus errors.

mod parse;
mod reuse;
mod split;
mod template_mask;
mod tree;

pub(crate) mod edit;

pub use parse::parse_document;
pub use reuse::reusable_documents;
pub use split::split_documents;
pub use template_mask::{find_path, is_control_action, item_names, key_path_at, mask_template};
pub use tree::{CollectionStyle, Document, NodeId, NodeKind, ScalarStyle, TextRange};
