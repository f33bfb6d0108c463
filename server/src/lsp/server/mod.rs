//! The main loop: one thread owns the whole state (workspace, open buffers,
//! folders, settings, what was published) and handles one message at a time,
//! in arrival order. A notification is applied completely before the next
//! message is looked at; a request is answered inline from the latest text.
//! Diagnostics are published once the input goes quiet (or every 50 ms
//! under continuous input).
//!
//! Open buffers are in `buffers.rs`, the files on disk in `disk.rs`.
//!
//! It knows the protocol's life cycle and notifications; what the answers
//! say is `handlers` and `ide`, what is found is `ide::Host`'s.

mod buffers;
mod disk;
mod helm;

use rustc_hash::FxHashSet;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TryRecvError};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders,
    DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _, ShowMessage,
};
use lsp_types::request::{CodeLensRefresh, InlayHintRefreshRequest, RegisterCapability, WorkspaceConfiguration};
use lsp_types::{
    CancelParams, CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CodeLensOptions, CompletionOptions,
    ConfigurationItem, ConfigurationParams, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, InitializeResult, MessageType, NumberOrString, OneOf, Registration,
    RegistrationParams, RenameOptions, ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, WorkDoneProgressOptions,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde_json::Value;

use super::body;
use super::convert;
use super::diagnostics::{Batch, Publisher};
use super::documents::Documents;
use super::handlers::{self, ClientSupport, Context};
use super::lens_lists::LensLists;
use super::settings::{self, Settings};
use super::transport::INVALID_MESSAGE_METHOD;
use crate::ide::{Diagnostics, Host, Update};
use crate::loader::{DiskView, CONFIG_FILE_NAME};
use crate::text::PositionEncoding;
use crate::workspace::{in_background, FileId, Prepared, Snapshot, SourceFile};

/// Under continuous input, diagnostics wait at most this long.
const PUBLISH_AFTER: Duration = Duration::from_millis(50);

/// A publish of diagnostics stops after this long (when it has sent one
/// at least), leaving the rest for a later turn of the main loop: requests
/// wait for a turn, and a fresh analysis of a large workspace can change the
/// findings of thousands of files.
const PUBLISH_BUDGET: Duration = Duration::from_millis(4);

/// A main-loop turn at least this long is logged (at debug).
const SLOW_TURN: Duration = Duration::from_millis(20);

/// What an event is, for the log of slow turns.
fn event_kind(event: &Event) -> String {
    match event {
        Event::Message(Message::Request(request)) => format!("request `{}`", request.method),
        Event::Message(Message::Notification(notification)) => format!("notification `{}`", notification.method),
        Event::Message(Message::Response(_)) => "a response".to_owned(),
        Event::FilesChanged(paths) => format!("{} changed paths", paths.len()),
        Event::Indexed(indexed) => format!("{} files read", indexed.files.len()),
        Event::Fresh(..) => "a fresh analysis".to_owned(),
        Event::Rendered(_) => "a chart render".to_owned(),
    }
}

/// How the server was run; the defaults are what an editor gets.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Answers `kubeLsp/testPanic` (its handler panics),
    /// `kubeLsp/testSleep` (it holds the main loop) and
    /// `kubeLsp/testDocumentText` (the server's text of a document), for
    /// tests of the panic guard, of cancellation and of incremental sync
    /// only.
    #[doc(hidden)]
    pub test_requests: bool,
    /// How long one publish of diagnostics may take (`PUBLISH_BUDGET` when
    /// `None`); zero sends one file per turn of the main loop, for tests of
    /// a publish that is left for later turns.
    #[doc(hidden)]
    pub publish_budget: Option<Duration>,
}

/// How the session ended, for the process's exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `exit` (or the end of input) after `shutdown`: exit code 0.
    AfterShutdown,
    /// `exit` or the end of input without `shutdown`: exit code 1.
    WithoutShutdown,
}

/// Serves one client on `connection` until `exit` or the end of input.
pub fn serve(connection: Connection, options: Options) -> anyhow::Result<Exit> {
    serve_on(connection, options, false)
}

/// `serve` on the stdio connection, whose writer takes serialised bodies
/// (`lsp::body`).
pub(crate) fn serve_stdio(connection: Connection, options: Options) -> anyhow::Result<Exit> {
    serve_on(connection, options, true)
}

