//! The integration tests, one binary with a module per boundary (the layout
//! of rust-analyzer's `slow-tests` and ruff's `e2e`): the library is linked
//! once, not once per file. `cargo test --test it lsp_stdio` runs a module.
//!
//! - `architecture`: the layering of ARCHITECTURE.md as a test.
//! - `cli`: golden files of `kube-lsp check` in `tests/it/cli/<case>/`.
//! - `corpus`: the real corpus in `../shared/corpus/real`.
//! - `hardening`, `mutation_fuzz`, `protocol_fuzz`: hostile input.
//! - `lsp_memory`, `lsp_stdio`: the server over an in-memory connection and
//!   the real binary over stdio.
//! - `support`: the two clients and the fixtures they share (the stdio
//!   client is shared with `benches/lsp.rs` too).

// Test reports print timings; only the library must not print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod support;

mod architecture;
mod cli;
mod corpus;
mod hardening;
mod helm;
mod kustomize;
mod lsp_memory;
mod lsp_stdio;
mod mutation_fuzz;
mod protocol_fuzz;
