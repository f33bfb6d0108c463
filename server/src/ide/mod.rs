//! IDE features as plain data: diagnostics, hover, code actions, navigation,
//! symbols, rename, completion, inlay hints, code lens and highlights. Positions are byte offsets; no
//! `lsp_types`, no serde, no disk. The LSP layer and the CLI ask here (through
//! `Host`) and convert in and out; they never run the checks themselves.

mod actions;
mod builds;
mod code_lens;
mod completion;
mod cursor;
pub mod helm;
mod highlight;
mod host;
mod hover;
mod inlay_hints;
mod inventory;
mod names;
mod navigation;
mod peer_addresses;
mod symbols;
mod volume_claims;

pub use actions::code_actions;
pub(crate) use builds::analysed_builds;
pub use code_lens::{code_lenses, document_lens_places, has_code_lenses};
pub use completion::completions;
pub use highlight::{highlights, HighlightKind};
pub use host::{Host, Update};
pub use hover::hover;
pub use inlay_hints::inlay_hints;
pub(crate) use inventory::{dns_inventory, StatefulSetDns};
pub(crate) use names::{Listing, PodName};
pub use navigation::{goto_definition, prepare_rename, references, rename};
pub use symbols::{document_symbols, workspace_symbols};

// What the language server and the CLI show of the checks.
pub use crate::checks::{Code, Diagnostics, FileEdit, Finding, Related, README_URL};
