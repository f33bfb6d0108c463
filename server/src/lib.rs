//! kube-lsp: a language server and CI linter for Kubernetes StatefulSets and
//! the headless Services that give their pods stable DNS names.
//!
//! The analysis is a pipeline; each layer uses only the ones before it:
//! `text → syntax → model → workspace → checks → ide → { lsp, cli }`, with
//! `loader` (the only disk access) beside `workspace`. See ARCHITECTURE.md.

// Only the loader touches the disk: clippy.toml lists the calls that do, and
// `loader` alone allows them (Cargo.toml turns the lint off for tests and
// benches, which are other crates).
#![warn(clippy::disallowed_methods)]
// Without `native` (the browser build) what only `lsp` and `cli` call is
// unused; the native build is the one that reports dead code.
#![cfg_attr(not(feature = "native"), allow(dead_code, unused_imports))]

pub(crate) mod checks;
// The disk, the protocol and the terminal: not in the browser build
// (`default-features = false`, see Cargo.toml's `[features]`).
#[cfg(feature = "native")]
pub(crate) mod cli;
pub(crate) mod config;
pub(crate) mod ide;
#[cfg(feature = "native")]
pub(crate) mod loader;
#[cfg(feature = "native")]
pub(crate) mod lsp;
pub(crate) mod model;
pub(crate) mod playground;
pub(crate) mod syntax;
pub(crate) mod text;
pub(crate) mod workspace;

/// What leaves the library: the binary's entry points, and what the
/// integration tests, benches and fuzz targets drive. It is no stable API;
/// it exists so that every layer can stay `pub(crate)` and the compiler
/// reports the code that nothing uses. Add here only what such a caller
/// needs.
#[doc(hidden)]
pub mod api {
    pub mod checks {
        pub use crate::checks::{check, Code, Finding};
    }
    #[cfg(feature = "native")]
    pub mod cli {
        pub use crate::cli::dns::{run as run_dns, DnsArgs};
        pub use crate::cli::{run, CheckArgs};
    }
    pub mod config {
        pub use crate::config::{Config, Level};
    }
    pub mod ide {
        pub use crate::ide::{
            code_actions, completions, document_symbols, goto_definition, hover, prepare_rename, references, rename,
            Diagnostics, Host,
        };
    }
    #[cfg(feature = "native")]
    pub mod loader {
        pub use crate::loader::{is_yaml_path, load_bytes, load_files, walk};
    }
    #[cfg(feature = "native")]
    pub mod lsp {
        pub use crate::lsp::{read_messages_from, run, run_stdio, serve, Exit, Options};
    }
    pub mod playground {
        pub use crate::playground::Playground;
    }
    pub mod model {
        pub use crate::model::{kustomization_of_document, objects_of_document};
    }
    pub mod syntax {
        pub use crate::syntax::{parse_document, split_documents, TextRange};
    }
    pub mod text {
        pub use crate::text::{apply_edits, replace_range, LineCol, LineIndex, PositionEncoding, TextEdit, TextRange};
    }
    pub mod workspace {
        pub use crate::workspace::kustomize::render_build;
        pub use crate::workspace::{FileId, Snapshot, Workspace};
    }
}
