// The playground page: an editor per file in tabs, the engine in a Web Worker
// (worker.js), its findings as squiggles and a list, hover cards, quick
// fixes, inlay hints, examples and a share link. `window.kubeLsp` drives it
// from tests and scripts (README "Playground").
import { EditorView, basicSetup } from "codemirror";
import { yaml } from "@codemirror/lang-yaml";
import { setDiagnostics, lintGutter } from "@codemirror/lint";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, WidgetType, hoverTooltip } from "@codemirror/view";
import { toOffset, toLineColumn, toChanges } from "./positions.js";
import { encodeFiles, decodeFiles } from "./share.js";
import { renderMarkdown } from "./markdown.js";

// ---- the worker -----------------------------------------------------------

let worker = null;
const pending = new Map();
let nextId = 1;
function startWorker() {
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = ({ data }) => {
    const request = pending.get(data.id);
    if (!request) return;
    pending.delete(data.id);
    if ("error" in data) request.reject(new Error(data.error));
    else request.resolve(data.result);
    if (data.fatal) restartWorker(data.error);
  };
}
/** After a trap in the engine: a new worker, given every buffer again. */
function restartWorker(reason) {
  console.warn(`kube-lsp engine stopped, restarting it: ${reason}`);
  worker.terminate();
  for (const request of pending.values()) request.reject(new Error("the engine restarted"));
  pending.clear();
  startWorker();
  ask("load", currentFiles()).then(() => scheduleRefresh(0), () => {});
}
startWorker();
/** Asks the engine; answers arrive in the order asked. */
function ask(method, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, method, args });
  });
}

// ---- inlay hints: widgets after the value they are about -------------------

class HintWidget extends WidgetType {
  constructor(label) {
    super();
    this.label = label;
  }
  eq(other) {
    return other.label === this.label;
  }
  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-inlay-hint";
    span.textContent = this.label;
    return span;
  }
}
const setHints = StateEffect.define();
const hintField = StateField.define({
  create: () => Decoration.none,
  update(hints, transaction) {
    hints = hints.map(transaction.changes);
    for (const effect of transaction.effects) if (effect.is(setHints)) hints = effect.value;
    return hints;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// ---- files and tabs ---------------------------------------------------------

const tabs = document.getElementById("tabs");
const editors = document.getElementById("editors");
const problems = document.getElementById("problems");
const summary = document.getElementById("summary");
/** path → EditorView, in tab order. */
const views = new Map();
let active = null;
/** Bumped on every edit: an answer computed before the latest edit is stale. */
let generation = 0;
/** Paths whose text the worker has not been sent yet. */
const unsent = new Set();
let refreshTimer = null;
let lastReport = { diagnostics: [], hints: {} };
let firstDiagnosticsMs = null;
let settled = Promise.resolve();

/** A file's editor, in a box of its own: the boxes are stacked and only the
 * active one is visible, so every editor keeps its size (and CodeMirror its
 * measurements) while its file is in the background. */
function makeView(path, text) {
  const box = document.createElement("div");
  box.className = "editor";
  box.dataset.path = path;
  editors.append(box);
  const view = new EditorView({
    parent: box,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        hintField,
        hoverTooltip((view, pos) => hoverAt(path, view, pos), { hoverTime: 250 }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            unsent.add(path);
            generation++;
            scheduleRefresh();
          }
        }),
      ],
    }),
  });
  return view;
}

function destroyView(view) {
  view.dom.parentElement?.remove();
  view.destroy();
}

