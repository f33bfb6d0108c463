//! The playground's engine for JavaScript: `kube_lsp::api::playground::Playground`
//! (the in-memory files behind `ide::Host`, asked what the language server
//! asks) with one exported method per call. Every answer is a JSON string in
//! the shapes that module documents (findings exactly as
//! `kube-lsp check --format json` prints them); positions are 1-based lines
//! and columns counting Unicode scalar values.
//!
//! It converts and nothing else: no rule, no position arithmetic, no
//! Markdown. The page calls it from a Web Worker (`playground/src/worker.js`).

use kube_lsp::api::playground::Playground;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Engine {
    playground: Playground,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

fn json(value: &impl serde::Serialize) -> String {
    // The values are plain structs, maps and strings: serializing them
    // cannot fail, and `null` is the answer that says nothing if it did.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine { playground: Playground::new() }
    }

    /// Adds or replaces a file.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(&mut self, path: &str, text: &str) {
        self.playground.set_file(path, text);
    }

    /// Removes a file; false when there was none.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn drop_file(&mut self, path: &str) -> bool {
        self.playground.drop_file(path)
    }

    /// Moves a file; false when there was none at `from`.
    #[wasm_bindgen(js_name = renameFile)]
    pub fn rename_file(&mut self, from: &str, to: &str) -> bool {
        self.playground.rename_file(from, to)
    }

    /// Removes every file.
    pub fn clear(&mut self) {
        self.playground.clear();
    }

    /// `{"path": "text", ...}`.
    pub fn files(&mut self) -> String {
        json(&self.playground.files())
    }

    /// `[{"file","line","column","endLine","endColumn","code","severity","message"}, ...]`.
    pub fn diagnostics(&mut self) -> String {
        json(&self.playground.diagnostics())
    }

    /// `{"markdown", "span": {"line","column","endLine","endColumn"}}` or `null`.
    pub fn hover(&mut self, path: &str, line: usize, column: usize) -> String {
        json(&self.playground.hover(path, line, column))
    }

    /// `[{"title","code","isPreferred","edits": [{"file","span","newText"}]}, ...]`.
    pub fn actions(&mut self, path: &str, line: usize, column: usize) -> String {
        json(&self.playground.actions(path, line, column))
    }

    /// Applies the fix titled `title`: `{"path": "new text", ...}` of the
    /// files it changed, or `null` when no such fix is offered there.
    pub fn apply(&mut self, path: &str, line: usize, column: usize, title: &str) -> String {
        json(&self.playground.apply(path, line, column, title))
    }

    /// `[{"line","column","label"}, ...]` for the whole file.
    #[wasm_bindgen(js_name = inlayHints)]
    pub fn inlay_hints(&mut self, path: &str) -> String {
        json(&self.playground.inlay_hints(path))
    }
}
