//! The files on disk, through the loader's `DiskView`: reading the roots in
//! the background, and keeping up with changes reported by the client's
//! watcher or by ours.
//!
//! Open buffers are never overwritten from disk here; what a file says is
//! for the analysis (`ide::Host`) to judge.

use rustc_hash::FxHashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use lsp_types::notification::Progress;
use lsp_types::request::WorkDoneProgressCreate;
use lsp_types::{
    DidChangeWorkspaceFoldersParams, InitializeParams, NumberOrString, ProgressParams, ProgressParamsValue, Url,
    WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCreateParams, WorkDoneProgressEnd,
};

use super::{Indexed, Outgoing, Server};
use crate::loader;
use crate::workspace::{in_background, SourceFile};

/// How many times the files of one read are prepared off the main loop
/// (`Server::on_indexed`) before the main loop takes them in itself.
const MAX_PREPARES: u8 = 3;

impl Server {
    pub(super) fn on_did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
        let first_folder = self.disk.folders().first().cloned();
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(|folder| folder_path(&folder.uri)).collect();
        let added: Vec<PathBuf> = params.event.added.iter().filter_map(|folder| folder_path(&folder.uri)).collect();
        let (gone, new_folders) = self.disk.change_folders(&added, &removed);
        // Drop the disk files no remaining folder holds.
        for path in gone {
            if !self.documents.is_open(&path) {
                self.host.workspace_mut().remove(&path);
            }
        }
        self.index(new_folders);
        if self.disk.folders().first() != first_folder.as_ref() {
            self.settings.read_file(self.disk.config_file());
        }
        // The roots are in the configuration (builds are named below them).
        self.apply_settings();
        self.mark_dirty();
    }

    /// Lists and reads the files of `roots` on a worker thread, so that the
    /// main loop goes on answering; the files join the workspace when they
    /// arrive (`on_indexed`). A re-read of every root cancels the reads still
    /// running.
    pub(super) fn index(&mut self, roots: Vec<PathBuf>) {
        self.read_roots(roots, false);
    }

    /// `index`; with `replace`, the files read replace every listed file
    /// when they arrive (until then the old ones are still answered from).
    fn read_roots(&mut self, roots: Vec<PathBuf>, replace: bool) {
        if roots.is_empty() {
            return;
        }
        let config = self.host.workspace().config().clone();
        // What the workspace is now, so that the worker can build the index
        // it will have with the files read (used if nothing changes meanwhile).
        let snapshot = self.host.workspace_mut().snapshot();
        let open: FxHashSet<PathBuf> = self.documents.open_paths().cloned().collect();
        let sender = self.index_sender.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        let token = self.begin_progress("Reading the workspace", &roots);
        self.indexing.push((cancel.clone(), token));
        let worker_cancel = cancel.clone();
        let spawned = std::thread::Builder::new().name("kube-lsp index".to_owned()).spawn(move || {
            let started = Instant::now();
            let cancel = worker_cancel;
            // A read that fails still reports back (with nothing read), or the
            // main loop would wait for it, and hold diagnostics, forever.
            // On the background pool, with the index below: the main loop's
            // own parallel work must not queue behind the read's.
            let read = catch_unwind(AssertUnwindSafe(|| in_background(|| loader::walk_and_load(&roots, &config))));
            let (paths, files) = read.unwrap_or_else(|panic| {
                tracing::error!("reading {roots:?} panicked: {}", super::panic_message(&*panic));
                (Vec::new(), Vec::new())
            });
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            // Open buffers win over the disk; the main loop leaves them out too.
            let files: Vec<Arc<SourceFile>> = files.into_iter().filter(|file| !open.contains(&file.path)).collect();
            let prepared = if replace {
                None
            } else {
                catch_unwind(AssertUnwindSafe(|| in_background(|| snapshot.index_with(&files)))).ok()
            };
            tracing::info!(
                "read {} files under {} in {} ms",
                files.len(),
                roots.iter().map(|root| root.display().to_string()).collect::<Vec<_>>().join(", "),
                started.elapsed().as_millis()
            );
            // The main loop is gone when this fails; nothing to do.
            let _ = sender.send(Indexed { roots, paths, files, prepared, cancel, replace, prepares: 1 });
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start reading the workspace: {error}");
            if let Some(position) = self.indexing.iter().position(|(job, _)| Arc::ptr_eq(job, &cancel)) {
                let (_, token) = self.indexing.remove(position);
                self.end_progress(token, 0);
            }
        }
    }

    /// Files read in the background join the workspace, unless the read was
    /// canceled, their root has gone meanwhile, or an open buffer has them.
    pub(super) fn on_indexed(&mut self, indexed: Indexed) {
        if indexed.cancel.load(Ordering::Relaxed) {
            self.end_indexing(&indexed.cancel, 0);
            return;
        }
        let roots: Vec<PathBuf> = self.disk.roots().to_vec();
        let held = |path: &Path| roots.iter().any(|root| path.starts_with(root));
        if !indexed.roots.iter().all(|root| held(root)) {
            tracing::debug!("dropping the files read under {:?}: no longer a root", indexed.roots);
            self.end_indexing(&indexed.cancel, 0);
            return;
        }
        // What changed on disk while the read ran was read again since (or is
        // gone): the newer state wins.
        let fresher = if self.indexing.len() == 1 {
            std::mem::take(&mut self.changed_while_reading)
        } else {
            self.changed_while_reading.clone()
        };
        let read = indexed.files.len();
        let stale = indexed.prepared.as_ref().is_some_and(|prepared| !self.host.workspace().takes(prepared));
        // Nothing opened, changed or read since the read began: the files are
        // taken as they are (the worker left the open buffers out).
        let files: Vec<Arc<SourceFile>> = if !stale && fresher.is_empty() {
            indexed.files
        } else {
            indexed
                .files
                .into_iter()
                .filter(|file| !self.documents.is_open(&file.path) && !fresher.contains(&file.path))
                .collect()
        };
        // The workspace changed while the files were read (an editor opens
        // files as it starts): what the worker prepared is for another state,
        // and building the index here would hold the main loop (18 ms for
        // 10,000 files). It is prepared again, off the main loop, for the
        // workspace as it is now; requests are answered meanwhile, and
        // diagnostics wait, as they did for the read.
        if stale && indexed.prepares < MAX_PREPARES {
            if !fresher.is_empty() {
                self.changed_while_reading.extend(fresher);
            }
            self.prepare_again(Indexed { files, ..indexed });
            return;
        }
        self.end_indexing(&indexed.cancel, read);
        if indexed.replace {
            let kept: FxHashSet<&PathBuf> = indexed.paths.iter().collect();
            for path in self.disk.forget_all() {
                if !kept.contains(&path) && !self.documents.is_open(&path) {
                    self.host.workspace_mut().remove(&path);
                }
            }
        }
        self.render_charts_of(&indexed.paths);
        self.disk.record_listed(indexed.paths);
        // The index built with the read is taken only if the workspace did
        // not change since (its generation says), and holds these files.
        let prepared = indexed.prepared.filter(|_| files.len() == read);
        self.host.workspace_mut().insert_all_shared(files, prepared);
        self.mark_dirty();
    }

    /// Builds the workspace with `indexed`'s files again, on a worker, for
    /// the workspace as it is now; it comes back as files read.
    fn prepare_again(&mut self, indexed: Indexed) {
        let snapshot = self.host.workspace_mut().snapshot();
        let sender = self.index_sender.clone();
        // Handed over this way so that the files are not lost with a thread
        // that cannot start.
        let handed = Arc::new(std::sync::Mutex::new(Some(indexed)));
        let worker_handed = handed.clone();
        let spawned = std::thread::Builder::new().name("kube-lsp index".to_owned()).spawn(move || {
            let taken = worker_handed.lock().ok().and_then(|mut handed| handed.take());
            let Some(indexed) = taken else { return };
            let started = Instant::now();
            let prepared = catch_unwind(AssertUnwindSafe(|| in_background(|| snapshot.index_with(&indexed.files))));
            tracing::debug!("prepared the files read again in {:?}", started.elapsed());
            // The main loop is gone when this fails; nothing to do.
            let _ = sender.send(Indexed { prepared: prepared.ok(), prepares: indexed.prepares + 1, ..indexed });
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start preparing the files read ({error}); taking them in here");
            let taken = handed.lock().ok().and_then(|mut handed| handed.take());
            if let Some(indexed) = taken {
                self.on_indexed(Indexed { prepares: MAX_PREPARES, ..indexed });
            }
        }
    }

    /// The read with `cancel` is over: its progress ends.
    fn end_indexing(&mut self, cancel: &Arc<AtomicBool>, files: usize) {
        if let Some(position) = self.indexing.iter().position(|(job, _)| Arc::ptr_eq(job, cancel)) {
            let (_, token) = self.indexing.remove(position);
            self.end_progress(token, files);
        }
    }

    /// Walks all roots again after `exclude` or `maxFileSize` changed; the
    /// files read then replace those listed before.
    pub(super) fn reindex(&mut self) {
        for (cancel, token) in std::mem::take(&mut self.indexing) {
            cancel.store(true, Ordering::Relaxed);
            self.end_progress(token, 0);
        }
        let roots = self.disk.roots().to_vec();
        self.read_roots(roots, true);
    }

    /// Reads one listed file again from disk, or drops it if it is gone or
    /// can no longer be read as the walk would.
    pub(super) fn reload(&mut self, path: &Path) {
        let file =
            if self.disk.is_readable(path) { loader::load_file(path, self.host.workspace().config()) } else { None };
        match file {
            Some(file) => {
                self.host.workspace_mut().insert(file);
            }
            None => {
                self.disk.forget(path);
                self.host.workspace_mut().remove(path);
            }
        }
    }

    /// Tells a client that shows progress that a read of `roots` began;
    /// returns the token to end it with.
    fn begin_progress(&mut self, title: &str, roots: &[PathBuf]) -> Option<String> {
        if !self.client.work_done_progress {
            return None;
        }
        self.progress_tokens += 1;
        let token = format!("kube-lsp/read/{}", self.progress_tokens);
        self.request::<WorkDoneProgressCreate>(
            WorkDoneProgressCreateParams { token: NumberOrString::String(token.clone()) },
            Outgoing::CreateProgress,
        );
        let folders: Vec<String> = roots.iter().map(|root| root.display().to_string()).collect();
        self.progress(
            &token,
            WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: title.to_owned(),
                cancellable: Some(false),
                message: Some(folders.join(", ")),
                percentage: None,
            }),
        );
        Some(token)
    }

    fn end_progress(&mut self, token: Option<String>, files: usize) {
        if let Some(token) = token {
            let message = Some(format!("{files} files"));
            self.progress(&token, WorkDoneProgress::End(WorkDoneProgressEnd { message }));
        }
    }

    fn progress(&self, token: &str, value: WorkDoneProgress) {
        self.notify::<Progress>(ProgressParams {
            token: NumberOrString::String(token.to_owned()),
            value: ProgressParamsValue::WorkDone(value),
        });
    }

    pub(super) fn start_watcher(&mut self) {
        self.disk.start_watcher(self.watch_sender.clone());
    }

    /// Brings the workspace up to date with the disk for paths that changed
    /// (from the client's watcher or ours), as the disk view classifies them.
    pub(super) fn on_files_changed(&mut self, paths: Vec<PathBuf>) {
        // A chart's file changed on disk (a template, values, Chart.yaml):
        // render it again, once per chart. One look per folder: a checkout
        // changes many files of few folders.
        // A chart whose `Chart.yaml` went is a chart no more: its render goes.
        let gone: Vec<PathBuf> = paths
            .iter()
            .filter(|path| path.file_name().is_some_and(|name| name == loader::helm::CHART_FILE))
            .filter_map(|path| path.parent())
            .filter(|folder| self.host.charts().charts().any(|chart| chart == *folder))
            .filter(|folder| loader::helm::chart_of(&folder.join(loader::helm::CHART_FILE)).as_deref() != Some(*folder))
            .map(Path::to_path_buf)
            .collect();
        for chart in gone {
            if let Some((_, cancel)) = self.renders.remove(&chart) {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            self.host.forget_chart(&chart);
        }
        if self.host.workspace().config().helm.enable {
            let folders: std::collections::BTreeSet<&Path> = paths.iter().filter_map(|path| path.parent()).collect();
            let mut charts: Vec<PathBuf> = folders
                .into_iter()
                .filter_map(|folder| loader::helm::chart_of(&folder.join(loader::helm::CHART_FILE)))
                .collect();
            charts.sort();
            charts.dedup();
            for chart in charts {
                self.render_chart(chart);
            }
        }
        let config = self.host.workspace().config().clone();
        let changes = self.disk.changes(paths, &config);
        if !self.indexing.is_empty() {
            let touched = changes.gone.iter().chain(&changes.changed).chain(&changes.new).cloned();
            self.changed_while_reading.extend(touched);
        }
        for path in changes.gone {
            if !self.documents.is_open(&path) {
                self.host.workspace_mut().remove(&path);
            }
        }
        // Open buffers win over the disk.
        for path in changes.changed {
            if !self.documents.is_open(&path) {
                self.reload(&path);
            }
        }
        let new: Vec<PathBuf> = changes.new.into_iter().filter(|path| !self.documents.is_open(path)).collect();
        let files = loader::load_files(&new, &config);
        self.host.workspace_mut().insert_all(files);
        if changes.config_file {
            self.settings.read_file(self.disk.config_file());
            self.apply_settings();
        }
        self.mark_dirty();
    }
}

/// The workspace folders of `initialize`, else its root.
#[allow(deprecated)] // `root_uri` and `root_path` are what older clients send.
pub(super) fn workspace_folders(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|folders| !folders.is_empty()) {
        return folders.iter().filter_map(|folder| folder_path(&folder.uri)).collect();
    }
    if let Some(root) = params.root_uri.as_ref().and_then(folder_path) {
        return vec![root];
    }
    params.root_path.iter().map(PathBuf::from).filter(|path| path.is_absolute()).collect()
}

/// A folder's path; only `file:` folders can be read.
fn folder_path(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        tracing::warn!("ignoring the workspace folder `{uri}`: not a `file:` URI");
        return None;
    }
    uri.to_file_path().ok()
}
