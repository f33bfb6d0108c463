// The engine's thread: the WebAssembly build of kube-lsp (playground/engine)
// answers the page's messages in arrival order, so typing never waits on an
// analysis. Each message is `{id, method, args}`; the answer `{id, result}`
// or `{id, error}`. The engine answers JSON strings; they are parsed here.
import init, { Engine } from "../engine/pkg/kube_lsp_playground.js";

const ready = init({ module_or_path: new URL("./kube_lsp_playground_bg.wasm", import.meta.url) }).then(
  () => new Engine(),
);

const methods = {
  /** Replaces every file with `files` (path → text). */
  load(engine, files) {
    engine.clear();
    for (const [path, text] of Object.entries(files)) engine.setFile(path, text);
  },
  setFile: (engine, path, text) => engine.setFile(path, text),
  removeFile: (engine, path) => engine.removeFile(path),
  renameFile: (engine, from, to) => engine.renameFile(from, to),
  files: (engine) => JSON.parse(engine.files()),
  diagnostics: (engine) => JSON.parse(engine.diagnostics()),
  hover: (engine, path, line, column) => JSON.parse(engine.hover(path, line, column)),
  actions: (engine, path, line, column) => JSON.parse(engine.actions(path, line, column)),
  apply: (engine, path, line, column, title) => JSON.parse(engine.apply(path, line, column, title)),
  /** What the page shows after a change: the findings, each with the fixes
   * for it, and every file's inlay hints. */
  report(engine) {
    const diagnostics = JSON.parse(engine.diagnostics()).map((finding) => ({
      ...finding,
      actions: JSON.parse(engine.actions(finding.file, finding.line, finding.column)).filter(
        (action) => action.code === finding.code,
      ),
    }));
    const paths = Object.keys(JSON.parse(engine.files()));
    const hints = Object.fromEntries(paths.map((path) => [path, JSON.parse(engine.inlayHints(path))]));
    return { diagnostics, hints };
  },
};

self.onmessage = async ({ data: { id, method, args } }) => {
  try {
    const engine = await ready;
    const run = methods[method];
    if (!run) throw new Error(`unknown method ${method}`);
    self.postMessage({ id, result: run(engine, ...args) ?? null });
  } catch (error) {
    // A trap (a panic in the engine, built with panic = "abort") leaves the
    // instance unusable: the page starts a new worker.
    const fatal = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, error: String(error && error.stack ? error.stack : error), fatal });
  }
};