function renderTabs() {
  tabs.replaceChildren();
  for (const path of views.keys()) {
    const tab = document.createElement("div");
    tab.className = "tab" + (path === active ? " active" : "");
    tab.dataset.path = path;
    const name = document.createElement("button");
    name.className = "tab-name";
    name.textContent = path;
    name.title = "Double-click to rename";
    name.onclick = () => show(path);
    name.ondblclick = () => renameInteractive(path);
    const count = lastReport.diagnostics.filter((finding) => finding.file === path).length;
    if (count) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(count);
      name.append(badge);
    }
    const close = document.createElement("button");
    close.className = "tab-close";
    close.textContent = "×";
    close.title = `Delete ${path}`;
    close.onclick = () => {
      if (confirm(`Delete ${path}?`)) removeFile(path);
    };
    tab.append(name, close);
    tabs.append(tab);
  }
  const add = document.createElement("button");
  add.className = "tab-add";
  add.textContent = "+";
  add.title = "Add a file";
  add.onclick = () => {
    const path = prompt("New file path", uniquePath("new.yaml"));
    if (path && !views.has(path)) addFile(path, "", true);
  };
  tabs.append(add);
}

function uniquePath(base) {
  let path = base;
  for (let n = 2; views.has(path); n++) path = base.replace(/(\.ya?ml)?$/, `-${n}$1`);
  return path;
}

function show(path) {
  if (!views.has(path)) return;
  active = path;
  for (const [candidate, view] of views) view.dom.parentElement.classList.toggle("active", candidate === path);
  renderTabs();
}

function addFile(path, text, focus) {
  views.set(path, makeView(path, text));
  unsent.add(path);
  if (focus || !active) show(path);
  renderTabs();
  scheduleRefresh(0);
}

function removeFile(path) {
  const view = views.get(path);
  if (!view) return;
  destroyView(view);
  views.delete(path);
  unsent.delete(path);
  generation++;
  ask("removeFile", path);
  if (active === path) active = views.keys().next().value ?? null;
  if (active) show(active);
  renderTabs();
  scheduleRefresh(0);
}

function renameFile(from, to) {
  if (!views.has(from) || views.has(to) || !to) return false;
  // Keep the tab order: rebuild the map with the new key in place.
  const entries = [...views].map(([path, view]) => [path === from ? to : path, view]);
  views.clear();
  for (const [path, view] of entries) views.set(path, view);
  // The view's listeners name their path: a new view under the new name.
  const old = views.get(to);
  const text = old.state.doc.toString();
  destroyView(old);
  views.set(to, makeView(to, text));
  unsent.delete(from);
  generation++;
  ask("renameFile", from, to);
  if (active === from) active = to;
  show(active);
  scheduleRefresh(0);
  return true;
}

function renameInteractive(path) {
  const to = prompt("Rename file", path);
  if (to && to !== path) renameFile(path, to);
}

function currentFiles() {
  return Object.fromEntries([...views].map(([path, view]) => [path, view.state.doc.toString()]));
}

/** Replaces every file. */
async function loadFiles(files) {
  for (const view of views.values()) destroyView(view);
  views.clear();
  unsent.clear();
  active = null;
  generation++;
  for (const [path, text] of Object.entries(files)) views.set(path, makeView(path, text));
  const first = views.keys().next().value ?? null;
  if (first) show(first);
  renderTabs();
  await ask("load", currentFiles());
  await refresh();
}

// ---- analysis ---------------------------------------------------------------

function scheduleRefresh(delay = 150) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    settled = refresh();
  }, delay);
}

/** Sends the edited files, then asks for findings, fixes and hints. */
async function flush() {
  const sends = [...unsent].map((path) => ask("setFile", path, views.get(path).state.doc.toString()));
  unsent.clear();
  await Promise.all(sends);
}

async function refresh() {
  const asked = generation;
  await flush();
  const report = await ask("report");
  if (asked !== generation) return; // an edit came meanwhile; its refresh follows
  lastReport = report;
  showReport(report);
  if (firstDiagnosticsMs === null) {
    firstDiagnosticsMs = Math.round(performance.now());
    document.body.dataset.firstDiagnosticsMs = String(firstDiagnosticsMs);
  }
  document.body.dataset.generation = String(generation);
  document.body.dataset.ready = "true";
}

