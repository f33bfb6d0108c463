//! Request handlers. Each has the same three steps: convert in (URI →
//! `FileId`, position → byte offset), ask `ide`, convert out.
//!
//! Handlers read one snapshot of the latest text and change nothing; they do
//! not know about the main loop, cancellation or panics (the caller catches
//! those).

use std::collections::HashMap;
use std::rc::Rc;

use lsp_server::{ErrorCode, Request, RequestId, Response};
use lsp_types::request::{
    CodeActionRequest, CodeLensRequest, CodeLensResolve, Completion, DocumentHighlightRequest, DocumentSymbolRequest,
    GotoDefinition, HoverRequest, InlayHintRequest, PrepareRenameRequest, References, Rename, Request as _,
    WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeLens, CodeLensParams, Command,
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit, DocumentChanges,
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, DocumentSymbol, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, InlayHint,
    InlayHintLabel, InlayHintParams, Location, LocationLink, MarkupContent, MarkupKind, OneOf,
    OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse, ReferenceParams, RenameParams, SymbolInformation,
    TextDocumentEdit, TextDocumentPositionParams, TextEdit, Url, WorkspaceEdit, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::body::{self, Answer};
use super::convert::{self, LineMap};
use super::documents::Documents;
use super::lens_lists::{LensLists, ListKey};
use crate::ide::{self, Diagnostics, FileEdit};
use crate::syntax::TextRange;
use crate::text::PositionEncoding;
use crate::workspace::{DocumentSlot, FileId, Snapshot, SourceFile};

/// A request whose handler panics on purpose, answered only when the server
/// was started with `Options::test_requests`, so that tests can prove a
/// panicking handler costs one error response and nothing more.
pub(crate) const TEST_PANIC_METHOD: &str = "kubeLsp/testPanic";

/// A request that holds the main loop for `{"ms": N}` milliseconds, answered
/// only with `Options::test_requests`: tests queue messages behind it to
/// prove that a request canceled while queued is answered `RequestCanceled`.
pub(crate) const TEST_SLEEP_METHOD: &str = "kubeLsp/testSleep";

/// A request answered with the server's current text of
/// `{"textDocument": {"uri": ...}}` (as the client would have it: byte order
/// mark included), or `null`, only with `Options::test_requests`: tests of
/// incremental sync compare it with the client's copy.
pub(crate) const TEST_DOCUMENT_TEXT_METHOD: &str = "kubeLsp/testDocumentText";

/// The command of a code lens: VS Code's own references view, which takes a
/// URI, a position and the locations (its extension's middleware turns the
/// JSON into its types; other clients get everything they need in the
/// arguments to show the list themselves).
pub(crate) const SHOW_REFERENCES_COMMAND: &str = "editor.action.showReferences";

/// What the client can take, read once from its capabilities.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ClientSupport {
    pub(crate) watched_files_registration: bool,
    pub(crate) configuration_registration: bool,
    pub(crate) configuration_pull: bool,
    pub(crate) document_changes: bool,
    pub(crate) definition_links: bool,
    pub(crate) hierarchical_symbols: bool,
    pub(crate) work_done_progress: bool,
    pub(crate) inlay_hint_refresh: bool,
    pub(crate) code_lens_refresh: bool,
}

impl ClientSupport {
    pub(crate) fn new(capabilities: &lsp_types::ClientCapabilities) -> ClientSupport {
        let workspace = capabilities.workspace.as_ref();
        let text_document = capabilities.text_document.as_ref();
        ClientSupport {
            watched_files_registration: workspace
                .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                .and_then(|watched| watched.dynamic_registration)
                .unwrap_or(false),
            configuration_registration: workspace
                .and_then(|workspace| workspace.did_change_configuration.as_ref())
                .and_then(|configuration| configuration.dynamic_registration)
                .unwrap_or(false),
            configuration_pull: workspace.and_then(|workspace| workspace.configuration).unwrap_or(false),
            document_changes: workspace
                .and_then(|workspace| workspace.workspace_edit.as_ref())
                .and_then(|edit| edit.document_changes)
                .unwrap_or(false),
            definition_links: text_document
                .and_then(|text_document| text_document.definition.as_ref())
                .and_then(|definition| definition.link_support)
                .unwrap_or(false),
            work_done_progress: capabilities
                .window
                .as_ref()
                .and_then(|window| window.work_done_progress)
                .unwrap_or(false),
            inlay_hint_refresh: workspace
                .and_then(|workspace| workspace.inlay_hint.as_ref())
                .and_then(|inlay_hint| inlay_hint.refresh_support)
                .unwrap_or(false),
            code_lens_refresh: workspace
                .and_then(|workspace| workspace.code_lens.as_ref())
                .and_then(|code_lens| code_lens.refresh_support)
                .unwrap_or(false),
            hierarchical_symbols: text_document
                .and_then(|text_document| text_document.document_symbol.as_ref())
                .and_then(|symbols| symbols.hierarchical_document_symbol_support)
                .unwrap_or(false),
        }
    }
}

