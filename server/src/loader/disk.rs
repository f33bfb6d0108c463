//! The language server's view of the disk: the roots it reads (workspace
//! folders, or without any the folders of the files opened), the files their
//! walk lists, the fallback watcher, and what a batch of changed paths means
//! (a file changed, a file or folder is gone, a folder needs walking again,
//! the configuration file changed). The walk's rules (`walk.rs`) are the only
//! ones: a path that changed is listed only if a walk lists it.
//!
//! It tells the caller what to read and what to forget; it keeps no file
//! contents and knows nothing of open buffers, which the caller lets win.

use rustc_hash::FxHashSet;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crossbeam_channel::Sender;

use super::walk::walk_under;
use super::watcher::FileWatcher;
use super::CONFIG_FILE_NAME;
use crate::config::Config;

#[derive(Default)]
pub struct DiskView {
    /// The workspace folders, in the client's order.
    folders: Vec<PathBuf>,
    /// Without workspace folders: the folders of the files opened so far.
    extra_roots: Vec<PathBuf>,
    /// Every file the walks of the roots listed.
    listed: FxHashSet<PathBuf>,
    watcher: Option<FileWatcher>,
}

impl std::fmt::Debug for DiskView {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("DiskView")
            .field("folders", &self.folders)
            .field("extra_roots", &self.extra_roots)
            .field("listed", &self.listed.len())
            .field("watching", &self.watcher.is_some())
            .finish()
    }
}

/// What a batch of changed paths means for the workspace.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DiskChanges {
    /// Listed files whose contents changed: read them again.
    pub changed: Vec<PathBuf>,
    /// Listed files that are gone (deleted, turned into a folder, or now
    /// below a symbolic link, which the walk does not follow).
    pub gone: Vec<PathBuf>,
    /// Files a walk lists now that were not listed before: read them.
    pub new: Vec<PathBuf>,
    /// The first folder's `.kube-lsp.yaml` changed.
    pub config_file: bool,
}

impl DiskView {
    pub fn new(folders: Vec<PathBuf>) -> DiskView {
        DiskView { folders, ..DiskView::default() }
    }

    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// The folders whose files are read: the workspace folders, or without
    /// any, the folders of the files opened.
    pub fn roots(&self) -> &[PathBuf] {
        if self.folders.is_empty() {
            &self.extra_roots
        } else {
            &self.folders
        }
    }

    pub fn is_listed(&self, path: &Path) -> bool {
        self.listed.contains(path)
    }

    pub fn has_listed(&self) -> bool {
        !self.listed.is_empty()
    }

    /// The configuration file of the first workspace folder, if there is one.
    pub fn config_file(&self) -> Option<PathBuf> {
        let path = self.folders.first()?.join(CONFIG_FILE_NAME);
        std::fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_file()).then_some(path)
    }

    /// Records the files a walk listed (in the background).
    pub fn record_listed(&mut self, paths: Vec<PathBuf>) {
        self.listed.extend(paths);
    }

    /// Without workspace folders, the folder of an opened file becomes a
    /// root; returns it when it is new (not below a root already).
    pub fn add_folder_of(&mut self, file: &Path) -> Option<PathBuf> {
        if !self.folders.is_empty() {
            return None;
        }
        let folder = file.parent().filter(|folder| !folder.as_os_str().is_empty())?;
        if self.extra_roots.iter().any(|root| folder.starts_with(root)) {
            return None;
        }
        let folder = folder.to_path_buf();
        self.extra_roots.push(folder.clone());
        if let Some(watcher) = &mut self.watcher {
            watcher.watch(&folder);
        }
        Some(folder)
    }

    /// Applies `workspace/didChangeWorkspaceFolders`: returns the listed files
    /// no remaining root holds (to forget) and the new folders (to list).
    pub fn change_folders(&mut self, added: &[PathBuf], removed: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
        self.folders.retain(|folder| !removed.contains(folder));
        for folder in removed {
            if let Some(watcher) = &mut self.watcher {
                watcher.unwatch(folder);
            }
        }
        let mut new_folders = Vec::new();
        for folder in added {
            if !self.folders.contains(folder) {
                self.folders.push(folder.clone());
                new_folders.push(folder.clone());
                if let Some(watcher) = &mut self.watcher {
                    watcher.watch(folder);
                }
            }
        }
        if !self.folders.is_empty() {
            self.extra_roots.clear();
        }
        let roots = self.roots().to_vec();
        let gone: Vec<PathBuf> =
            self.listed.iter().filter(|path| !roots.iter().any(|root| path.starts_with(root))).cloned().collect();
        for path in &gone {
            self.listed.remove(path);
        }
        (gone, new_folders)
    }

    /// Forgets every listed file (to walk the roots again after `exclude` or
    /// `maxFileSize` changed) and returns them.
    pub fn forget_all(&mut self) -> Vec<PathBuf> {
        self.listed.drain().collect()
    }

    /// Stops listing a file that could not be read again.
    pub fn forget(&mut self, path: &Path) {
        self.listed.remove(path);
    }

    /// Whether a listed path can still be read as the walk would: not gone,
    /// and not below a symbolic link (the walk follows none, so none is read,
    /// whatever the path was when it was listed).
    pub fn is_readable(&self, path: &Path) -> bool {
        let linked =
            self.roots().iter().find(|root| path.starts_with(root)).is_some_and(|root| through_link(root, path));
        !linked && std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_file())
    }

    /// Starts the fallback watcher on every root; its batches of changed
    /// paths go to `sender`.
    pub fn start_watcher(&mut self, sender: Sender<Vec<PathBuf>>) {
        if self.watcher.is_some() {
            return;
        }
        let Some(mut watcher) = FileWatcher::new(sender) else { return };
        for root in self.roots() {
            watcher.watch(root);
        }
        self.watcher = Some(watcher);
    }

    /// What the changed `paths` mean, from what the disk says now: a path
    /// that exists changed or was created, one that does not was deleted (a
    /// folder with everything in it). New files are listed only when a walk
    /// of their root lists them (`.gitignore`, `exclude`, hidden folders).
    pub fn changes(&mut self, paths: Vec<PathBuf>, config: &Config) -> DiskChanges {
        let roots = self.roots().to_vec();
        let config_path = self.folders.first().map(|folder| folder.join(CONFIG_FILE_NAME));
        let mut changes = DiskChanges::default();
        let mut walk_again: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut seen = HashSet::new();
        for path in paths {
            if !seen.insert(path.clone()) {
                continue;
            }
            if config_path.as_ref() == Some(&path) {
                changes.config_file = true;
                continue;
            }
            let Some(root) = roots.iter().find(|root| path.starts_with(root)) else { continue };
            if through_link(root, &path) {
                changes.gone.extend(self.forget_under(&path));
                continue;
            }
            match std::fs::symlink_metadata(&path) {
                Ok(metadata) if metadata.is_dir() => {
                    // A file of the walk may have become a folder of that name.
                    if self.listed.remove(&path) {
                        changes.gone.push(path.clone());
                    }
                    walk_again.push((root.clone(), path));
                }
                Ok(_) if self.listed.contains(&path) => changes.changed.push(path),
                Ok(_) => walk_again.push((root.clone(), path)),
                Err(_) => changes.gone.extend(self.forget_under(&path)),
            }
        }
        // Only what appeared is walked (a folder whole, a file with its
        // folder's rules), never the whole root: one new file in a tree of
        // ten thousand costs one folder's listing.
        for (root, path) in walk_again {
            for listed in walk_under(&root, &path, config) {
                if self.listed.insert(listed.clone()) {
                    changes.new.push(listed);
                }
            }
        }
        changes.new.sort();
        changes
    }

    /// Stops listing the files at or below `path`, and returns them.
    fn forget_under(&mut self, path: &Path) -> Vec<PathBuf> {
        let under: Vec<PathBuf> = self.listed.iter().filter(|listed| listed.starts_with(path)).cloned().collect();
        for gone in &under {
            self.listed.remove(gone);
        }
        under
    }
}

