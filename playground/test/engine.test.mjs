// The browser build of the engine (engine/pkg, the wasm-bindgen output the
// page ships), loaded in node, against the real `kube-lsp check --format json`
// on the same files: the playground's findings must equal the CLI's, before
// and after a quick fix. Also the page's pure modules (positions, share link).
//
// Needs `bash build.sh` first (engine/pkg) and the native binary
// (KUBE_LSP_BIN, default target/debug/kube-lsp at the repository's root).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Text } from "@codemirror/state";

import { initSync, Engine } from "../engine/pkg/kube_lsp_playground.js";
import { examples } from "../examples.mjs";
import { toOffset, toLineColumn, toChanges } from "../src/positions.js";
import { encodeFiles, decodeFiles } from "../src/share.js";
import { renderMarkdown } from "../src/markdown.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const bin = process.env.KUBE_LSP_BIN ?? path.join(repo, "target/debug/kube-lsp");

initSync({ module: fs.readFileSync(path.join(here, "../engine/pkg/kube_lsp_playground_bg.wasm")) });

/** The CLI's findings for `files` (path → text), written to a fresh folder
 * and named one by one, so that its `file` fields are the same paths. */
function cli(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-lsp-playground-"));
  try {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    let stdout;
    try {
      stdout = execFileSync(bin, ["check", "--format", "json", ...Object.keys(files)], { cwd: dir, encoding: "utf8" });
    } catch (error) {
      // Exit 1 means findings; anything else is a failure.
      if (error.status !== 1) throw error;
      stdout = error.stdout;
    }
    return JSON.parse(stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function engineWith(files) {
  const engine = new Engine();
  for (const [file, text] of Object.entries(files)) engine.setFile(file, text);
  return engine;
}

function folder(relative) {
  const files = {};
  const walk = (dir, prefix) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), name);
      else if (/\.ya?ml$/.test(entry.name)) files[name] = fs.readFileSync(path.join(dir, entry.name), "utf8");
    }
  };
  walk(path.join(repo, relative), "");
  return files;
}

/** The fixtures: the page's examples and the CLI's golden cases. */
const fixtures = {
  ...Object.fromEntries(Object.entries(examples()).map(([name, example]) => [`example ${name}`, example.files])),
  "cli broken": folder("tests/it/cli/broken/manifests"),
  "cli clean": folder("tests/it/cli/clean/manifests"),
  "cli namespace": folder("tests/it/cli/namespace/manifests"),
  "broken YAML, a BOM and non-ASCII text": {
    "a.yaml": "\uFEFFkind: StatefulSet\nmetadata: {name: ünïcødé}\nspec: {serviceName: x\n",
    "b.yaml": "kind: Service\nmetadata:\n  name: \"😀\"\n",
  },
};

for (const [name, files] of Object.entries(fixtures)) {
  test(`${name}: the engine's findings equal kube-lsp check --format json`, () => {
    const expected = cli(files);
    const engine = engineWith(files);
    assert.deepEqual(JSON.parse(engine.diagnostics()), expected);
    engine.free();
  });
}

test("the redis example: hover, the quick fix, and the CLI agrees after it", () => {
  const files = examples()["redis-broken"].files;
  const engine = engineWith(files);
  const findings = JSON.parse(engine.diagnostics());
  const tie = findings.find((finding) => finding.file === "statefulset.yaml" && finding.code === "service-not-headless");
  assert.ok(tie, JSON.stringify(findings));

  const hover = JSON.parse(engine.hover("statefulset.yaml", tie.line, tie.column + 1));
  assert.match(hover.markdown, /redis-0\.redis/);
  assert.equal(JSON.parse(engine.hover("statefulset.yaml", 1, 1)), null);

  const actions = JSON.parse(engine.actions("statefulset.yaml", tie.line, tie.column));
  const fix = actions.find((action) => action.code === "service-not-headless");
  assert.ok(fix, JSON.stringify(actions));
  const changed = JSON.parse(engine.apply("statefulset.yaml", tie.line, tie.column, fix.title));
  assert.deepEqual(Object.keys(changed), ["service.yaml"]);
  assert.match(changed["service.yaml"], /clusterIP: None/);

  const after = JSON.parse(engine.files());
  assert.equal(after["service.yaml"], changed["service.yaml"]);
  const remaining = JSON.parse(engine.diagnostics());
  assert.ok(!remaining.some((finding) => finding.code === "service-not-headless"), JSON.stringify(remaining));
  assert.deepEqual(remaining, cli(after));
  assert.equal(JSON.parse(engine.apply("statefulset.yaml", tie.line, tie.column, "no such fix")), null);

  const hints = JSON.parse(engine.inlayHints("statefulset.yaml"));
  assert.ok(hints.some((hint) => hint.line === tie.line && /headless/.test(hint.label)), JSON.stringify(hints));
  engine.free();
});

test("files are renamed and removed; findings follow", () => {
  const engine = engineWith(examples()["redis-broken"].files);
  assert.equal(engine.renameFile("service.yaml", "svc/service.yaml"), true);
  assert.equal(engine.renameFile("missing.yaml", "x.yaml"), false);
  assert.ok("svc/service.yaml" in JSON.parse(engine.files()));
  assert.equal(engine.removeFile("svc/service.yaml"), true);
  const codes = JSON.parse(engine.diagnostics()).map((finding) => finding.code);
  assert.ok(codes.includes("service-not-found"), codes.join());
  engine.clear();
  assert.deepEqual(JSON.parse(engine.diagnostics()), []);
  engine.free();
});

test("positions: 1-based scalar-value columns to CodeMirror offsets and back", () => {
  const doc = Text.of(["a: 😀x", "bé: c", ""]);
  // "x" is the 5th character of line 1 but UTF-16 offset 5 (the emoji is two units).
  assert.equal(toOffset(doc, 1, 5), 5);
  assert.deepEqual(toLineColumn(doc, 5), { line: 1, column: 5 });
  assert.equal(toOffset(doc, 2, 3), doc.line(2).from + 2);
  assert.equal(toOffset(doc, 99, 99), doc.length, "clamped");
  assert.equal(toOffset(doc, 1, 99), doc.line(1).to, "clamped to the line");
  const changes = toChanges(doc, [{ span: { line: 2, column: 1, endLine: 2, endColumn: 3 }, newText: "key" }]);
  assert.equal(doc.replace(changes[0].from, changes[0].to, Text.of([changes[0].insert])).line(2).text, "key: c");
});

test("share link: files round-trip through the compressed fragment", async () => {
  const files = { "a.yaml": "kind: Service\n# ünïcødé 😀\n", "dir/b.yaml": "x: 1\n".repeat(500) };
  const fragment = await encodeFiles(files);
  assert.match(fragment, /^files=[A-Za-z0-9_-]+$/);
  assert.ok(fragment.length < 400, `compressed: ${fragment.length} characters`);
  assert.deepEqual(await decodeFiles(`#${fragment}`), files);
  assert.equal(await decodeFiles("#files=not-deflate"), null);
  assert.equal(await decodeFiles(""), null);
});

test("hover Markdown: raw HTML is text, links only to http(s)", () => {
  const html = renderMarkdown("**bold** <img src=x onerror=alert(1)> [ok](https://example.com) [no](javascript:alert(1))");
  assert.match(html, /<strong>bold<\/strong>/);
  assert.ok(!/<img/.test(html), html);
  assert.match(html, /&lt;img/);
  assert.match(html, /href="https:\/\/example.com"/);
  assert.ok(!/href="javascript/i.test(html), html);
});
