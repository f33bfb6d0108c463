//! The language server: LSP 3.17 over stdio, or over any
//! `lsp_server::Connection` (tests use an in-memory one).
//!
//! One main-loop thread owns the state and handles messages in arrival order
//! (`server.rs`); request handlers convert positions and URIs, ask `ide`, and
//! convert back (`handlers.rs`, `convert.rs`). This module knows the
//! protocol; it knows nothing of YAML or Kubernetes, and never imports `cli`.

mod body;
mod convert;
mod diagnostics;
mod documents;
mod handlers;
mod lens_lists;
mod server;
mod settings;
mod transport;

use anyhow::Context as _;

pub use server::{serve, Exit, Options};

/// Serves the client on stdin/stdout until `exit`. Returns after `shutdown`
/// then `exit`; ends the process with exit code 1 on `exit` (or the end of
/// input) without `shutdown`, as the protocol asks.
pub fn run_stdio() -> anyhow::Result<()> {
    let (connection, threads) = transport::stdio().context("cannot start the stdio threads")?;
    let exit = server::serve_stdio(connection, Options::default());
    // Every `Sender` of the connection is gone with `serve`: the writer
    // finishes what was queued, so that no answer is lost to the exit.
    threads.join_writer();
    match exit? {
        Exit::AfterShutdown => Ok(()),
        Exit::WithoutShutdown => std::process::exit(1),
    }
}

/// Serves one client on `connection` until `exit`; an error when the client
/// did not ask for `shutdown` first.
pub fn run(connection: lsp_server::Connection) -> anyhow::Result<()> {
    match serve(connection, Options::default())? {
        Exit::AfterShutdown => Ok(()),
        Exit::WithoutShutdown => anyhow::bail!("the client ended the session without `shutdown`"),
    }
}

/// The messages that `bytes` on stdin hold, read as the server reads them:
/// junk, bad headers, bad JSON and wrong lengths are skipped, and reading
/// stops after `exit`. For fuzzing and tests of the framing only; the server
/// reads its stdin itself.
#[doc(hidden)]
pub fn read_messages_from(mut bytes: &[u8]) -> Vec<lsp_server::Message> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    transport::read_messages(&mut bytes, &sender);
    drop(sender);
    receiver.into_iter().collect()
}