fn serve_on(connection: Connection, options: Options, writes_bodies: bool) -> anyhow::Result<Exit> {
    let (watch_sender, watch_receiver) = crossbeam_channel::unbounded();
    let (index_sender, index_receiver) = crossbeam_channel::unbounded();
    let (fresh_sender, fresh_receiver) = crossbeam_channel::unbounded();
    let (helm_sender, helm_receiver) = crossbeam_channel::unbounded();
    let mut server = Server {
        sender: connection.sender,
        writes_bodies,
        receiver: connection.receiver,
        watch_sender,
        watch_receiver,
        options,
        phase: Phase::Uninitialized,
        queue: VecDeque::new(),
        canceled: HashSet::new(),
        outgoing: lsp_server::ReqQueue::default(),
        host: Host::default(),
        unpublished: BTreeSet::new(),
        publish_rest: BTreeSet::new(),
        documents: Documents::default(),
        lens_lists: LensLists::default(),
        publisher: Publisher::default(),
        dirty_since: None,
        encoding: PositionEncoding::Utf16,
        client: ClientSupport::default(),
        disk: DiskView::default(),
        indexing: Vec::new(),
        progress_tokens: 0,
        changed_while_reading: FxHashSet::default(),
        index_sender,
        index_receiver,
        fresh_sender,
        fresh_receiver,
        helm_sender,
        helm_receiver,
        renders: HashMap::new(),
        render_tickets: 0,
        helm_missing_logged: false,
        renders_hold_until: None,
        settings: Settings::default(),
        settings_from_initialization: false,
        shown_problems: Vec::new(),
        settings_logged: false,
    };
    let exit = server.main_loop();
    if writes_bodies {
        // Serving stdio, the process ends right after: freeing every file's
        // tree and objects one by one would only hold up the exit the editor
        // waits for (76–100 ms for 10,000 files). The connection's senders
        // still go with `server`, so that the writer finishes.
        std::mem::forget(std::mem::take(&mut server.host));
    }
    exit
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for `initialize`.
    Uninitialized,
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShutDown,
}

/// What the main loop handles: a client message, or paths that changed on
/// disk (from the fallback watcher).
enum Event {
    Message(Message),
    FilesChanged(Vec<PathBuf>),
    Indexed(Indexed),
    /// A fresh analysis of every file, from its worker thread (`None`: it failed).
    Fresh(u64, Option<Diagnostics>),
    /// A chart's render, from its worker thread.
    Rendered(helm::Rendered),
}

/// A request the server sent to the client, awaiting its answer.
#[derive(Debug)]
enum Outgoing {
    RegisterWatchedFiles,
    RegisterConfiguration,
    Configuration,
    CreateProgress,
    /// `workspace/inlayHint/refresh` or `workspace/codeLens/refresh`.
    Refresh,
}

struct Server {
    sender: Sender<Message>,
    /// Whether `sender` leads to the stdout writer, which takes serialised
    /// bodies as they are (`lsp::body`).
    writes_bodies: bool,
    receiver: Receiver<Message>,
    /// Kept so that the watch channel never disconnects, watcher or not.
    watch_sender: Sender<Vec<PathBuf>>,
    watch_receiver: Receiver<Vec<PathBuf>>,
    options: Options,
    phase: Phase,
    /// Messages taken off the channel (to look for cancellations) but not yet
    /// handled; they come before anything still in the channel.
    queue: VecDeque<Event>,
    /// Requests the client canceled before they were answered.
    canceled: HashSet<RequestId>,
    outgoing: lsp_server::ReqQueue<(), Outgoing>,
    host: Host,
    documents: Documents,
    /// The code lens lists answered for the current generation.
    lens_lists: LensLists,
    publisher: Publisher,
    /// Files whose findings changed since they were last published.
    unpublished: BTreeSet<FileId>,
    /// Files a publish left for a later turn (`PUBLISH_BUDGET`); their
    /// findings are known, so they need no new analysis.
    publish_rest: BTreeSet<FileId>,
    /// Since when diagnostics are out of date, if they are.
    dirty_since: Option<Instant>,
    encoding: PositionEncoding,
    client: ClientSupport,
    /// The roots, the files their walks listed, the fallback watcher.
    disk: DiskView,
    /// The folder reads still running: each one's cancel flag and the
    /// client's progress token for it.
    indexing: Vec<(Arc<AtomicBool>, Option<String>)>,
    /// Numbers the progress tokens.
    progress_tokens: u64,
    /// Paths that changed on disk while a read was running.
    changed_while_reading: FxHashSet<PathBuf>,
    /// Kept so that the index channel never disconnects.
    index_sender: Sender<Indexed>,
    index_receiver: Receiver<Indexed>,
    /// Fresh analyses from their worker threads; kept open the same way.
    fresh_sender: Sender<(u64, Option<Diagnostics>)>,
    fresh_receiver: Receiver<(u64, Option<Diagnostics>)>,
    /// Chart renders from their worker threads; kept open the same way.
    helm_sender: Sender<helm::Rendered>,
    helm_receiver: Receiver<helm::Rendered>,
    /// The render running for each chart: its ticket and cancel flag.
    renders: HashMap<PathBuf, (u64, Arc<AtomicBool>)>,
    render_tickets: u64,
    /// Whether the lack of a `helm` was logged (it is, once).
    helm_missing_logged: bool,
    /// Until when diagnostics wait for the renders a folder read started
    /// (as they wait for the read): a manifest tied to a rendered Service
    /// would flash `service-not-found` meanwhile.
    renders_hold_until: Option<Instant>,
    settings: Settings,
    settings_from_initialization: bool,
    /// The configuration problems last shown, so that they are not shown
    /// again on every settings change.
    shown_problems: Vec<String>,
    /// Whether the settings line is in the log: a change of roots alone
    /// logs the roots, not the settings again.
    settings_logged: bool,
}