/// Everything a handler may read.
pub(crate) struct Context<'a> {
    pub(crate) snapshot: Snapshot,
    pub(crate) diagnostics: &'a Diagnostics,
    /// The charts' renders, for hover on template lines.
    pub(crate) charts: &'a ide::helm::Charts,
    pub(crate) documents: &'a Documents,
    pub(crate) encoding: PositionEncoding,
    pub(crate) client: ClientSupport,
    pub(crate) lens_lists: &'a LensLists,
}

impl Context<'_> {
    /// The file a URI names, if the workspace has it.
    fn file(&self, uri: &Url) -> Option<(FileId, &SourceFile)> {
        let id = self.snapshot.file_id(&convert::uri_to_path(uri))?;
        Some((id, self.snapshot.file(id)?))
    }

    fn line_map<'f>(&self, file: &'f SourceFile) -> LineMap<'f> {
        LineMap::of_file(file, self.encoding, self.documents.has_bom(&file.path))
    }

    /// The file and byte offset of a position.
    fn offset(&self, position: &TextDocumentPositionParams) -> Option<(FileId, usize)> {
        let (id, file) = self.file(&position.text_document.uri)?;
        Some((id, self.line_map(file).offset(position.position)))
    }

    fn uri(&self, id: FileId) -> Option<Url> {
        self.documents.uri(&self.snapshot.file(id)?.path)
    }

    fn location(&self, id: FileId, range: TextRange) -> Option<Location> {
        // A place in a chart's render is shown on its template.
        let (id, range) = self.charts.place(&self.snapshot, id, range).unwrap_or((id, range));
        let file = self.snapshot.file(id)?;
        Some(Location { uri: self.documents.uri(&file.path)?, range: self.line_map(file).range(range) })
    }

    fn workspace_edit(&self, file_edits: &[FileEdit]) -> WorkspaceEdit {
        let mut document_edits = Vec::new();
        for file_edit in file_edits {
            let Some(file) = self.snapshot.file(file_edit.file) else { continue };
            // A chart's render is no file to edit (its templates are).
            if ide::helm::is_rendered_path(&file.path) {
                continue;
            }
            let Some(uri) = self.documents.uri(&file.path) else { continue };
            let line_map = self.line_map(file);
            let edits: Vec<TextEdit> = file_edit
                .edits
                .iter()
                .map(|edit| TextEdit { range: line_map.range(edit.range), new_text: edit.new_text.clone() })
                .collect();
            document_edits.push((uri, file.version, edits));
        }
        if self.client.document_changes {
            // Versioned, so that the client refuses the edit if the buffer
            // changed after it asked.
            let edits = document_edits
                .into_iter()
                .map(|(uri, version, edits)| TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                })
                .collect();
            WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(edits)), ..WorkspaceEdit::default() }
        } else {
            let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
            for (uri, _, edits) in document_edits {
                changes.entry(uri).or_default().extend(edits);
            }
            WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }
        }
    }
}

/// An error answer.
pub(crate) struct HandlerError {
    code: i32,
    message: String,
}

impl HandlerError {
    fn failed(message: String) -> HandlerError {
        HandlerError { code: ErrorCode::RequestFailed as i32, message }
    }
}

