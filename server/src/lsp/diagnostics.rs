//! Publishing diagnostics: the findings of the files whose findings changed
//! (including files that lost their last finding, or left the workspace),
//! converted and sent, and every open buffer's once per version. Files that
//! did not change are not looked at.
//!
//! It does not decide when to publish (the main loop debounces) nor what is
//! found (`checks`).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{DiagnosticSeverity, Range, Url};
use serde::Serialize;

use super::convert::{self, LineMap};
use super::documents::Documents;
use crate::ide::{Code, Finding, Host};
use crate::text::PositionEncoding;
use crate::workspace::{FileId, Snapshot};

#[derive(Debug, Default)]
pub(crate) struct Publisher {
    /// What the client was last sent, by path: file ids change when a file
    /// is removed and read again, paths do not.
    published: HashMap<PathBuf, Published>,
    /// The path of each file id published, for a file that has left the
    /// workspace by the time its empty list is sent.
    paths: HashMap<FileId, PathBuf>,
}

/// What a publish is to send: the files whose findings changed (or that
/// left the workspace), and when it is to stop.
pub(crate) struct Batch<'a> {
    pub(crate) changed: &'a BTreeSet<FileId>,
    pub(crate) deadline: Instant,
}

#[derive(Debug)]
struct Published {
    uri: Url,
    version: Option<i32>,
    /// The JSON of the `diagnostics` sent.
    diagnostics: String,
}

impl Publisher {
    /// Sends (through `send`, one by one as each is ready, so that the first
    /// reaches the client before the last is converted) the notifications
    /// that bring the client up to date, each as its JSON-RPC body: for each
    /// open buffer whose version the client has not seen checked, first, and
    /// for the files in `changed` (whose findings changed, or that left the
    /// workspace). Only those files are converted. Stops at `deadline`, so
    /// that a fresh analysis of a large workspace does not hold the main
    /// loop: returns how many were sent and the files left.
    pub(crate) fn update(
        &mut self,
        snapshot: &Snapshot,
        host: &Host,
        Batch { changed, deadline }: Batch<'_>,
        documents: &Documents,
        encoding: PositionEncoding,
        mut send: impl FnMut(String),
    ) -> (usize, BTreeSet<FileId>) {
        // An open buffer is published once per version even when its list is
        // unchanged (or empty), so that the client knows it was checked and
        // drops anything it still shows from before.
        let mut open = BTreeSet::new();
        for path in documents.open_paths() {
            let Some(id) = snapshot.file_id(path) else { continue };
            let version = snapshot.file(id).and_then(|file| file.version);
            if changed.contains(&id) || self.published.get(path).is_none_or(|published| published.version != version) {
                open.insert(id);
            }
        }
        let mut to_send = open.iter().chain(changed.iter().filter(|id| !open.contains(id))).copied();
        let mut places = Places { snapshot, documents, encoding, files: HashMap::new() };
        let mut urls = HashMap::new();
        let mut sent = 0;
        while let Some(id) = to_send.next() {
            if sent > 0 && Instant::now() >= deadline {
                let left = std::iter::once(id).chain(to_send).collect();
                return (sent, left);
            }
            let Some(file) = snapshot.file(id) else {
                // Gone: its path may already hold a new file (read again).
                let Some(path) = self.paths.remove(&id) else { continue };
                if snapshot.file_id(&path).is_some() {
                    continue;
                }
                if let Some(old) = self.published.remove(&path) {
                    if old.diagnostics != "[]" || old.version.is_some() {
                        send(notification(&old.uri, "[]", None));
                        sent += 1;
                    }
                }
                continue;
            };
            let findings = host.findings(snapshot, id);
            let old = self.published.get(&file.path);
            // A file never published with nothing to say needs no word, unless
            // it is an open buffer (see above). Most files of a fresh analysis
            // are such: they are passed over before their URI and lines are
            // made.
            if findings.is_empty() && file.version.is_none() && old.is_none() {
                continue;
            }
            let Some(uri) = places.uri(id).cloned() else { continue };
            let diagnostics = diagnostics_json(&findings, &mut places, &mut urls);
            if old.is_some_and(|old| old.diagnostics == diagnostics && old.version == file.version && old.uri == uri) {
                continue;
            }
            send(notification(&uri, &diagnostics, file.version));
            sent += 1;
            self.paths.insert(id, file.path.clone());
            if findings.is_empty() && file.version.is_none() {
                self.published.remove(&file.path);
            } else {
                self.published.insert(file.path.clone(), Published { uri, version: file.version, diagnostics });
            }
        }
        (sent, BTreeSet::new())
    }
}