/// Files read from disk on a worker thread, for the main loop to take in.
pub(super) struct Indexed {
    roots: Vec<PathBuf>,
    paths: Vec<PathBuf>,
    files: Vec<Arc<SourceFile>>,
    /// The index the workspace has with `files`, built with them.
    prepared: Option<Prepared>,
    cancel: Arc<AtomicBool>,
    /// The read of every root again: what it did not list is gone.
    replace: bool,
    /// How many times `prepared` was built (again when the workspace
    /// changed meanwhile).
    prepares: u8,
}

impl Server {
    fn main_loop(&mut self) -> anyhow::Result<Exit> {
        while let Some(event) = self.next_event() {
            let started = Instant::now();
            // Named only where the log would show it: not a `format!` per keystroke.
            let kind = tracing::enabled!(tracing::Level::DEBUG).then(|| event_kind(&event));
            match event {
                Event::Message(Message::Notification(notification)) if notification.method == "exit" => {
                    return Ok(self.exit_status());
                }
                Event::Message(Message::Request(request)) => self.on_request(request),
                Event::Message(Message::Notification(notification)) => self.on_notification(notification),
                Event::Message(Message::Response(response)) => self.on_response(response),
                Event::FilesChanged(paths) => {
                    let paths = self.more_changed_paths(paths);
                    self.guarded("file changes", |server| server.on_files_changed(paths));
                }
                Event::Indexed(indexed) => self.guarded("files read", |server| server.on_indexed(indexed)),
                Event::Fresh(ticket, diagnostics) => {
                    self.guarded("the analysis", |server| server.on_fresh(ticket, diagnostics))
                }
                Event::Rendered(rendered) => self.guarded("a chart render", |server| server.on_rendered(rendered)),
            }
            // A turn that holds the loop delays every request behind it:
            // logged, to find what does (the hover while indexing).
            let elapsed = started.elapsed();
            if let Some(kind) = kind.filter(|_| elapsed >= SLOW_TURN) {
                tracing::debug!("main loop: {kind} held the loop for {elapsed:?}");
            }
        }
        tracing::info!("the client closed the connection");
        Ok(self.exit_status())
    }

    fn exit_status(&self) -> Exit {
        if self.phase == Phase::ShutDown {
            Exit::AfterShutdown
        } else {
            tracing::warn!("exiting without `shutdown`");
            Exit::WithoutShutdown
        }
    }

    /// The next event; publishes diagnostics first when the input is quiet,
    /// or when they have waited too long.
    fn next_event(&mut self) -> Option<Event> {
        loop {
            if self.dirty_since.is_some_and(|since| since.elapsed() >= PUBLISH_AFTER) && self.may_publish() {
                self.publish_diagnostics();
            }
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            match self.receiver.try_recv() {
                Ok(message) => return Some(Event::Message(message)),
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => {}
            }
            if let Ok(paths) = self.watch_receiver.try_recv() {
                return Some(Event::FilesChanged(paths));
            }
            if let Ok(indexed) = self.index_receiver.try_recv() {
                return Some(Event::Indexed(indexed));
            }
            if let Ok((ticket, diagnostics)) = self.fresh_receiver.try_recv() {
                return Some(Event::Fresh(ticket, diagnostics));
            }
            if let Ok(rendered) = self.helm_receiver.try_recv() {
                return Some(Event::Rendered(rendered));
            }
            if self.dirty_since.is_some() && self.may_publish() {
                self.publish_diagnostics();
                if self.dirty_since.is_some() {
                    // The publish left files for another turn (each turn
                    // sends one at least): what arrived meanwhile goes first.
                    continue;
                }
            }
            return crossbeam_channel::select! {
                recv(self.receiver) -> message => message.ok().map(Event::Message),
                // Never disconnected: `watch_sender` lives as long as `self`.
                recv(self.watch_receiver) -> paths => Some(Event::FilesChanged(paths.unwrap_or_default())),
                // Never disconnected either: `index_sender` lives as long as `self`.
                recv(self.index_receiver) -> indexed => indexed.ok().map(Event::Indexed),
                // Nor this: `fresh_sender` lives as long as `self`.
                recv(self.fresh_receiver) -> fresh => fresh.ok().map(|(ticket, diagnostics)| Event::Fresh(ticket, diagnostics)),
                // Nor this: `helm_sender` lives as long as `self`.
                recv(self.helm_receiver) -> rendered => rendered.ok().map(Event::Rendered),
            };
        }
    }