/// Answers one request (other than the lifecycle ones the main loop owns).
pub(crate) fn handle(cx: &Context<'_>, request: Request, test_requests: bool) -> Response {
    match request.method.as_str() {
        HoverRequest::METHOD => answer::<HoverRequest>(request, |params| hover(cx, params)),
        CodeActionRequest::METHOD => answer::<CodeActionRequest>(request, |params| code_action(cx, params)),
        GotoDefinition::METHOD => answer::<GotoDefinition>(request, |params| definition(cx, params)),
        References::METHOD => answer::<References>(request, |params| references(cx, params)),
        WorkspaceSymbolRequest::METHOD => {
            answer::<WorkspaceSymbolRequest>(request, |params| workspace_symbols(cx, params))
        }
        PrepareRenameRequest::METHOD => answer::<PrepareRenameRequest>(request, |params| prepare_rename(cx, params)),
        Rename::METHOD => answer::<Rename>(request, |params| rename(cx, params)),
        Completion::METHOD => answer::<Completion>(request, |params| completion(cx, params)),
        InlayHintRequest::METHOD => answer::<InlayHintRequest>(request, |params| inlay_hints(cx, params)),
        CodeLensResolve::METHOD => answer::<CodeLensResolve>(request, |params| resolve_code_lens(cx, params)),
        DocumentHighlightRequest::METHOD => {
            answer::<DocumentHighlightRequest>(request, |params| document_highlights(cx, params))
        }
        TEST_PANIC_METHOD if test_requests => panic!("`{TEST_PANIC_METHOD}` panics on purpose"),
        TEST_DOCUMENT_TEXT_METHOD if test_requests => {
            let text = request
                .params
                .get("textDocument")
                .and_then(|document| document.get("uri"))
                .and_then(serde_json::Value::as_str)
                .and_then(|uri| Url::parse(uri).ok())
                .and_then(|uri| cx.file(&uri))
                .map(|(_, file)| {
                    if cx.documents.has_bom(&file.path) {
                        format!("\u{FEFF}{}", file.text)
                    } else {
                        file.text.clone()
                    }
                });
            ok(request.id, text)
        }
        TEST_SLEEP_METHOD if test_requests => {
            let ms = request.params.get("ms").and_then(serde_json::Value::as_u64).unwrap_or(0).min(10_000);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            ok(request.id, ())
        }
        method => {
            Response::new_err(request.id, ErrorCode::MethodNotFound as i32, format!("unknown request `{method}`"))
        }
    }
}

/// Answers the requests whose results can be large (`textDocument/codeLens`,
/// every lens of a document) serialised straight to the body (`lsp::body`);
/// gives any other request back.
pub(crate) fn handle_serialised(cx: &Context<'_>, request: Request) -> Result<Answer, Request> {
    match request.method.as_str() {
        CodeLensRequest::METHOD => {
            Ok(answer_serialised::<CodeLensRequest>(request, |params| code_lens_list(cx, params)))
        }
        // A symbol per object: thousands in a large file, asked for after
        // edits (the outline, breadcrumbs). As a `Value` tree, serialised
        // again on the stdout thread, they cost several times the answer.
        DocumentSymbolRequest::METHOD => {
            Ok(answer_serialised::<DocumentSymbolRequest>(request, |params| match document_symbols(cx, params)? {
                None => Ok(None),
                Some(symbols) => serde_json::to_string(&symbols)
                    .map(|json| Some(Rc::from(json)))
                    .map_err(|error| HandlerError::failed(format!("cannot write the symbols: {error}"))),
            }))
        }
        _ => Err(request),
    }
}

/// `answer`, for a handler that gives its result serialised (`None`: null).
fn answer_serialised<R>(
    request: Request,
    handler: impl FnOnce(R::Params) -> Result<Option<Rc<str>>, HandlerError>,
) -> Answer
where
    R: lsp_types::request::Request,
    R::Params: DeserializeOwned,
{
    let id = request.id;
    let params = match serde_json::from_value::<R::Params>(request.params) {
        Ok(params) => params,
        Err(error) => {
            return Answer::Response(Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("invalid `{}` params: {error}", R::METHOD),
            ))
        }
    };
    match handler(params) {
        Ok(result) => body::success_json(&id, result.as_deref()),
        Err(error) => Answer::Response(Response::new_err(id, error.code, error.message)),
    }
}