/// The `textDocument/publishDiagnostics` notification's body.
fn notification(uri: &Url, diagnostics: &str, version: Option<i32>) -> String {
    let uri = serde_json::Value::String(uri.as_str().to_owned());
    let version = version.map(|version| format!(r#","version":{version}"#)).unwrap_or_default();
    format!(
        r#"{{"jsonrpc":"2.0","method":"{}","params":{{"uri":{uri},"diagnostics":{diagnostics}{version}}}}}"#,
        PublishDiagnostics::METHOD
    )
}

/// The files findings point into, each with its URI and positions, made
/// once per update however many findings point there.
struct Places<'a> {
    snapshot: &'a Snapshot,
    documents: &'a Documents,
    encoding: PositionEncoding,
    files: HashMap<FileId, Option<(Url, LineMap<'a>)>>,
}

impl<'a> Places<'a> {
    fn file(&mut self, id: FileId) -> Option<&(Url, LineMap<'a>)> {
        let (snapshot, documents, encoding) = (self.snapshot, self.documents, self.encoding);
        self.files
            .entry(id)
            .or_insert_with(|| {
                let file = snapshot.file(id)?;
                let uri = documents.uri(&file.path)?;
                Some((uri, LineMap::of_file(file, encoding, documents.has_bom(&file.path))))
            })
            .as_ref()
    }

    fn uri(&mut self, id: FileId) -> Option<&Url> {
        self.file(id).map(|(uri, _)| uri)
    }
}

/// A finding as the protocol's `Diagnostic`, borrowed: the JSON that
/// `convert::diagnostic` gives (a test holds them equal), without a string
/// copied or a URL parsed per finding, nor a `serde_json::Value` tree.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiagnosticJson<'a> {
    range: Range,
    severity: DiagnosticSeverity,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_description: Option<Href<'a>>,
    source: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_information: Vec<RelatedJson<'a>>,
}

#[derive(Serialize)]
struct Href<'a> {
    href: &'a str,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    location: LocationJson<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct LocationJson<'a> {
    uri: &'a str,
    range: Range,
}

/// The JSON of `findings` (all of one file) as a `diagnostics` list. `urls`
/// keeps each code's README link, parsed once.
fn diagnostics_json(findings: &[Finding], places: &mut Places<'_>, urls: &mut HashMap<Code, Option<Url>>) -> String {
    // Every file the findings point into, converted first, so that the
    // diagnostics below can borrow their URIs.
    let Some(file) = findings.first().map(|finding| finding.file) else { return "[]".to_owned() };
    places.file(file);
    for finding in findings {
        urls.entry(finding.code).or_insert_with(|| Url::parse(&finding.code.url()).ok());
        for related in &finding.related {
            places.file(related.file);
        }
    }
    let files = &places.files;
    let Some(Some((_, line_map))) = files.get(&file) else { return "[]".to_owned() };
    let diagnostics: Vec<DiagnosticJson<'_>> = findings
        .iter()
        .map(|finding| DiagnosticJson {
            range: line_map.range(finding.range),
            severity: convert::severity(finding.level),
            code: finding.code.as_str(),
            code_description: urls.get(&finding.code).and_then(Option::as_ref).map(|url| Href { href: url.as_str() }),
            source: convert::SOURCE,
            message: &finding.message,
            related_information: finding
                .related
                .iter()
                .filter_map(|related| {
                    let (uri, line_map) = files.get(&related.file)?.as_ref()?;
                    let location = LocationJson { uri: uri.as_str(), range: line_map.range(related.range) };
                    Some(RelatedJson { location, message: &related.message })
                })
                .collect(),
        })
        .collect();
    serde_json::to_string(&diagnostics).unwrap_or_else(|error| {
        tracing::error!("cannot serialise diagnostics: {error}");
        "[]".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_json_is_the_protocols_diagnostic() {
        // Findings with related places in another file, and a non-ASCII
        // line, converted both ways.
        let mut workspace = crate::workspace::Workspace::new(crate::config::Config::default());
        let set = "# é😀\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  \
                   replicas: 3\n  selector: {matchLabels: {app: redis}}\n  template: {metadata: {labels: {app: redis}}}\n";
        let service = "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {selector: {app: redis}}\n";
        workspace.set_text(PathBuf::from("/app/set.yaml"), set.to_owned(), None);
        workspace.set_text(PathBuf::from("/app/service.yaml"), service.to_owned(), None);
        let snapshot = workspace.snapshot();
        let diagnostics = crate::ide::Diagnostics::of(&snapshot);
        let documents = Documents::default();
        let mut checked = 0;
        for (id, _) in snapshot.files() {
            let findings = diagnostics.file(id);
            let mut places = Places {
                snapshot: &snapshot,
                documents: &documents,
                encoding: PositionEncoding::Utf16,
                files: HashMap::new(),
            };
            let published: serde_json::Value =
                serde_json::from_str(&diagnostics_json(findings, &mut places, &mut HashMap::new())).expect("JSON");
            let file = snapshot.file(id).expect("file");
            let line_map = LineMap::of_file(file, PositionEncoding::Utf16, false);
            let locate = |related: &crate::ide::Related| {
                let file = snapshot.file(related.file)?;
                let line_map = LineMap::of_file(file, PositionEncoding::Utf16, false);
                Some(lsp_types::Location { uri: documents.uri(&file.path)?, range: line_map.range(related.range) })
            };
            let converted: Vec<lsp_types::Diagnostic> =
                findings.iter().map(|finding| convert::diagnostic(finding, &line_map, locate)).collect();
            assert_eq!(published, serde_json::to_value(&converted).expect("JSON"));
            checked += findings.iter().filter(|finding| !finding.related.is_empty()).count();
        }
        assert!(checked >= 2, "findings with related places on both sides");
    }

    #[test]
    fn a_publish_past_its_deadline_sends_the_open_buffer_first_and_leaves_the_rest() {
        // Ten StatefulSets without their Service, in files of their own; one
        // of them is an open buffer.
        let mut host = Host::new(crate::config::Config::default());
        let set = |name: usize| {
            format!(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: s{name}}}\nspec: {{serviceName: s{name}}}\n"
            )
        };
        for name in 0..10 {
            let version = (name == 7).then_some(1);
            host.workspace_mut().set_text(PathBuf::from(format!("/app/{name}.yaml")), set(name), version);
        }
        let mut documents = Documents::default();
        documents.open(PathBuf::from("/app/7.yaml"), false);
        let (snapshot, changed) = host.update();
        let changed: BTreeSet<FileId> = changed.into_iter().collect();
        assert_eq!(changed.len(), 10);
        let mut publisher = Publisher::default();
        let mut uris = Vec::new();
        let mut send = |body: String| {
            let body: serde_json::Value = serde_json::from_str(&body).expect("JSON");
            uris.push(body["params"]["uri"].as_str().expect("a URI").to_owned());
        };
        let utf16 = PositionEncoding::Utf16;
        let past = Instant::now();
        let (sent, left) = publisher.update(
            &snapshot,
            &host,
            Batch { changed: &changed, deadline: past },
            &documents,
            utf16,
            &mut send,
        );
        assert_eq!((sent, left.len()), (1, 9), "one file, then the deadline");
        let later = Instant::now() + std::time::Duration::from_secs(60);
        let (sent, left) =
            publisher.update(&snapshot, &host, Batch { changed: &left, deadline: later }, &documents, utf16, &mut send);
        assert_eq!((sent, left.len()), (9, 0));
        assert_eq!(uris[0], "file:///app/7.yaml", "the open buffer first");
        uris.sort();
        uris.dedup();
        assert_eq!(uris.len(), 10, "every file once");
    }

    #[test]
    fn the_notification_holds_the_uri_the_list_and_the_version() {
        let uri = Url::parse("file:///a%20b/x.yaml").expect("URI");
        let body: serde_json::Value = serde_json::from_str(&notification(&uri, "[]", Some(3))).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                "params": {"uri": "file:///a%20b/x.yaml", "diagnostics": [], "version": 3}})
        );
        let body: serde_json::Value = serde_json::from_str(&notification(&uri, "[]", None)).expect("JSON");
        assert_eq!(body["params"].get("version"), None);
    }
}
