//! The analysis host: the workspace and its diagnostics, kept in step. The
//! language server and the CLI change the workspace through it and ask it
//! for an up-to-date snapshot and the findings of that snapshot, so both see
//! exactly the same findings (rust-analyzer's `AnalysisHost`).
//!
//! It knows nothing of the protocol or the disk.

use super::helm::{ChartRender, Charts};
use crate::checks::{Diagnostics, Finding};
use crate::config::Config;
use crate::workspace::{FileId, Snapshot, Workspace};

#[derive(Debug, Default)]
pub struct Host {
    workspace: Workspace,
    diagnostics: Diagnostics,
    /// A fresh analysis handed out (`Update::Fresh`) and not yet brought
    /// back: its ticket. Until then the workspace's changes wait.
    pending: Option<u64>,
    tickets: u64,
    /// The charts' renders, and their findings mapped to templates.
    charts: Charts,
    /// A render came in since the findings were last mapped.
    charts_changed: bool,
}

/// What `Host::begin_update` found to do.
pub enum Update {
    /// The diagnostics are up to date with the snapshot; these files'
    /// findings changed.
    Current(Snapshot, Vec<FileId>),
    /// Everything changed: the caller runs `Diagnostics::of(&snapshot)` where
    /// it likes (a worker thread) and brings it back with `finish_fresh`.
    Fresh(Snapshot, u64),
    /// A fresh analysis is still out; the diagnostics are those of an older
    /// snapshot (`Diagnostics::for_file` answers a request meanwhile).
    Pending(Snapshot),
}

impl Host {
    pub fn new(config: Config) -> Host {
        Host { workspace: Workspace::new(config), ..Host::default() }
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
        self.note_chart_edits(&snapshot, &changes);
        let mut changed = if changes.is_empty() { Vec::new() } else { self.diagnostics.update(&snapshot, changes) };
        self.remap_charts(&snapshot, &mut changed);
        (snapshot, changed)
    }

    /// An edit to a file of a rendered chart (a template typed in) moves
    /// the places its mapped findings are shown at, even where no finding
    /// of its own changed.
    fn note_chart_edits(&mut self, snapshot: &Snapshot, changes: &crate::workspace::Changes) {
        let edited: Vec<FileId> = changes.files.iter().map(|(id, _)| *id).collect();
        if changes.everything || self.charts.touches(snapshot, &edited) {
            self.charts_changed = true;
        }
    }

    fn remap_charts(&mut self, snapshot: &Snapshot, changed: &mut Vec<FileId>) {
        let force = std::mem::take(&mut self.charts_changed);
        self.charts.remap(snapshot, &self.diagnostics, changed, force);
    }

    /// Takes a chart's render into the workspace (its objects join the
    /// index at the next update).
    pub fn take_render(&mut self, render: ChartRender) {
        self.charts.take(&mut self.workspace, render);
        self.charts_changed = true;
    }

    /// Forgets a chart's render.
    pub fn forget_chart(&mut self, chart: &std::path::Path) {
        self.charts.forget(&mut self.workspace, chart);
        self.charts_changed = true;
    }

    /// The charts and their renders.
    pub fn charts(&self) -> &Charts {
        &self.charts
    }

    /// The findings to show on `file` as of the last update: its own and
    /// those mapped to it from chart renders (none on a render itself).
    pub fn findings(&self, snapshot: &Snapshot, file: FileId) -> std::borrow::Cow<'_, [Finding]> {
        self.charts.findings(snapshot, &self.diagnostics, file)
    }

    /// Every finding to show, in file order.
    pub fn all_findings(&self, snapshot: &Snapshot) -> Vec<Finding> {
        self.charts.all_findings(snapshot, &self.diagnostics)
    }

    /// `update`, except that a fresh analysis of every file (the first read,
    /// a configuration change) is handed to the caller instead of run here,
    /// so that the language server can run it off its main loop.
    pub fn begin_update(&mut self) -> Update {
        let snapshot = self.workspace.snapshot();
        if self.pending.is_some() && !self.workspace.has_everything_changed() {
            return Update::Pending(snapshot);
        }
        let changes = self.workspace.take_changes();
        if changes.everything {
            self.tickets += 1;
            self.pending = Some(self.tickets);
            return Update::Fresh(snapshot, self.tickets);
        }
        self.note_chart_edits(&snapshot, &changes);
        let mut changed = if changes.is_empty() { Vec::new() } else { self.diagnostics.update(&snapshot, changes) };
        self.remap_charts(&snapshot, &mut changed);
        Update::Current(snapshot, changed)
    }

    /// Takes back the fresh analysis of ticket `ticket`; returns the files
    /// whose findings changed, or `None` for a ticket a newer one replaced.
    /// The changes since its snapshot are checked at the next update.
    pub fn finish_fresh(&mut self, ticket: u64, diagnostics: Diagnostics) -> Option<Vec<FileId>> {
        if self.pending != Some(ticket) {
            return None;
        }
        self.pending = None;
        let old = std::mem::replace(&mut self.diagnostics, diagnostics);
        let mut changed = self.diagnostics.files_differing_from(&old);
        // Mapped against the latest snapshot; edits made meanwhile are
        // mapped again at the next update (they are in its changes).
        self.charts_changed = true;
        let snapshot = self.workspace.snapshot();
        self.remap_charts(&snapshot, &mut changed);
        Some(changed)
    }

    /// Whether a fresh analysis is out.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Gives up on the fresh analysis that is out (it failed): the
    /// diagnostics stay as they were until everything changes again.
    pub fn abandon_fresh(&mut self, ticket: u64) {
        if self.pending == Some(ticket) {
            self.pending = None;
        }
    }

    /// The findings as of the last `update`.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::TextRange;
    use crate::text::TextEdit;

    const PAIR: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\n\
        spec: {serviceName: redis, selector: {matchLabels: {app: redis}}, template: {metadata: {labels: {app: redis}}}}\n\
        ---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {selector: {app: redis}}\n";

    #[test]
    fn a_fresh_analysis_done_elsewhere_is_taken_back_and_the_edits_since_follow() {
        let mut host = Host::new(Config::default());
        let id = host.workspace_mut().set_text("/app/pair.yaml".into(), PAIR.to_owned(), Some(1));
        let Update::Fresh(snapshot, ticket) = host.begin_update() else { panic!("a new workspace is analysed afresh") };
        let fresh = Diagnostics::of(&snapshot);
        drop(snapshot);
        // An edit while it is out waits: nothing is checked meanwhile.
        let at = PAIR.find("{selector: {app: redis}}").expect("the Service's spec") + 1;
        host.workspace_mut().edit(id, Some(2), &[TextEdit::new(TextRange::empty(at), "clusterIP: None, ")]);
        assert!(matches!(host.begin_update(), Update::Pending(_)));
        assert!(host.finish_fresh(ticket + 1, Diagnostics::default()).is_none(), "an unknown ticket is refused");
        assert_eq!(host.finish_fresh(ticket, fresh), Some(vec![id]));
        assert!(host.diagnostics().file(id).iter().any(|finding| finding.code.as_str() == "service-not-headless"));
        // The edit made while it was out is checked now.
        let Update::Current(snapshot, changed) = host.begin_update() else { panic!("up to date") };
        assert_eq!(changed, vec![id]);
        assert!(host.diagnostics().file(id).is_empty(), "{:?}", host.diagnostics().file(id));
        assert_eq!(host.diagnostics().by_file(), Diagnostics::of(&snapshot).by_file());
    }
}
