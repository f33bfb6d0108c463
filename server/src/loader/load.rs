//! Reading files into analysed `SourceFile`s, in parallel. Huge, binary and
//! unreadable files become skipped files (with the reason), never an error
//! that stops the rest, and never a panic.
//!
//! It does not decide which files to read (`walk.rs`) nor keep them (that is
//! the workspace).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::workspace::SourceFile;

/// How many leading bytes are searched for a NUL to tell a binary file.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// A file that could not be read, for callers that report I/O errors (the
/// CLI exits with 2 on them).
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub error: io::Error,
}

/// Reads and analyses `paths` in parallel, in the order given. A file that is
/// too big, binary, not UTF-8 or unreadable is returned as a skipped file.
pub fn load_files(paths: &[PathBuf], config: &Config) -> Vec<SourceFile> {
    load_files_with_errors(paths, config).0
}

/// As `load_files`, also returning the files that could not be read (each is
/// in the first list too, as a skipped file).
pub fn load_files_with_errors(paths: &[PathBuf], config: &Config) -> (Vec<SourceFile>, Vec<ReadError>) {
    let outcomes: Vec<(SourceFile, Option<io::Error>)> = paths.par_iter().map(|path| load_path(path, config)).collect();
    let mut files = Vec::with_capacity(outcomes.len());
    let mut errors = Vec::new();
    for (file, error) in outcomes {
        if let Some(error) = error {
            errors.push(ReadError { path: file.path.clone(), error });
        }
        files.push(file);
    }
    (files, errors)
}

/// Walks `roots` (as `walk`) and reads what it lists, reading files while
/// the walk goes on: the paths, sorted, and their files in the same order,
/// shared as the workspace keeps them.
pub fn walk_and_load(roots: &[PathBuf], config: &Config) -> (Vec<PathBuf>, Vec<Arc<SourceFile>>) {
    let (sender, receiver) = crossbeam_channel::unbounded::<PathBuf>();
    let mut files: Vec<Arc<SourceFile>> = std::thread::scope(|scope| {
        scope.spawn(move || super::walk::walk_each(roots, config, &mut |path| drop(sender.send(path))));
        receiver.into_iter().par_bridge().map(|path| Arc::new(load_path(&path, config).0)).collect()
    });
    // On every core: comparing paths component by component is most of it.
    files.par_sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    let paths = files.iter().map(|file| file.path.clone()).collect();
    (paths, files)
}

/// Reads one file, e.g. after `workspace/didChangeWatchedFiles`. `None` when
/// the file no longer exists (the caller drops it from the workspace).
pub fn load_file(path: &Path, config: &Config) -> Option<SourceFile> {
    let (file, error) = load_path(path, config);
    match error {
        Some(error) if error.kind() == io::ErrorKind::NotFound => None,
        _ => Some(file),
    }
}

/// Analyses text that did not come from a file on disk (the CLI's stdin),
/// with the same size and binary rules as a file.
pub fn load_bytes(path: PathBuf, bytes: Vec<u8>, config: &Config) -> SourceFile {
    analyse_bytes(path, bytes, config)
}

fn load_path(path: &Path, config: &Config) -> (SourceFile, Option<io::Error>) {
    match read_bounded(path, config.max_file_size) {
        Ok(Bounded::Bytes(bytes)) => (analyse_bytes(path.to_path_buf(), bytes, config), None),
        Ok(Bounded::TooBig(size)) => (too_big(path.to_path_buf(), size, config), None),
        Err(error) => {
            tracing::warn!("cannot read `{}`: {error}", path.display());
            (SourceFile::skipped(path.to_path_buf(), format!("cannot be read: {error}")), Some(error))
        }
    }
}

enum Bounded {
    Bytes(Vec<u8>),
    /// Over the limit; the size when the file system told it (a stream's
    /// size is not known: it was read only up to one byte over the limit).
    TooBig(Option<u64>),
}

/// Reads at most `limit + 1` bytes, so a huge file (or an endless stream such
/// as a FIFO given on the command line) never fills the memory.
fn read_bounded(path: &Path, limit: u64) -> io::Result<Bounded> {
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(io::Error::other("is a folder"));
    }
    if metadata.is_file() && metadata.len() > limit {
        return Ok(Bounded::TooBig(Some(metadata.len())));
    }
    let mut bytes = Vec::with_capacity(if metadata.is_file() { metadata.len() as usize } else { 0 });
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Bounded::TooBig(None));
    }
    Ok(Bounded::Bytes(bytes))
}

