//! IDE features as plain data: hover, code actions, navigation, symbols,
//! rename and completion. Positions are byte offsets; no `lsp_types`, no
//! serde, no disk. The LSP layer converts in and out.

mod actions;
mod completion;
mod cursor;
mod hover;
mod navigation;
mod symbols;

pub use actions::code_actions;
pub use completion::completions;
pub use hover::hover;
pub use navigation::{goto_definition, prepare_rename, references, rename};
pub use symbols::{document_symbols, workspace_symbols};
