//! The fallback file watcher, for clients that cannot register
//! `workspace/didChangeWatchedFiles` (Neovim on Linux, for one): `notify`
//! watches each root folder and sends the paths that changed into the main
//! loop through a channel selected beside the connection's.
//!
//! It reports paths only; the main loop looks at the disk to tell a change
//! from a deletion, and decides what to read.

use std::path::{Path, PathBuf};

use crossbeam_channel::Sender;
use notify::{EventKind, RecursiveMode, Watcher};

use super::{is_yaml_path, CONFIG_FILE_NAME};

pub(super) struct FileWatcher {
    watcher: notify::RecommendedWatcher,
}

impl FileWatcher {
    /// A watcher that sends batches of changed paths; `None` (logged) when
    /// the platform cannot watch.
    pub(super) fn new(sender: Sender<Vec<PathBuf>>) -> Option<FileWatcher> {
        let handler = move |event: notify::Result<notify::Event>| match event {
            Ok(event) => {
                if matches!(event.kind, EventKind::Access(_)) {
                    return;
                }
                let paths: Vec<PathBuf> = event.paths.into_iter().filter(|path| is_relevant(path)).collect();
                if !paths.is_empty() {
                    // The main loop is gone when this fails; nothing to do.
                    let _ = sender.send(paths);
                }
            }
            Err(error) => tracing::warn!("file watcher: {error}"),
        };
        match notify::recommended_watcher(handler) {
            Ok(watcher) => Some(FileWatcher { watcher }),
            Err(error) => {
                tracing::warn!("cannot watch files, changes on disk will be missed: {error}");
                None
            }
        }
    }

    pub(super) fn watch(&mut self, folder: &Path) {
        match self.watcher.watch(folder, RecursiveMode::Recursive) {
            Ok(()) => tracing::info!("watching `{}` for changes", folder.display()),
            Err(error) => tracing::warn!("cannot watch `{}`: {error}", folder.display()),
        }
    }

    pub(super) fn unwatch(&mut self, folder: &Path) {
        if let Err(error) = self.watcher.unwatch(folder) {
            tracing::debug!("cannot stop watching `{}`: {error}", folder.display());
        }
    }
}

/// YAML files, the configuration file, kustomizations, and what may be a
/// folder (created, moved or deleted with the files in it). Which of them
/// lie in hidden or ignored folders is for the main loop to decide, since it
/// knows the roots.
fn is_relevant(path: &Path) -> bool {
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("");
    is_yaml_path(path)
        || name == "Kustomization"
        || name == CONFIG_FILE_NAME
        || path.extension().is_none()
        || path.is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_yaml_files_and_folders() {
        assert!(is_relevant(Path::new("/srv/app/redis.yaml")));
        assert!(is_relevant(Path::new("/srv/app/.kube-lsp.yaml")));
        assert!(is_relevant(Path::new("/srv/app/base")));
        assert!(!is_relevant(Path::new("/srv/app/README.md")));
        assert!(!is_relevant(Path::new("/srv/app/.git/index.lock")));
    }
}