    /// Diagnostics wait while folders are being read: until then a file's
    /// Service may simply not be read yet, and `service-not-found` would
    /// flash on a file opened early. Requests are answered meanwhile.
    fn may_publish(&self) -> bool {
        // After `shutdown` the client expects nothing more but the end.
        self.phase == Phase::Running && self.indexing.is_empty() && !self.host.is_pending() && !self.held_for_renders()
    }

    /// Takes every message already waiting into the queue, noting the
    /// requests they cancel.
    fn drain_channel(&mut self) {
        while let Ok(message) = self.receiver.try_recv() {
            if let Message::Notification(notification) = &message {
                if notification.method == Cancel::METHOD {
                    if let Some(id) = cancel_id(&notification.params) {
                        self.canceled.insert(id);
                    }
                }
            }
            self.queue.push_back(Event::Message(message));
        }
    }

    /// Merges the file-change batches already waiting into `paths`: one
    /// `git checkout` is one re-read, not hundreds.
    fn more_changed_paths(&mut self, mut paths: Vec<PathBuf>) -> Vec<PathBuf> {
        while let Ok(more) = self.watch_receiver.try_recv() {
            paths.extend(more);
        }
        paths
    }

    fn send(&self, message: impl Into<Message>) {
        if self.sender.send(message.into()).is_err() {
            tracing::warn!("cannot send to the client: the connection is closed");
        }
    }

    fn respond(&self, response: Response) {
        self.send(response);
    }

    fn answer_with(&self, answer: body::Answer) {
        match answer {
            body::Answer::Response(response) => self.respond(response),
            body::Answer::Body(text) => match body::message(text, self.writes_bodies) {
                Ok(message) => self.send(message),
                Err(error) => tracing::error!("a serialised answer is not JSON-RPC: {error}"),
            },
        }
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.respond(Response::new_err(id, code as i32, message));
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        match serde_json::to_value(params) {
            Ok(params) => self.send(Notification { method: N::METHOD.to_owned(), params }),
            Err(error) => tracing::error!("cannot serialise `{}`: {error}", N::METHOD),
        }
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params, kind: Outgoing) {
        let request = self.outgoing.outgoing.register(R::METHOD.to_owned(), params, kind);
        self.send(request);
    }

