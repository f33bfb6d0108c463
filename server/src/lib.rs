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

pub mod checks;
pub mod cli;
pub mod config;
pub mod ide;
pub mod loader;
pub mod lsp;
pub mod model;
pub mod syntax;
pub mod text;
pub mod workspace;