fn answer<R>(request: Request, handler: impl FnOnce(R::Params) -> Result<R::Result, HandlerError>) -> Response
where
    R: lsp_types::request::Request,
    R::Params: DeserializeOwned,
    R::Result: Serialize,
{
    let id = request.id;
    let params = match serde_json::from_value::<R::Params>(request.params) {
        Ok(params) => params,
        Err(error) => {
            return Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("invalid `{}` params: {error}", R::METHOD),
            )
        }
    };
    match handler(params) {
        Ok(result) => ok(id, result),
        Err(error) => Response::new_err(id, error.code, error.message),
    }
}

/// A success answer; `Response::new_ok` would panic on a value that cannot
/// be serialised.
pub(crate) fn ok(id: RequestId, result: impl Serialize) -> Response {
    match serde_json::to_value(result) {
        Ok(value) => Response { id, response_result: Ok(value) },
        Err(error) => {
            Response::new_err(id, ErrorCode::InternalError as i32, format!("cannot serialise the answer: {error}"))
        }
    }
}

fn hover(cx: &Context<'_>, params: HoverParams) -> Result<Option<Hover>, HandlerError> {
    let Some((file, offset)) = cx.offset(&params.text_document_position_params) else { return Ok(None) };
    let result = ide::hover(&cx.snapshot, cx.diagnostics, file, offset)
        .or_else(|| ide::helm::hover(&cx.snapshot, cx.diagnostics, cx.charts, file, offset));
    let Some(result) = result else { return Ok(None) };
    let line_map = cx.snapshot.file(file).map(|source| cx.line_map(source));
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: result.markdown }),
        range: line_map.map(|line_map| line_map.range(result.range)),
    }))
}

fn code_action(cx: &Context<'_>, params: CodeActionParams) -> Result<Option<Vec<CodeActionOrCommand>>, HandlerError> {
    if let Some(only) = &params.context.only {
        // `only: ["quickfix"]`, `["quickfix.x"]`'s parent, or `[""]` take
        // quick fixes; `["refactor"]` or `["source.organizeImports"]` do not.
        let quickfix_kind = CodeActionKind::QUICKFIX;
        let quickfix = quickfix_kind.as_str();
        let wanted = only.iter().any(|kind| {
            let kind = kind.as_str();
            kind.is_empty() || kind == quickfix || quickfix.starts_with(&format!("{kind}."))
        });
        if !wanted {
            return Ok(Some(Vec::new()));
        }
    }
    let Some((file, source)) = cx.file(&params.text_document.uri) else { return Ok(None) };
    let line_map = cx.line_map(source);
    let range = line_map.text_range(params.range);
    let locate = |related: &ide::Related| cx.location(related.file, related.range);
    let actions = ide::code_actions(&cx.snapshot, cx.diagnostics, file, range)
        .into_iter()
        .map(|action| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert::diagnostic(&action.finding, &line_map, locate)]),
                edit: Some(cx.workspace_edit(&action.edits)),
                is_preferred: Some(action.is_preferred),
                ..CodeAction::default()
            })
        })
        .collect();
    Ok(Some(actions))
}

fn definition(cx: &Context<'_>, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>, HandlerError> {
    let position = &params.text_document_position_params;
    let Some((file, offset)) = cx.offset(position) else { return Ok(None) };
    let targets = ide::goto_definition(&cx.snapshot, file, offset);
    if targets.is_empty() {
        return Ok(None);
    }
    if cx.client.definition_links {
        let links = targets
            .iter()
            .filter_map(|target| {
                let source = cx.snapshot.file(target.file)?;
                let line_map = cx.line_map(source);
                // The selection must lie inside the target range.
                let focus =
                    if target.range.start <= target.focus_range.start && target.focus_range.end <= target.range.end {
                        target.focus_range
                    } else {
                        target.range
                    };
                Some(LocationLink {
                    origin_selection_range: None,
                    target_uri: cx.uri(target.file)?,
                    target_range: line_map.range(target.range),
                    target_selection_range: line_map.range(focus),
                })
            })
            .collect();
        return Ok(Some(GotoDefinitionResponse::Link(links)));
    }
    let locations = targets.iter().filter_map(|target| cx.location(target.file, target.focus_range)).collect();
    Ok(Some(GotoDefinitionResponse::Array(locations)))
}