fn analyse_bytes(path: PathBuf, bytes: Vec<u8>, config: &Config) -> SourceFile {
    if bytes.len() as u64 > config.max_file_size {
        // A stream is read only up to one byte over the limit, so its length
        // says nothing of its size.
        return too_big(path, None, config);
    }
    let sniffed = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if sniffed.contains(&0) {
        tracing::info!("skipping `{}`: a binary file", path.display());
        return SourceFile::skipped(path, "a binary file".to_owned());
    }
    match crate::text::decode(bytes) {
        Some(text) => SourceFile::new(path, text, None, None),
        None => {
            tracing::info!("skipping `{}`: not valid UTF-8", path.display());
            SourceFile::skipped(path, "not valid UTF-8".to_owned())
        }
    }
}

fn too_big(path: PathBuf, size: Option<u64>, config: &Config) -> SourceFile {
    let limit = config.max_file_size;
    let reason = match size {
        Some(size) => format!("{size} bytes, over `maxFileSize` ({limit} bytes)"),
        None => format!("over `maxFileSize` ({limit} bytes)"),
    };
    tracing::info!("skipping `{}`: {reason}", path.display());
    SourceFile::skipped(path, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_max(max_file_size: u64) -> Config {
        Config { max_file_size, ..Config::default() }
    }

    #[test]
    fn walking_and_reading_together_gives_what_the_walk_lists() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["b.yaml", "a/c.yml", "a/d.yaml", "e.txt", ".hidden/f.yaml"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(&path, "kind: ConfigMap\nmetadata: {name: x}\n").expect("write");
        }
        let config = Config::default();
        // A root inside another lists its files once.
        let roots = [dir.path().to_path_buf(), dir.path().join("a")];
        let (paths, files) = walk_and_load(&roots, &config);
        assert_eq!(paths, super::super::walk(&roots, &config));
        assert_eq!(paths.len(), 3);
        assert_eq!(files.iter().map(|file| file.path.clone()).collect::<Vec<_>>(), paths);
        assert!(files.iter().all(|file| file.documents.len() == 1 && file.skipped.is_none()));
    }

    #[test]
    fn loads_and_analyses_files_in_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("b.yaml");
        std::fs::write(&a, "\u{FEFF}kind: Service\nmetadata: {name: redis}\n").expect("write");
        std::fs::write(&b, "kind: StatefulSet\n").expect("write");
        let files = load_files(&[b.clone(), a.clone()], &Config::default());
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, b);
        assert_eq!(files[1].path, a);
        assert_eq!(files[1].text, "kind: Service\nmetadata: {name: redis}\n", "the BOM is stripped");
        assert!(files.iter().all(|file| file.skipped.is_none()));
    }

    #[test]
    fn huge_binary_and_invalid_files_are_skipped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big = dir.path().join("big.yaml");
        let binary = dir.path().join("binary.yaml");
        let latin1 = dir.path().join("latin1.yaml");
        let fine = dir.path().join("fine.yaml");
        std::fs::write(&big, "a: 1\n".repeat(40)).expect("write");
        std::fs::write(&binary, b"a: 1\n\0\0\0").expect("write");
        std::fs::write(&latin1, b"a: caf\xE9\n").expect("write");
        std::fs::write(&fine, "a: 1\n").expect("write");
        let files = load_files(&[big, binary, latin1, fine], &config_with_max(100));
        let reasons: Vec<Option<&str>> = files.iter().map(|file| file.skipped.as_deref()).collect();
        assert_eq!(
            reasons,
            [Some("200 bytes, over `maxFileSize` (100 bytes)"), Some("a binary file"), Some("not valid UTF-8"), None]
        );
    }

    #[test]
    fn a_file_exactly_at_the_limit_is_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "a: 1\n").expect("write");
        let file = load_file(&path, &config_with_max(5)).expect("exists");
        assert_eq!(file.skipped, None);
        let file = load_file(&path, &config_with_max(4)).expect("exists");
        assert!(file.skipped.is_some());
    }

    #[test]
    fn unreadable_and_deleted_files_never_panic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("gone.yaml");
        assert!(load_file(&missing, &Config::default()).is_none());
        let (files, errors) = load_files_with_errors(&[missing.clone(), dir.path().to_path_buf()], &Config::default());
        assert_eq!(files.len(), 2);
        assert!(files
            .iter()
            .all(|file| file.skipped.as_deref().is_some_and(|reason| reason.starts_with("cannot be read"))));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].path, missing);
    }

    #[test]
    fn stdin_bytes_follow_the_same_rules() {
        let file = load_bytes(PathBuf::from("<stdin>"), b"kind: Service\n".to_vec(), &Config::default());
        assert_eq!(file.skipped, None);
        let file = load_bytes(PathBuf::from("<stdin>"), vec![b'a'; 11], &config_with_max(10));
        assert_eq!(file.skipped.as_deref(), Some("over `maxFileSize` (10 bytes)"));
    }
}
