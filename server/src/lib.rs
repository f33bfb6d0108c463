//! kube-lsp: a language server and CI linter for Kubernetes StatefulSets and
//! the headless Services that give their pods stable DNS names.
//!
//! The analysis is a pipeline; each layer uses only the ones before it:
//! `text → syntax → model → workspace → checks → ide → { lsp, cli }`.
//! See ARCHITECTURE.md.

pub mod checks;
pub mod config;
pub mod ide;
pub mod model;
pub mod syntax;
pub mod workspace;
pub mod text;
pub mod cli;
pub mod loader;
pub mod lsp;