fn references(cx: &Context<'_>, params: ReferenceParams) -> Result<Option<Vec<Location>>, HandlerError> {
    let Some((file, offset)) = cx.offset(&params.text_document_position) else { return Ok(None) };
    let found = ide::references(&cx.snapshot, cx.diagnostics, file, offset, params.context.include_declaration);
    Ok(Some(found.into_iter().filter_map(|(file, range)| cx.location(file, range)).collect()))
}

fn document_symbols(
    cx: &Context<'_>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, HandlerError> {
    let Some((file, source)) = cx.file(&params.text_document.uri) else { return Ok(None) };
    let line_map = cx.line_map(source);
    let symbols = ide::document_symbols(&cx.snapshot, file);
    if cx.client.hierarchical_symbols {
        #[allow(deprecated)] // `deprecated` is a required field of the struct.
        let nested = symbols
            .into_iter()
            .map(|symbol| {
                // A client rejects a selection outside the symbol's range.
                let selection = if symbol.range.start <= symbol.selection_range.start
                    && symbol.selection_range.end <= symbol.range.end
                {
                    symbol.selection_range
                } else {
                    symbol.range
                };
                DocumentSymbol {
                    name: symbol.name,
                    detail: Some(symbol.namespace),
                    kind: convert::symbol_kind(&symbol.kind),
                    tags: None,
                    deprecated: None,
                    range: line_map.range(symbol.range),
                    selection_range: line_map.range(selection),
                    children: None,
                }
            })
            .collect();
        return Ok(Some(DocumentSymbolResponse::Nested(nested)));
    }
    let Some(uri) = cx.uri(file) else { return Ok(None) };
    #[allow(deprecated)]
    let flat = symbols
        .into_iter()
        .map(|symbol| SymbolInformation {
            kind: convert::symbol_kind(&symbol.kind),
            name: symbol.name,
            tags: None,
            deprecated: None,
            location: Location { uri: uri.clone(), range: line_map.range(symbol.range) },
            container_name: Some(symbol.namespace),
        })
        .collect();
    Ok(Some(DocumentSymbolResponse::Flat(flat)))
}

fn workspace_symbols(
    cx: &Context<'_>,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>, HandlerError> {
    #[allow(deprecated)]
    let symbols = ide::workspace_symbols(&cx.snapshot, &params.query)
        .into_iter()
        .filter_map(|symbol| {
            Some(SymbolInformation {
                kind: convert::symbol_kind(&symbol.kind),
                location: cx.location(symbol.file, symbol.selection_range)?,
                name: symbol.name,
                tags: None,
                deprecated: None,
                container_name: Some(symbol.namespace),
            })
        })
        .collect();
    Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
}

fn prepare_rename(
    cx: &Context<'_>,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, HandlerError> {
    let Some((file, offset)) = cx.offset(&params) else { return Ok(None) };
    let Some((range, placeholder)) = ide::prepare_rename(&cx.snapshot, file, offset) else { return Ok(None) };
    let Some(source) = cx.snapshot.file(file) else { return Ok(None) };
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder { range: cx.line_map(source).range(range), placeholder }))
}

fn rename(cx: &Context<'_>, params: RenameParams) -> Result<Option<WorkspaceEdit>, HandlerError> {
    let Some((file, offset)) = cx.offset(&params.text_document_position) else {
        return Err(HandlerError::failed("the document is not known to kube-lsp".to_owned()));
    };
    match ide::rename(&cx.snapshot, file, offset, &params.new_name) {
        Ok(edits) => Ok(Some(cx.workspace_edit(&edits))),
        Err(message) => Err(HandlerError::failed(message)),
    }
}

fn completion(cx: &Context<'_>, params: CompletionParams) -> Result<Option<CompletionResponse>, HandlerError> {
    let Some((file, offset)) = cx.offset(&params.text_document_position) else { return Ok(None) };
    let Some(source) = cx.snapshot.file(file) else { return Ok(None) };
    let line_map = cx.line_map(source);
    let items: Vec<CompletionItem> = ide::completions(&cx.snapshot, file, offset)
        .into_iter()
        .map(|item| CompletionItem {
            kind: Some(CompletionItemKind::REFERENCE),
            detail: Some(item.detail),
            sort_text: Some(item.sort_text),
            filter_text: Some(item.label.clone()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: line_map.range(item.replace_range),
                new_text: item.label.clone(),
            })),
            label: item.label,
            ..CompletionItem::default()
        })
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    Ok(Some(CompletionResponse::Array(items)))
}

