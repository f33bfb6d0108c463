//! The files on disk: the roots (workspace folders, or the folders of opened
//! files), reading them through the loader, and keeping up with changes
//! reported by the client's watcher or by ours.
//!
//! Open buffers are never overwritten from disk here; what a file says is
//! for `checks` to judge.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use lsp_types::{DidChangeWorkspaceFoldersParams, InitializeParams, Url};

use super::Server;
use crate::loader::{self, CONFIG_FILE_NAME};
use crate::lsp::watcher::FileWatcher;

impl Server {
    pub(super) fn on_did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
        let first_folder = self.folders.first().cloned();
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(|folder| folder_path(&folder.uri)).collect();
        let added: Vec<PathBuf> = params.event.added.iter().filter_map(|folder| folder_path(&folder.uri)).collect();
        self.folders.retain(|folder| !removed.contains(folder));
        for folder in &removed {
            if let Some(watcher) = &mut self.watcher {
                watcher.unwatch(folder);
            }
        }
        // Drop the disk files no remaining folder holds.
        let roots = self.roots_with(&added);
        let gone: Vec<PathBuf> =
            self.listed.iter().filter(|path| !roots.iter().any(|root| path.starts_with(root))).cloned().collect();
        for path in gone {
            self.listed.remove(&path);
            if !self.documents.is_open(&path) {
                self.host.workspace_mut().remove(&path);
            }
        }
        for folder in &added {
            if !self.folders.contains(folder) {
                self.folders.push(folder.clone());
                if let Some(watcher) = &mut self.watcher {
                    watcher.watch(folder);
                }
            }
        }
        if !self.folders.is_empty() {
            self.extra_roots.clear();
        }
        self.index(&added);
        if self.folders.first() != first_folder.as_ref() {
            self.settings.read_file(self.folders.first().map(PathBuf::as_path));
            self.apply_settings();
        }
        self.mark_dirty();
    }

    /// The folders whose files are read: the workspace folders, or without
    /// any, the folders of the files opened.
    pub(super) fn roots(&self) -> Vec<PathBuf> {
        if self.folders.is_empty() {
            self.extra_roots.clone()
        } else {
            self.folders.clone()
        }
    }

    pub(super) fn roots_with(&self, added: &[PathBuf]) -> Vec<PathBuf> {
        let mut roots = self.roots();
        roots.extend(added.iter().cloned());
        roots
    }

    /// Reads every file the walk of `roots` lists, except open ones.
    pub(super) fn index(&mut self, roots: &[PathBuf]) {
        if roots.is_empty() {
            return;
        }
        let started = Instant::now();
        let config = self.host.workspace().config().clone();
        let paths = loader::walk(roots, &config);
        self.listed.extend(paths.iter().cloned());
        let to_read: Vec<PathBuf> = paths.into_iter().filter(|path| !self.documents.is_open(path)).collect();
        let count = to_read.len();
        for file in loader::load_files(&to_read, &config) {
            self.host.workspace_mut().insert(file);
        }
        tracing::info!("read {count} files under {roots:?} in {:?}", started.elapsed());
        self.mark_dirty();
    }

    /// Walks all roots again after `exclude` or `maxFileSize` changed.
    pub(super) fn reindex(&mut self) {
        let previous = std::mem::take(&mut self.listed);
        for path in previous {
            if !self.documents.is_open(&path) {
                self.host.workspace_mut().remove(&path);
            }
        }
        let roots = self.roots();
        self.index(&roots);
    }

    /// Reads one listed file again from disk, or drops it if it is gone or
    /// has become a symbolic link (or lies below one now): the walk follows
    /// none, so none is read, whatever the path was when it was listed.
    pub(super) fn reload(&mut self, path: &Path) {
        let linked =
            self.roots().iter().find(|root| path.starts_with(root)).is_some_and(|root| through_link(root, path));
        let file = if linked { None } else { loader::load_file(path, self.host.workspace().config()) };
        match file {
            Some(file) => {
                self.host.workspace_mut().insert(file);
            }
            None => {
                self.listed.remove(path);
                self.host.workspace_mut().remove(path);
            }
        }
    }

    pub(super) fn start_watcher(&mut self) {
        if self.watcher.is_some() {
            return;
        }
        let Some(mut watcher) = FileWatcher::new(self.watch_sender.clone()) else { return };
        for root in self.roots() {
            watcher.watch(&root);
        }
        self.watcher = Some(watcher);
    }

    /// Brings the workspace up to date with the disk for paths that changed
    /// (from the client's watcher or ours). The disk says what happened: a
    /// path that exists changed or was created, one that does not was
    /// deleted (a folder with everything in it).
    #[allow(clippy::disallowed_methods)] // FIXME: moves to loader with the disk view.
    pub(super) fn on_files_changed(&mut self, paths: Vec<PathBuf>) {
        let roots = self.roots();
        let mut config_changed = false;
        let mut walk_again: Vec<PathBuf> = Vec::new();
        let mut seen = HashSet::new();
        for path in paths {
            if !seen.insert(path.clone()) {
                continue;
            }
            if self.folders.first().is_some_and(|folder| path == folder.join(CONFIG_FILE_NAME)) {
                config_changed = true;
                continue;
            }
            let Some(root) = roots.iter().find(|root| path.starts_with(root)) else { continue };
            if in_hidden_folder(root, &path) {
                continue;
            }
            if through_link(root, &path) {
                // Not followed, as in the walk: what was read there is gone.
                self.forget_under(&path);
            } else if path.is_dir() {
                // A file of the walk may have become a folder of that name.
                if self.listed.remove(&path) && !self.documents.is_open(&path) {
                    self.host.workspace_mut().remove(&path);
                }
                walk_again.push(path);
            } else if path.exists() {
                if self.listed.contains(&path) {
                    // Open buffers win over the disk.
                    if !self.documents.is_open(&path) {
                        self.reload(&path);
                    }
                } else {
                    // A new file: only a walk knows whether `.gitignore` or
                    // `exclude` keeps it out.
                    walk_again.push(path);
                }
            } else {
                self.forget_under(&path);
            }
        }
        if !walk_again.is_empty() {
            self.read_new_files(&roots, &walk_again);
        }
        if config_changed {
            self.settings.read_file(self.folders.first().map(PathBuf::as_path));
            self.apply_settings();
        }
        self.mark_dirty();
    }

    /// Drops the listed files at or below `path` (open buffers stay).
    fn forget_under(&mut self, path: &Path) {
        let under: Vec<PathBuf> = self.listed.iter().filter(|listed| listed.starts_with(path)).cloned().collect();
        for gone in under {
            self.listed.remove(&gone);
            if !self.documents.is_open(&gone) {
                self.host.workspace_mut().remove(&gone);
            }
        }
    }

    /// Walks the roots holding `paths` and reads the files of the walk that
    /// lie under one of `paths` and are not read yet.
    pub(super) fn read_new_files(&mut self, roots: &[PathBuf], paths: &[PathBuf]) {
        let walked_roots: Vec<PathBuf> =
            roots.iter().filter(|root| paths.iter().any(|path| path.starts_with(root))).cloned().collect();
        let config = self.host.workspace().config().clone();
        let new: Vec<PathBuf> = loader::walk(&walked_roots, &config)
            .into_iter()
            .filter(|listed| paths.iter().any(|path| listed.starts_with(path)) && !self.listed.contains(listed))
            .collect();
        self.listed.extend(new.iter().cloned());
        let to_read: Vec<PathBuf> = new.into_iter().filter(|path| !self.documents.is_open(path)).collect();
        for file in loader::load_files(&to_read, &config) {
            self.host.workspace_mut().insert(file);
        }
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

/// Whether `path`, or a folder between it and `root`, is a symbolic link
/// (`root` itself may be one: the user chose it).
#[allow(clippy::disallowed_methods)] // FIXME: moves to loader with the disk view.
fn through_link(root: &Path, path: &Path) -> bool {
    path.ancestors()
        .take_while(|ancestor| *ancestor != root && ancestor.starts_with(root))
        .any(|ancestor| std::fs::symlink_metadata(ancestor).is_ok_and(|metadata| metadata.file_type().is_symlink()))
}

/// Whether `path` lies in a hidden folder below `root` (the walk skips those).
fn in_hidden_folder(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else { return false };
    let Some(parent) = relative.parent() else { return false };
    parent.components().any(|component| match component {
        Component::Normal(name) => name.to_str().is_some_and(|name| name.starts_with('.')),
        _ => false,
    })
}
