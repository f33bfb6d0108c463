//! The analysis host: the workspace and its diagnostics, kept in step. The
//! language server and the CLI change the workspace through it and ask it
//! for an up-to-date snapshot and the findings of that snapshot, so both see
//! exactly the same findings (rust-analyzer's `AnalysisHost`).
//!
//! It knows nothing of the protocol or the disk.

use crate::checks::Diagnostics;
use crate::config::Config;
use crate::workspace::{FileId, Snapshot, Workspace};

#[derive(Debug, Default)]
pub struct Host {
    workspace: Workspace,
    diagnostics: Diagnostics,
}

impl Host {
    pub fn new(config: Config) -> Host {
        Host { workspace: Workspace::new(config), diagnostics: Diagnostics::default() }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The workspace to change; the diagnostics follow at the next `update`.
    pub fn workspace_mut(&mut self) -> &mut Workspace {
        &mut self.workspace
    }

    /// A snapshot of the latest state, with the diagnostics brought up to it
    /// (only what changed since the last update is checked again), and the
    /// files whose findings changed.
    pub fn update(&mut self) -> (Snapshot, Vec<FileId>) {
        let snapshot = self.workspace.snapshot();
        let changes = self.workspace.take_changes();
        let changed = if changes.is_empty() { Vec::new() } else { self.diagnostics.update(&snapshot, changes) };
        (snapshot, changed)
    }

    /// The findings as of the last `update`.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }
}
