//! Rendering the workspace's Helm charts in the background: when a chart's
//! file is opened, saved or changed on disk (never on a keystroke: a render
//! reads the disk, so an unsaved buffer is not in it), and for every chart
//! of a folder read. Each render runs `helm template` on a worker thread
//! (`loader::helm`), at most one per chart: a newer trigger cancels the
//! older render, whose child is killed and whose result is dropped. The
//! main loop only takes finished renders in (`ide::Host::take_render`).
//!
//! It knows when to render; what a render means is `ide::helm`'s.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::Server;
use crate::config::Config;
use crate::ide::helm::{prepare, ChartRender};
use crate::loader::helm::{chart_of, charts_of, offers_name_overrides, read_chart_file, HelmCommand, RenderError};

/// At most this many `helm` processes at once: a monorepo's first read
/// finds many charts, and the machine has other work.
const MAX_RENDERS_AT_ONCE: usize = 2;

/// How many renders are running, for `MAX_RENDERS_AT_ONCE`.
static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// A slot among the renders running; freed when dropped.
struct Slot;

impl Slot {
    /// Waits for a slot; `None` when the render was cancelled meanwhile.
    fn take(cancel: &AtomicBool) -> Option<Slot> {
        let (count, freed) = &RUNNING;
        let mut running = count.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *running >= MAX_RENDERS_AT_ONCE {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            running = freed
                .wait_timeout(running, Duration::from_millis(50))
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        *running += 1;
        Some(Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (count, freed) = &RUNNING;
        let mut running = count.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *running = running.saturating_sub(1);
        freed.notify_one();
    }
}

/// A render back from its worker thread.
pub(super) struct Rendered {
    chart: PathBuf,
    ticket: u64,
    /// `None`: there is no `helm` to run (or the render was cancelled).
    render: Option<ChartRender>,
    /// Why `helm` could not be run, to log once.
    missing: Option<String>,
}

impl Server {
    /// Renders the chart that `path` (a file opened, saved or changed on
    /// disk) belongs to, if any.
    pub(super) fn render_chart_of(&mut self, path: &Path) {
        if !self.host.workspace().config().helm.enable {
            return;
        }
        if let Some(chart) = chart_of(path) {
            self.render_chart(chart);
        }
    }

    /// Renders every chart that a read's files belong to.
    pub(super) fn render_charts_of(&mut self, paths: &[PathBuf]) {
        if !self.host.workspace().config().helm.enable {
            return;
        }
        let charts = charts_of(paths);
        if !charts.is_empty() {
            // Each render ends within its timeout, two at once; however
            // many charts, diagnostics wait three timeouts at most.
            let timeout = Duration::from_millis(self.host.workspace().config().helm.timeout_ms);
            let rounds = charts.len().div_ceil(MAX_RENDERS_AT_ONCE).clamp(1, 3) as u32;
            self.renders_hold_until = Some(Instant::now() + timeout.saturating_mul(rounds));
        }
        for chart in charts {
            self.render_chart(chart);
        }
    }

    /// Whether diagnostics still wait for the renders of a folder read.
    pub(super) fn held_for_renders(&self) -> bool {
        self.renders_hold_until.is_some_and(|until| Instant::now() < until) && !self.renders.is_empty()
    }

    /// After a settings change: render again every chart rendered so far
    /// (the release, values or binary may have changed), or forget them all
    /// when rendering was turned off.
    pub(super) fn render_charts_again(&mut self) {
        let charts: Vec<PathBuf> = self.host.charts().charts().map(Path::to_path_buf).collect();
        let enabled = self.host.workspace().config().helm.enable;
        for chart in charts {
            if enabled {
                self.render_chart(chart);
            } else {
                if let Some((_, cancel)) = self.renders.remove(&chart) {
                    cancel.store(true, Ordering::Relaxed);
                }
                self.host.forget_chart(&chart);
            }
        }
        self.mark_dirty();
    }

    pub(super) fn render_chart(&mut self, chart: PathBuf) {
        if let Some((_, older)) = self.renders.get(&chart) {
            older.store(true, Ordering::Relaxed);
        }
        self.render_tickets += 1;
        let ticket = self.render_tickets;
        let cancel = Arc::new(AtomicBool::new(false));
        self.renders.insert(chart.clone(), (ticket, cancel.clone()));
        let config = self.host.workspace().config().clone();
        let sender = self.helm_sender.clone();
        let worker_chart = chart.clone();
        let spawned = std::thread::Builder::new().name("kube-lsp helm".to_owned()).spawn(move || {
            let started = Instant::now();
            let rendered = render(&config, worker_chart, ticket, &cancel);
            tracing::debug!("rendered the chart {:?} in {:?}", rendered.chart, started.elapsed());
            // The main loop is gone when this fails; nothing to do.
            let _ = sender.send(rendered);
        });
        if let Err(error) = spawned {
            tracing::warn!("cannot start a thread to render {chart:?}: {error}");
            self.renders.remove(&chart);
        }
    }

    /// A render is back: taken in unless a newer one replaced it.
    pub(super) fn on_rendered(&mut self, rendered: Rendered) {
        if self.renders.get(&rendered.chart).is_none_or(|(ticket, _)| *ticket != rendered.ticket) {
            return;
        }
        self.renders.remove(&rendered.chart);
        if let Some(why) = rendered.missing {
            if !self.helm_missing_logged {
                tracing::info!("{why}: Helm charts are skipped (set `helm.path`)");
                self.helm_missing_logged = true;
            }
            return;
        }
        if let Some(render) = rendered.render {
            self.host.take_render(render);
            self.mark_dirty();
        }
    }
}

/// Renders a chart, and its override variant if it offers name overrides,
/// on the calling (worker) thread.
fn render(config: &Config, chart: PathBuf, ticket: u64, cancel: &AtomicBool) -> Rendered {
    let Some(_slot) = Slot::take(cancel) else {
        return Rendered { chart, ticket, render: None, missing: None };
    };
    let command = HelmCommand::from_settings(&config.helm, &config.default_namespace);
    let outcome = |overrides: bool| command.render(&chart, overrides, cancel);
    let nothing = |missing: Option<String>| Rendered { chart: chart.clone(), ticket, render: None, missing };
    let manifests = match outcome(false) {
        Err(RenderError::NotStarted(why)) => return nothing(Some(why)),
        Err(RenderError::Cancelled) => return nothing(None),
        other => other.map_err(RenderError::message),
    };
    let overridden = if manifests.is_ok() && offers_name_overrides(&chart) {
        match outcome(true) {
            Err(RenderError::Cancelled) => return nothing(None),
            other => Some(other.map_err(RenderError::message)),
        }
    } else {
        None
    };
    let render = prepare(config, &chart, &command.release, manifests, overridden, &read_chart_file);
    Rendered { chart, ticket, render: Some(render), missing: None }
}