    /// Runs a state change, logging a panic instead of ending the server.
    fn guarded(&mut self, what: &str, change: impl FnOnce(&mut Server)) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| change(self))) {
            tracing::error!("handling {what} panicked: {}", panic_message(&*panic));
        }
    }

    fn mark_dirty(&mut self) {
        self.dirty_since.get_or_insert_with(Instant::now);
    }

    // Requests.

    fn on_request(&mut self, request: Request) {
        match self.phase {
            Phase::Uninitialized if request.method == "initialize" => self.on_initialize(request),
            Phase::Uninitialized => self.respond_error(
                request.id,
                ErrorCode::ServerNotInitialized,
                format!("`{}` before `initialize`", request.method),
            ),
            Phase::ShutDown => self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                format!("`{}` after `shutdown`", request.method),
            ),
            Phase::Running if request.method == "initialize" => {
                self.respond_error(request.id, ErrorCode::InvalidRequest, "already initialized".to_owned())
            }
            Phase::Running => {
                // A cancellation may already wait behind this request.
                self.drain_channel();
                if self.canceled.remove(&request.id) {
                    self.respond_error(request.id, ErrorCode::RequestCanceled, "canceled by the client".to_owned());
                    return;
                }
                if request.method == "shutdown" {
                    self.phase = Phase::ShutDown;
                    self.respond(handlers::ok(request.id, ()));
                    return;
                }
                self.answer(request);
            }
        }
    }

    /// Answers a request from the latest state, under a panic guard.
    fn answer(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let started = Instant::now();
        let test_requests = self.options.test_requests;
        let snapshot = self.analysis();
        // While a fresh analysis is out, the request's own file is checked
        // now (its documents and ties), so that hover and fixes are right.
        let for_file = self.host.is_pending().then(|| request_file(&request, &snapshot)).flatten();
        let partial = for_file.map(|file| Diagnostics::for_file(&snapshot, file));
        let response = catch_unwind(AssertUnwindSafe(|| {
            let cx = Context {
                snapshot,
                diagnostics: partial.as_ref().unwrap_or(self.host.diagnostics()),
                charts: self.host.charts(),
                documents: &self.documents,
                encoding: self.encoding,
                client: self.client,
                lens_lists: &self.lens_lists,
            };
            match handlers::handle_serialised(&cx, request) {
                Ok(answer) => answer,
                Err(request) => body::Answer::Response(handlers::handle(&cx, request, test_requests)),
            }
        }));
        let answer = response.unwrap_or_else(|panic| {
            let message = panic_message(&*panic);
            tracing::error!("the `{method}` handler panicked: {message}");
            body::Answer::Response(Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("kube-lsp failed on `{method}`: {message}"),
            ))
        });
        tracing::debug!("answered `{method}` in {:?}", started.elapsed());
        self.answer_with(answer);
    }

    fn on_initialize(&mut self, request: Request) {
        let params: InitializeParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(error) => {
                self.respond_error(
                    request.id,
                    ErrorCode::InvalidParams,
                    format!("invalid `initialize` params: {error}"),
                );
                return;
            }
        };
        self.encoding = convert::negotiate_encoding(&params.capabilities);
        self.client = ClientSupport::new(&params.capabilities);
        self.disk = DiskView::new(disk::workspace_folders(&params));
        if let Some(section) = params.initialization_options.as_ref().and_then(settings::kube_lsp_section) {
            self.settings.editor = section;
            self.settings_from_initialization = true;
        }
        self.settings.read_file(self.disk.config_file());
        tracing::info!(
            "initialized by {} with {}; positions in {}",
            params.client_info.as_ref().map_or("an unnamed client", |info| info.name.as_str()),
            match self.disk.folders() {
                [] => "no workspace folder".to_owned(),
                [one] => format!("the workspace folder {}", one.display()),
                many => format!(
                    "the workspace folders {}",
                    many.iter().map(|folder| folder.display().to_string()).collect::<Vec<_>>().join(", ")
                ),
            },
            match self.encoding {
                PositionEncoding::Utf8 => "UTF-8",
                PositionEncoding::Utf16 => "UTF-16",
                PositionEncoding::Utf32 => "UTF-32",
            }
        );
        let result = InitializeResult {
            capabilities: server_capabilities(self.encoding),
            server_info: Some(ServerInfo {
                name: "kube-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        };
        self.respond(handlers::ok(request.id, result));
        self.phase = Phase::Running;
        self.apply_settings();
    }

    // Notifications.

    fn on_notification(&mut self, notification: Notification) {
        if notification.method == INVALID_MESSAGE_METHOD {
            if let Some(id) = notification.params.get("id").and_then(|id| serde_json::from_value(id.clone()).ok()) {
                let message = notification.params.get("message").and_then(Value::as_str).unwrap_or("invalid message");
                self.respond_error(id, ErrorCode::InvalidRequest, message.to_owned());
            }
            return;
        }
        if notification.method == Cancel::METHOD {
            // A cancellation that is handled here came after its request was
            // answered (else `drain_channel` saw it first): nothing to do.
            if let Some(id) = cancel_id(&notification.params) {
                self.canceled.remove(&id);
            }
            return;
        }
        if self.phase != Phase::Running {
            tracing::debug!("ignoring `{}` while {:?}", notification.method, self.phase);
            return;
        }
        let method = notification.method.clone();
        self.guarded(&format!("`{method}`"), |server| server.handle_notification(notification));
    }

    fn handle_notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            "initialized" => self.on_initialized(),
            DidOpenTextDocument::METHOD => {
                if let Some(params) = parse_params::<DidOpenTextDocumentParams>(notification) {
                    self.on_did_open(params);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(params) = parse_params::<DidChangeTextDocumentParams>(notification) {
                    self.on_did_change(params);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(params) = parse_params::<DidSaveTextDocumentParams>(notification) {
                    let path = self.documents.remember(&params.text_document.uri);
                    self.render_chart_of(&path);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(params) = parse_params::<DidCloseTextDocumentParams>(notification) {
                    self.on_did_close(params);
                }
            }
            DidChangeConfiguration::METHOD => {
                if let Some(params) = parse_params::<DidChangeConfigurationParams>(notification) {
                    self.on_did_change_configuration(params);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Some(params) = parse_params::<DidChangeWatchedFilesParams>(notification) {
                    let paths = params.changes.iter().map(|change| self.documents.remember(&change.uri)).collect();
                    self.on_files_changed(paths);
                }
            }
            DidChangeWorkspaceFolders::METHOD => {
                if let Some(params) = parse_params::<DidChangeWorkspaceFoldersParams>(notification) {
                    self.on_did_change_workspace_folders(params);
                }
            }
            method => tracing::debug!("ignoring the notification `{method}`"),
        }
    }

    fn on_initialized(&mut self) {
        let mut registrations = Vec::new();
        if self.client.watched_files_registration {
            let watchers = ["**/*.{yaml,yml}", "**/*.tpl", "**/Kustomization", &format!("**/{CONFIG_FILE_NAME}")]
                .into_iter()
                .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_owned()), kind: None })
                .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            registrations.push((
                Registration {
                    id: "kube-lsp/watched-files".to_owned(),
                    method: DidChangeWatchedFiles::METHOD.to_owned(),
                    register_options: serde_json::to_value(options).ok(),
                },
                Outgoing::RegisterWatchedFiles,
            ));
        } else {
            self.start_watcher();
        }
        if self.client.configuration_registration {
            registrations.push((
                Registration {
                    id: "kube-lsp/configuration".to_owned(),
                    method: DidChangeConfiguration::METHOD.to_owned(),
                    register_options: None,
                },
                Outgoing::RegisterConfiguration,
            ));
        }
        // One request per registration, so that a refused one (answered with
        // an error) says which fallback to start.
        for (registration, kind) in registrations {
            self.request::<RegisterCapability>(RegistrationParams { registrations: vec![registration] }, kind);
        }
        if self.client.configuration_pull && !self.settings_from_initialization {
            self.pull_configuration();
        }
        let roots = self.disk.roots().to_vec();
        self.index(roots);
        self.mark_dirty();
    }

    fn on_did_change_configuration(&mut self, params: DidChangeConfigurationParams) {
        match settings::kube_lsp_section(&params.settings) {
            Some(section) => {
                self.settings.editor = section;
                self.apply_settings();
            }
            // The push-style settings are empty (VS Code sends `null` once
            // pulled settings changed): ask for them.
            None if self.client.configuration_pull => self.pull_configuration(),
            None => tracing::debug!("`didChangeConfiguration` without a `{}` section", settings::SECTION),
        }
    }

    // Responses to the server's requests.

    fn on_response(&mut self, response: Response) {
        let Some(kind) = self.outgoing.outgoing.complete(response.id.clone()) else {
            tracing::warn!("a response to an unknown request `{}`", response.id);
            return;
        };
        match (kind, response.response_result) {
            (Outgoing::RegisterWatchedFiles, Err(error)) => {
                tracing::warn!("the client refused to watch files ({}); watching them here", error.message);
                self.start_watcher();
            }
            (Outgoing::RegisterConfiguration, Err(error)) => {
                tracing::info!("the client refused configuration change notifications: {}", error.message);
            }
            (
                Outgoing::RegisterWatchedFiles
                | Outgoing::RegisterConfiguration
                | Outgoing::CreateProgress
                | Outgoing::Refresh,
                Ok(_),
            ) => {}
            (Outgoing::Refresh, Err(error)) => {
                tracing::debug!("the client refused to refresh hints or lenses: {}", error.message);
            }
            (Outgoing::CreateProgress, Err(error)) => {
                tracing::debug!("the client refused a progress token: {}", error.message);
            }
            (Outgoing::Configuration, Ok(result)) => {
                // One item was asked for: the `kubeLsp` section.
                let section = result.get(0).cloned().unwrap_or(Value::Null);
                let section = match &section {
                    Value::Object(map) if map.contains_key(settings::SECTION) => {
                        map.get(settings::SECTION).cloned().unwrap_or(Value::Null)
                    }
                    _ => section,
                };
                self.settings.editor = section;
                self.apply_settings();
            }
            (Outgoing::Configuration, Err(error)) => {
                tracing::warn!("the client did not send its settings: {}", error.message);
            }
        }
    }

    // Configuration.

    fn pull_configuration(&mut self) {
        let params = ConfigurationParams {
            items: vec![ConfigurationItem { scope_uri: None, section: Some(settings::SECTION.to_owned()) }],
        };
        self.request::<WorkspaceConfiguration>(params, Outgoing::Configuration);
    }

    /// Recomputes the configuration from its layers; re-reads the folders
    /// when what is read changed.
    fn apply_settings(&mut self) {
        let (mut config, problems) = self.settings.config();
        config.roots = self.disk.roots().to_vec();
        if problems != self.shown_problems {
            if !problems.is_empty() {
                tracing::warn!("invalid settings ignored: {}", problems.join("; "));
                self.notify::<ShowMessage>(ShowMessageParams {
                    typ: MessageType::WARNING,
                    message: format!("kube-lsp: invalid settings ignored: {}", problems.join("; ")),
                });
            }
            self.shown_problems = problems;
        }
        let previous = self.host.workspace().config();
        if *previous == config {
            return;
        }
        let reread = previous.exclude != config.exclude || previous.max_file_size != config.max_file_size;
        let views_changed = previous.inlay_hints != config.inlay_hints || previous.code_lens != config.code_lens;
        let mut same_but_roots = config.clone();
        same_but_roots.roots.clone_from(&previous.roots);
        if self.settings_logged && same_but_roots == *previous {
            // A folder added (a file opened outside every workspace folder):
            // the settings line would say nothing new.
            tracing::info!(
                "workspace roots: {}",
                config.roots.iter().map(|root| root.display().to_string()).collect::<Vec<_>>().join(", ")
            );
        } else {
            log_settings(&config);
            self.settings_logged = true;
        }
        let helm_changed = previous.helm != config.helm || previous.default_namespace != config.default_namespace;
        self.host.workspace_mut().set_config(config);
        if helm_changed {
            self.render_charts_again();
        }
        if reread && self.disk.has_listed() {
            self.reindex();
        }
        if views_changed {
            // The client keeps the hints and lenses it has until asked to
            // fetch them again.
            self.refresh_views();
        }
        self.mark_dirty();
    }

    /// Asks the client to fetch inlay hints and code lenses again, where it
    /// can: they show the state of ties that an edit elsewhere may change.
    fn refresh_views(&mut self) {
        if self.client.inlay_hint_refresh {
            self.request::<InlayHintRefreshRequest>((), Outgoing::Refresh);
        }
        if self.client.code_lens_refresh {
            self.request::<CodeLensRefresh>((), Outgoing::Refresh);
        }
    }

    // Diagnostics.

    /// The latest snapshot, with the diagnostics brought up to it (the
    /// files whose findings changed wait to be published); a fresh analysis
    /// of every file goes to a worker thread, and the diagnostics stay
    /// behind until it is back (`on_fresh`).
    fn analysis(&mut self) -> Snapshot {
        match catch_unwind(AssertUnwindSafe(|| self.host.begin_update())) {
            Ok(Update::Current(snapshot, changed)) => {
                self.unpublished.extend(changed);
                snapshot
            }
            Ok(Update::Fresh(snapshot, ticket)) => {
                self.spawn_fresh(snapshot.clone(), ticket);
                snapshot
            }
            Ok(Update::Pending(snapshot)) => snapshot,
            Err(panic) => {
                tracing::error!("checking the workspace panicked: {}", panic_message(&*panic));
                // The cache may be half updated: start it afresh next time.
                self.host.workspace_mut().mark_everything_changed();
                self.host.workspace_mut().snapshot()
            }
        }
    }

    fn spawn_fresh(&mut self, snapshot: Snapshot, ticket: u64) {
        let sender = self.fresh_sender.clone();
        let spawned = std::thread::Builder::new().name("kube-lsp analysis".to_owned()).spawn(move || {
            let started = Instant::now();
            // On the background pool: see `workspace::in_background`.
            let diagnostics = catch_unwind(AssertUnwindSafe(|| in_background(|| Diagnostics::of(&snapshot))));
            if let Err(panic) = &diagnostics {
                tracing::error!("checking the workspace panicked: {}", panic_message(&**panic));
            }
            tracing::debug!("checked every file in {:?}", started.elapsed());
            // The main loop is gone when this fails; nothing to do.
            let _ = sender.send((ticket, diagnostics.ok()));
        });
        if let Err(error) = spawned {
            tracing::warn!("cannot start a thread for the analysis ({error}); running it here");
            let diagnostics = Diagnostics::of(&self.host.workspace_mut().snapshot());
            self.on_fresh(ticket, Some(diagnostics));
        }
    }

    /// A fresh analysis is back: it replaces the diagnostics (unless a newer
    /// one replaced it meanwhile), and the changes since are checked next.
    fn on_fresh(&mut self, ticket: u64, diagnostics: Option<Diagnostics>) {
        match diagnostics {
            Some(diagnostics) => {
                if let Some(changed) = self.host.finish_fresh(ticket, diagnostics) {
                    self.unpublished.extend(changed);
                    self.mark_dirty();
                }
            }
            None => self.host.abandon_fresh(ticket),
        }
    }

    fn publish_diagnostics(&mut self) {
        self.dirty_since = None;
        let started = Instant::now();
        let snapshot = self.analysis();
        if self.host.is_pending() {
            // A fresh analysis just went out: publish when it is back.
            return;
        }
        let mut changed = std::mem::take(&mut self.unpublished);
        // Findings that changed may be a tie that changed state, which the
        // hints and lenses of other files show (a Service made headless in
        // one file changes the hint in the StatefulSet's). The files a
        // publish left were in a list already refreshed for.
        let ties_may_have_changed = !changed.is_empty();
        changed.append(&mut self.publish_rest);
        let (sender, writes_bodies) = (self.sender.clone(), self.writes_bodies);
        let send = |body: String| match body::message(body, writes_bodies) {
            Ok(message) => {
                if sender.send(message).is_err() {
                    tracing::warn!("cannot send to the client: the connection is closed");
                }
            }
            Err(error) => tracing::error!("a serialised notification is not JSON-RPC: {error}"),
        };
        let deadline = Instant::now() + self.options.publish_budget.unwrap_or(PUBLISH_BUDGET);
        let published = catch_unwind(AssertUnwindSafe(|| {
            let batch = Batch { changed: &changed, deadline };
            self.publisher.update(&snapshot, &self.host, batch, &self.documents, self.encoding, send)
        }));
        match published {
            Ok((count, left)) => {
                tracing::debug!(
                    "published diagnostics of {count} files in {:?}{}",
                    started.elapsed(),
                    if left.is_empty() { String::new() } else { format!(", {} left for the next turn", left.len()) }
                );
                if !left.is_empty() {
                    self.publish_rest = left;
                    self.mark_dirty();
                }
                if ties_may_have_changed {
                    self.refresh_views();
                }
            }
            Err(panic) => tracing::error!("checking the workspace panicked: {}", panic_message(&*panic)),
        }
    }
}