fn inlay_hints(cx: &Context<'_>, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>, HandlerError> {
    if !cx.snapshot.config.inlay_hints {
        return Ok(None);
    }
    let Some((file, source)) = cx.file(&params.text_document.uri) else { return Ok(None) };
    let line_map = cx.line_map(source);
    let range = line_map.text_range(params.range);
    let hints = ide::inlay_hints(&cx.snapshot, cx.diagnostics, file, range)
        .into_iter()
        .map(|hint| InlayHint {
            position: line_map.position(hint.offset),
            label: InlayHintLabel::String(hint.label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect();
    Ok(Some(hints))
}

/// The places of a document's lenses, serialised: the client resolves the
/// ones it shows (see `ide::code_lens`). Kept, and made again from what
/// changed (`lens_lists`).
fn code_lens_list(cx: &Context<'_>, params: CodeLensParams) -> Result<Option<Rc<str>>, HandlerError> {
    if !cx.snapshot.config.code_lens {
        return Ok(None);
    }
    let Some((file, source)) = cx.file(&params.text_document.uri) else { return Ok(None) };
    if !ide::has_code_lenses(&cx.snapshot, file) {
        return Ok(Some(Rc::from("[]")));
    }
    let key = ListKey { file, encoding: cx.encoding, bom: cx.documents.has_bom(&source.path) };
    let places = |slot: &DocumentSlot| ide::document_lens_places(slot).collect();
    Ok(Some(cx.lens_lists.get_or_make(key, cx.snapshot.generation, source, &cx.line_map(source), places)))
}

fn resolve_code_lens(cx: &Context<'_>, mut lens: CodeLens) -> Result<CodeLens, HandlerError> {
    let file = lens.data.as_ref().and_then(serde_json::Value::as_u64).and_then(|id| u32::try_from(id).ok());
    let Some((file, source)) = file.map(FileId).and_then(|id| Some((id, cx.snapshot.file(id)?))) else {
        return Err(HandlerError::failed("the code lens names no file kube-lsp knows".to_owned()));
    };
    let Some(uri) = cx.uri(file) else {
        return Err(HandlerError::failed("the code lens names no open or indexed file".to_owned()));
    };
    let line_map = cx.line_map(source);
    let at = line_map.offset(lens.range.start);
    // The lens of the object whose name starts where the lens does; after
    // an edit that moved it, none, and the lens says so rather than counting
    // another object's references.
    let found = ide::code_lenses(&cx.snapshot, cx.diagnostics, file, crate::syntax::TextRange::empty(at))
        .into_iter()
        .find(|found| found.range.start == at);
    lens.command = Some(match found {
        Some(found) => {
            let locations: Vec<Location> =
                found.references.iter().filter_map(|&(file, range)| cx.location(file, range)).collect();
            // VS Code's `editor.action.showReferences` takes (uri, position,
            // locations); its extension converts them to its own types.
            let arguments =
                [serde_json::to_value(&uri), serde_json::to_value(lens.range.start), serde_json::to_value(locations)]
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
                    .ok();
            Command { title: found.title, command: SHOW_REFERENCES_COMMAND.to_owned(), arguments }
        }
        None => Command { title: "references: the file changed".to_owned(), command: String::new(), arguments: None },
    });
    Ok(lens)
}

fn document_highlights(
    cx: &Context<'_>,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>, HandlerError> {
    let Some((file, offset)) = cx.offset(&params.text_document_position_params) else { return Ok(None) };
    let Some(source) = cx.snapshot.file(file) else { return Ok(None) };
    let line_map = cx.line_map(source);
    let highlights = ide::highlights(&cx.snapshot, cx.diagnostics, file, offset)
        .into_iter()
        .map(|highlight| DocumentHighlight {
            range: line_map.range(highlight.range),
            // A definition writes the name, a `serviceName` reads it.
            kind: Some(match highlight.kind {
                ide::HighlightKind::Definition => DocumentHighlightKind::WRITE,
                ide::HighlightKind::Reference => DocumentHighlightKind::READ,
            }),
        })
        .collect();
    Ok(Some(highlights))
}
