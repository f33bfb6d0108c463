//! Finding the YAML files of a workspace: every `*.yaml`/`*.yml` under a
//! folder, honouring `.gitignore` (inside a git repository or not), skipping
//! hidden files and folders and never following symbolic links.
//!
//! It lists paths only; reading them is `load.rs`'s job.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use crate::config::Config;

/// Every YAML file under `roots`, sorted and without duplicates, each path
/// as given joined with the path below it (never made absolute, so relative
/// inputs give relative outputs).
///
/// A root that is a file is listed whatever its extension: the user named it.
/// `config.exclude` applies to it all the same, so that a tool which passes
/// every changed file (pre-commit) honours the excludes. A root that does not
/// exist is logged and skipped; the CLI reports it before walking.
pub fn walk(roots: &[PathBuf], config: &Config) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    walk_each(roots, config, &mut |path| paths.push(path));
    paths.sort();
    paths.dedup();
    paths
}

/// `walk`, handing each path to `found` as the walk finds it (in walk order,
/// a path twice where roots overlap), so that reading can start before the
/// walk ends.
pub(super) fn walk_each(roots: &[PathBuf], config: &Config, found: &mut dyn FnMut(PathBuf)) {
    let excludes = Arc::new(Excludes::new(&config.exclude));
    for root in roots {
        match std::fs::metadata(root) {
            Ok(metadata) if metadata.is_dir() => walk_folder_toward(root, None, &excludes, found),
            Ok(_) => {
                if !excludes.is_excluded(root, root) {
                    found(root.clone());
                }
            }
            Err(error) => tracing::warn!("cannot read `{}`: {error}", root.display()),
        }
    }
}

/// Whether a path given on the command line can be read at all, before it is
/// walked (the walk only logs a missing root).
pub fn check_readable(path: &Path) -> std::io::Result<()> {
    std::fs::metadata(path).map(|_| ())
}

/// True for `*.yaml` and `*.yml`, in any case.
pub fn is_yaml_path(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml"))
}

/// The files a walk of `root` lists at or below `start`, by the same rules
/// (`.gitignore` files, hidden folders and `exclude` on the way down
/// included), without walking the rest of the root: only the folders on the
/// way to `start`, and what is below it, are listed. For a file or folder
/// that just appeared.
pub fn walk_under(root: &Path, start: &Path, config: &Config) -> Vec<PathBuf> {
    if !start.starts_with(root) {
        return Vec::new();
    }
    let excludes = Arc::new(Excludes::new(&config.exclude));
    let mut paths = Vec::new();
    walk_folder_toward(root, Some(start), &excludes, &mut |path| paths.push(path));
    paths.retain(|path| path.starts_with(start));
    paths
}

/// Walks `root`, or only the way to `toward` and what is below it.
fn walk_folder_toward(root: &Path, toward: Option<&Path>, excludes: &Arc<Excludes>, found: &mut dyn FnMut(PathBuf)) {
    let toward = toward.map(Path::to_path_buf);
    let filter_excludes = Arc::clone(excludes);
    let filter_root = root.to_path_buf();
    let walker = WalkBuilder::new(root)
        // Without this, `.gitignore` files are silently ignored outside a git
        // repository (measured with ignore 0.4.35).
        .require_git(false)
        .hidden(true)
        .follow_links(false)
        // An excluded folder is pruned here, so that nothing below it is read.
        .filter_entry(move |entry| {
            let on_the_way = toward
                .as_ref()
                .is_none_or(|toward| toward.starts_with(entry.path()) || entry.path().starts_with(toward));
            entry.depth() == 0 || (on_the_way && !filter_excludes.is_excluded(&filter_root, entry.path()))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                tracing::warn!("while listing `{}`: {error}", root.display());
                continue;
            }
        };
        // `file_type` is that of the entry itself: a symbolic link is neither
        // a file nor a folder here, so links (and link loops) are skipped.
        let is_file = entry.file_type().is_some_and(|file_type| file_type.is_file());
        if is_file && is_yaml_path(entry.path()) {
            found(entry.into_path());
        }
    }
}

/// The `exclude` globs, matched against a path relative to its root, the
/// path as given, and the path made absolute.
struct Excludes {
    globs: GlobSet,
}