/// Whether `path`, or a folder between it and `root`, is a symbolic link
/// (`root` itself may be one: the user chose it).
fn through_link(root: &Path, path: &Path) -> bool {
    path.ancestors()
        .take_while(|ancestor| *ancestor != root && ancestor.starts_with(root))
        .any(|ancestor| std::fs::symlink_metadata(ancestor).is_ok_and(|metadata| metadata.file_type().is_symlink()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn changed_paths_are_classified_by_what_the_disk_says() {
        let folder = tempfile::tempdir().expect("temp dir");
        let root = folder.path().to_path_buf();
        write(&root.join("a.yaml"), "kind: A\n");
        write(&root.join("base/b.yaml"), "kind: B\n");
        write(&root.join(".gitignore"), "ignored/\n");
        let mut disk = DiskView::new(vec![root.clone()]);
        let config = Config::default();
        let listed = super::super::walk(std::slice::from_ref(&root), &config);
        assert_eq!(listed, [root.join("a.yaml"), root.join("base/b.yaml")]);
        disk.record_listed(listed);

        write(&root.join("a.yaml"), "kind: A2\n");
        write(&root.join("new.yml"), "kind: N\n");
        write(&root.join("ignored/x.yaml"), "kind: X\n");
        write(&root.join(".hidden/y.yaml"), "kind: Y\n");
        std::fs::remove_dir_all(root.join("base")).expect("remove");
        write(&root.join(CONFIG_FILE_NAME), "defaultNamespace: cache\n");
        let changes = disk.changes(
            vec![
                root.join("a.yaml"),
                root.join("new.yml"),
                root.join("ignored/x.yaml"),
                root.join(".hidden/y.yaml"),
                root.join("base"),
                root.join(CONFIG_FILE_NAME),
                root.join("a.yaml"),
            ],
            &config,
        );
        assert_eq!(
            changes,
            DiskChanges {
                changed: vec![root.join("a.yaml")],
                gone: vec![root.join("base/b.yaml")],
                new: vec![root.join("new.yml")],
                config_file: true,
            }
        );
        assert!(disk.is_listed(&root.join("new.yml")) && !disk.is_listed(&root.join("base/b.yaml")));
    }

    #[test]
    fn folders_that_go_take_their_files_with_them() {
        let one = tempfile::tempdir().expect("temp dir");
        let two = tempfile::tempdir().expect("temp dir");
        write(&one.path().join("a.yaml"), "kind: A\n");
        write(&two.path().join("b.yaml"), "kind: B\n");
        let mut disk = DiskView::new(vec![one.path().to_path_buf()]);
        disk.record_listed(super::super::walk(&[one.path().to_path_buf()], &Config::default()));
        let (gone, added) = disk.change_folders(&[two.path().to_path_buf()], &[one.path().to_path_buf()]);
        assert_eq!(gone, [one.path().join("a.yaml")]);
        assert_eq!(added, [two.path().to_path_buf()]);
        assert_eq!(super::super::walk(&added, &Config::default()), [two.path().join("b.yaml")]);
        assert_eq!(disk.roots(), [two.path().to_path_buf()]);
    }
}