const severityOf = { error: "error", warning: "warning", information: "info", hint: "hint" };

function showReport({ diagnostics, hints }) {
  for (const [path, view] of views) {
    const doc = view.state.doc;
    const mine = diagnostics.filter((finding) => finding.file === path);
    const squiggles = mine.map((finding) => ({
      from: toOffset(doc, finding.line, finding.column),
      to: toOffset(doc, finding.endLine, finding.endColumn),
      severity: severityOf[finding.severity] ?? "info",
      source: finding.code,
      message: finding.message,
      actions: finding.actions.map((action) => ({
        name: action.title,
        apply: () => applyEdits(action.edits),
      })),
    }));
    const widgets = (hints[path] ?? []).map((hint) =>
      Decoration.widget({ widget: new HintWidget(hint.label), side: 1 }).range(toOffset(doc, hint.line, hint.column)),
    );
    view.dispatch(setDiagnostics(view.state, squiggles), {
      effects: setHints.of(Decoration.set(widgets, true)),
    });
  }
  renderTabs();
  renderProblems(diagnostics);
}

function renderProblems(diagnostics) {
  problems.replaceChildren();
  const counts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const finding of diagnostics) {
    counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
    const row = document.createElement("li");
    row.className = `problem ${finding.severity}`;
    row.dataset.file = finding.file;
    row.dataset.code = finding.code;
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = `${finding.file}:${finding.line}:${finding.column}`;
    const code = document.createElement("a");
    code.className = "code";
    code.textContent = finding.code;
    code.href = `https://github.com/kube-lsp/kube-lsp#${finding.code}`;
    code.target = "_blank";
    code.rel = "noopener noreferrer";
    const message = document.createElement("span");
    message.className = "message";
    message.textContent = finding.message;
    row.append(where, " ", code, " ", message);
    for (const action of finding.actions) {
      const fix = document.createElement("button");
      fix.className = "fix";
      fix.textContent = action.title;
      fix.onclick = () => applyEdits(action.edits);
      row.append(" ", fix);
    }
    row.onclick = (event) => {
      if (event.target instanceof HTMLAnchorElement || event.target instanceof HTMLButtonElement) return;
      reveal(finding.file, finding.line, finding.column);
    };
    problems.append(row);
  }
  summary.textContent = diagnostics.length
    ? `${counts.error} errors, ${counts.warning} warnings, ${counts.information + counts.hint} notes`
    : "No problems";
}

function reveal(path, line, column) {
  const view = views.get(path);
  if (!view) return;
  show(path);
  const offset = toOffset(view.state.doc, line, column);
  view.dispatch({ selection: { anchor: offset }, scrollIntoView: true });
  view.focus();
}

/** Applies the engine's edits (`[{file, span, newText}]`) to the buffers. */
function applyEdits(edits) {
  const byFile = new Map();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  for (const [path, fileEdits] of byFile) {
    const view = views.get(path);
    if (view) view.dispatch({ changes: toChanges(view.state.doc, fileEdits), userEvent: "input.quickfix" });
  }
}

// ---- hover -----------------------------------------------------------------

async function hoverAt(path, view, pos) {
  await flush();
  const { line, column } = toLineColumn(view.state.doc, pos);
  const asked = generation;
  const hover = await ask("hover", path, line, column);
  if (!hover || asked !== generation) return null;
  const doc = view.state.doc;
  return {
    pos: toOffset(doc, hover.span.line, hover.span.column),
    end: toOffset(doc, hover.span.endLine, hover.span.endColumn),
    above: true,
    create() {
      const dom = document.createElement("div");
      dom.className = "hover-card";
      dom.innerHTML = renderMarkdown(hover.markdown);
      return { dom };
    },
  };
}

// ---- examples and the share link -------------------------------------------

const exampleSelect = document.getElementById("example");
const shareButton = document.getElementById("share");
const shareStatus = document.getElementById("share-status");
let examples = {};