/// The settings in force, one line in the log.
fn log_settings(config: &crate::config::Config) {
    tracing::info!(
        "settings: cluster domain {}, default namespace {}, {}, files up to {} bytes, {}",
        config.cluster_domain,
        config.default_namespace,
        if config.rules.is_empty() {
            "every rule at its default level".to_owned()
        } else {
            format!(
                "rules {}",
                config
                    .rules
                    .iter()
                    .map(|(code, level)| format!("{code} {}", level.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        config.max_file_size,
        if config.exclude.is_empty() {
            "nothing excluded".to_owned()
        } else {
            format!("excluding {}", config.exclude.join(", "))
        }
    );
}

fn server_capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            // A save renders the chart the file belongs to.
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        // Resolved one by one: a client resolves the lenses it shows.
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(true) }),
        document_highlight_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            // After `serviceName:` and its space, the Services are offered
            // without the user asking.
            trigger_characters: Some(vec![":".to_owned(), " ".to_owned()]),
            ..CompletionOptions::default()
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

/// The file a request is about (`textDocument.uri`), if the workspace has it.
fn request_file(request: &Request, snapshot: &Snapshot) -> Option<FileId> {
    let uri = request.params.get("textDocument")?.get("uri")?.as_str()?;
    let uri = lsp_types::Url::parse(uri).ok()?;
    snapshot.file_id(&convert::uri_to_path(&uri))
}

fn parse_params<P: serde::de::DeserializeOwned>(notification: Notification) -> Option<P> {
    match serde_json::from_value(notification.params) {
        Ok(params) => Some(params),
        Err(error) => {
            tracing::warn!("ignoring `{}` with invalid params: {error}", notification.method);
            None
        }
    }
}

fn cancel_id(params: &Value) -> Option<RequestId> {
    let params: CancelParams = serde_json::from_value(params.clone()).ok()?;
    Some(match params.id {
        NumberOrString::Number(number) => RequestId::from(number),
        NumberOrString::String(string) => RequestId::from(string),
    })
}

pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "unknown panic".to_owned()
    }
}
