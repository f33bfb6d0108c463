//! The documents the client has told the server about: which are open (and
//! whether their text came with a byte order mark), and the exact URI the
//! client used for each path, so that every URI sent back is spelled the way
//! the client spelled it.
//!
//! It holds no text (the workspace does) and never reads the disk.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

use lsp_types::Url;

use super::convert::uri_to_path;

#[derive(Debug, Default)]
pub(crate) struct Documents {
    uris: FxHashMap<PathBuf, Url>,
    open: FxHashMap<PathBuf, OpenDocument>,
}

#[derive(Debug, Default, Clone, Copy)]
struct OpenDocument {
    /// The client's text starts with U+FEFF, which the server's text lacks.
    bom: bool,
}

impl Documents {
    /// The path of a URI the client sent, remembering the URI for the way
    /// back.
    pub(crate) fn remember(&mut self, uri: &Url) -> PathBuf {
        let path = uri_to_path(uri);
        if self.uris.get(&path) != Some(uri) {
            self.uris.insert(path.clone(), uri.clone());
        }
        path
    }

    /// The URI for a path: the client's own spelling where it sent one, else
    /// a `file:` URI made from the path.
    pub(crate) fn uri(&self, path: &Path) -> Option<Url> {
        if let Some(uri) = self.uris.get(path) {
            return Some(uri.clone());
        }
        Url::from_file_path(path).ok().or_else(|| Url::parse(&path.to_string_lossy()).ok())
    }

    pub(crate) fn open(&mut self, path: PathBuf, bom: bool) {
        self.open.insert(path, OpenDocument { bom });
    }

    /// Returns whether the document was open.
    pub(crate) fn close(&mut self, path: &Path) -> bool {
        self.open.remove(path).is_some()
    }

    pub(crate) fn open_paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.open.keys()
    }

    pub(crate) fn is_open(&self, path: &Path) -> bool {
        self.open.contains_key(path)
    }

    pub(crate) fn has_bom(&self, path: &Path) -> bool {
        self.open.get(path).is_some_and(|document| document.bom)
    }

    pub(crate) fn set_bom(&mut self, path: &Path, bom: bool) {
        if let Some(document) = self.open.get_mut(path) {
            document.bom = bom;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_go_back_as_the_client_spelled_them() {
        let mut documents = Documents::default();
        // A client may escape characters that need no escaping; the answer
        // must use its spelling, not a re-encoded one.
        let uri = Url::parse("file:///tmp/k8s/%72edis.yaml").expect("valid URI");
        let path = documents.remember(&uri);
        assert_eq!(path, PathBuf::from("/tmp/k8s/redis.yaml"));
        assert_eq!(documents.uri(&path), Some(uri));
        assert_eq!(
            documents.uri(Path::new("/tmp/k8s/other.yaml")),
            Some(Url::parse("file:///tmp/k8s/other.yaml").expect("valid URI"))
        );
        let untitled = Url::parse("untitled:Untitled-1").expect("valid URI");
        let path = documents.remember(&untitled);
        assert_eq!(documents.uri(&path), Some(untitled));
    }
}