async function loadExample(name) {
  const example = examples[name];
  if (!example) return false;
  exampleSelect.value = name;
  await loadFiles(example.files);
  return true;
}

exampleSelect.onchange = async () => {
  const url = new URL(location.href);
  url.searchParams.set("example", exampleSelect.value);
  url.hash = "";
  history.replaceState(null, "", url);
  await loadExample(exampleSelect.value);
};

async function shareLink() {
  await flush();
  const url = new URL(location.href);
  url.searchParams.delete("example");
  url.hash = await encodeFiles(currentFiles());
  history.replaceState(null, "", url);
  return url.href;
}

shareButton.onclick = async () => {
  const link = await shareLink();
  try {
    await navigator.clipboard.writeText(link);
    shareStatus.textContent = "Link copied";
  } catch {
    shareStatus.textContent = "Link in the address bar";
  }
  setTimeout(() => (shareStatus.textContent = ""), 3000);
};

window.addEventListener("hashchange", async () => {
  const files = await decodeFiles(location.hash);
  if (files) await loadFiles(files);
});

// ---- window.kubeLsp ----------------------------------------------------------

/** Waits until the worker has every edit and the page shows its findings. */
async function settle() {
  clearTimeout(refreshTimer);
  refreshTimer = null;
  await settled;
  settled = refresh();
  await settled;
}

window.kubeLsp = {
  /** Replaces every file with `files` (path → text); resolves once analysed. */
  load: (files) => loadFiles(files),
  /** path → text of every buffer. */
  files: async () => currentFiles(),
  /** The findings, exactly as `kube-lsp check --format json` prints them. */
  diagnostics: async () => {
    await settle();
    return ask("diagnostics");
  },
  /** The hover card's Markdown at a 1-based line and column, or null. */
  hover: async (path, line, column) => {
    await settle();
    const hover = await ask("hover", path, line, column);
    return hover ? hover.markdown : null;
  },
  /** The titles of the quick fixes at a 1-based line and column. */
  actions: async (path, line, column) => {
    await settle();
    return (await ask("actions", path, line, column)).map((action) => action.title);
  },
  /** Applies the quick fix `title` to the buffers; false when none is there. */
  apply: async (path, line, column, title) => {
    await settle();
    const action = (await ask("actions", path, line, column)).find((candidate) => candidate.title === title);
    if (!action) return false;
    applyEdits(action.edits);
    await settle();
    return true;
  },
  /** The share link of the current files (also put into the address bar). */
  shareLink,
  /** Adds, renames and removes files as the tabs do. */
  addFile: async (path, text = "") => {
    if (!views.has(path)) addFile(path, text, true);
    await settle();
  },
  renameFile: async (from, to) => {
    const done = renameFile(from, to);
    await settle();
    return done;
  },
  removeFile: async (path) => {
    removeFile(path);
    await settle();
  },
  /** The example names. */
  examples: () => Object.keys(examples),
  /** Milliseconds from navigation start to the first findings shown. */
  firstDiagnosticsMs: () => firstDiagnosticsMs,
};

// ---- start -------------------------------------------------------------------

async function start() {
  examples = await (await fetch(new URL("./examples.json", import.meta.url))).json();
  for (const [name, example] of Object.entries(examples)) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = example.title;
    exampleSelect.append(option);
  }
  const shared = await decodeFiles(location.hash);
  const wanted = new URL(location.href).searchParams.get("example");
  if (shared) {
    const option = document.createElement("option");
    option.value = "";
    option.textContent = "(files from a shared link)";
    exampleSelect.prepend(option);
    exampleSelect.value = "";
    await loadFiles(shared);
  } else if (!(wanted && (await loadExample(wanted)))) {
    await loadExample(Object.keys(examples)[0]);
  }
}

start().catch((error) => {
  summary.textContent = `The engine failed to start: ${error.message}`;
  document.body.dataset.error = error.message;
});