impl Excludes {
    fn new(patterns: &[String]) -> Excludes {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            match Glob::new(pattern) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(error) => tracing::warn!("ignoring the `exclude` glob `{pattern}`: {error}"),
            }
        }
        let globs = builder.build().unwrap_or_else(|error| {
            tracing::warn!("ignoring the `exclude` globs: {error}");
            GlobSet::empty()
        });
        Excludes { globs }
    }

    fn is_excluded(&self, root: &Path, path: &Path) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        if let Ok(relative) = path.strip_prefix(root) {
            if !relative.as_os_str().is_empty() && self.globs.is_match(relative) {
                return true;
            }
        }
        if self.globs.is_match(path) {
            return true;
        }
        // `./a.yaml` should match `a.yaml`-style globs too.
        if let Ok(without_dot) = path.strip_prefix(".") {
            if !without_dot.as_os_str().is_empty() && self.globs.is_match(without_dot) {
                return true;
            }
        }
        match std::path::absolute(path) {
            Ok(absolute) => absolute != path && self.globs.is_match(&absolute),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(path, text).expect("write file");
    }

    /// The walk's paths relative to `root`, with forward slashes.
    fn walked(root: &Path, config: &Config) -> Vec<String> {
        walk(&[root.to_path_buf()], config)
            .iter()
            .map(|path| path.strip_prefix(root).expect("below the root").to_string_lossy().replace('\\', "/"))
            .collect()
    }

    #[test]
    fn lists_yaml_files_sorted_and_skips_hidden_and_other_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(&root.join("b.yaml"), "");
        write(&root.join("a.yml"), "");
        write(&root.join("C.YAML"), "");
        write(&root.join("notes.txt"), "");
        write(&root.join("deep/er/x.yaml"), "");
        write(&root.join(".hidden/x.yaml"), "");
        write(&root.join(".kube-lsp.yaml"), "");
        assert_eq!(walked(root, &Config::default()), ["C.YAML", "a.yml", "b.yaml", "deep/er/x.yaml"]);
    }

    #[test]
    fn gitignore_applies_outside_a_git_repository() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        assert!(!root.join(".git").exists());
        write(&root.join(".gitignore"), "ignored.yaml\nbuild/\n");
        write(&root.join("ignored.yaml"), "");
        write(&root.join("build/out.yaml"), "");
        write(&root.join("kept.yaml"), "");
        write(&root.join("sub/.gitignore"), "*.yml\n");
        write(&root.join("sub/a.yml"), "");
        write(&root.join("sub/b.yaml"), "");
        assert_eq!(walked(root, &Config::default()), ["kept.yaml", "sub/b.yaml"]);
    }

    #[test]
    fn excludes_match_relative_and_full_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(&root.join("charts/app/templates/x.yaml"), "");
        write(&root.join("base/a.yaml"), "");
        write(&root.join("base/a-values.yaml"), "");
        write(&root.join("vendor/v.yaml"), "");
        let config = Config {
            exclude: vec!["charts/**".to_owned(), "*-values.yaml".to_owned(), "**/vendor".to_owned()],
            ..Config::default()
        };
        assert_eq!(walked(root, &config), ["base/a.yaml"]);

        let full = format!("{}/base/**", root.display());
        let config = Config { exclude: vec![full, "[".to_owned()], ..Config::default() };
        assert_eq!(walked(root, &config), ["charts/app/templates/x.yaml", "vendor/v.yaml"]);
    }

    #[test]
    fn a_file_root_is_listed_whatever_its_extension_and_duplicates_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(&root.join("manifest.txt"), "");
        write(&root.join("a.yaml"), "");
        let roots = vec![root.join("manifest.txt"), root.to_path_buf(), root.join("a.yaml"), root.join("missing.yaml")];
        assert_eq!(walk(&roots, &Config::default()), vec![root.join("a.yaml"), root.join("manifest.txt")]);
    }

    #[test]
    fn paths_keep_the_root_as_given() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(&dir.path().join("manifests/a.yaml"), "");
        let root = dir.path().join("manifests/../manifests");
        assert_eq!(walk(std::slice::from_ref(&root), &Config::default()), vec![root.join("a.yaml")]);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_not_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(&outside.path().join("secret.yaml"), "");
        write(&root.join("real.yaml"), "");
        std::os::unix::fs::symlink(outside.path(), root.join("outside")).expect("symlink");
        std::os::unix::fs::symlink(outside.path().join("secret.yaml"), root.join("linked.yaml")).expect("symlink");
        // A loop: `loop/again` points back at `loop`'s parent.
        fs::create_dir(root.join("loop")).expect("create folder");
        std::os::unix::fs::symlink(root, root.join("loop/again")).expect("symlink");
        assert_eq!(walked(root, &Config::default()), ["real.yaml"]);
    }
}
