/* global document */ // page.waitForFunction bodies run in the browser
// Drives code-server (started by run.sh) in Chromium through playwright-core:
// the diagnostics of examples/redis-broken, the hover card, the quick fix
// that clears both findings, and the kube-lsp output channel. Every step
// waits for what it checks, with a bound, and fails with a screenshot.
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.KUBE_LSP_E2E_PLAYWRIGHT);
const url = process.env.KUBE_LSP_E2E_URL;
const shots = process.env.KUBE_LSP_E2E_SCREENSHOTS;
const WAIT = 60_000;
const t0 = Date.now();

function say(message) {
  console.log(`[vscode e2e] ${message} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

async function shot(name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  say(`screenshot ${file}`);
}

async function step(what, run) {
  try {
    return await run();
  } catch (error) {
    await shot("failure").catch(() => {});
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Runs a command through the command palette (F1), by its label. */
async function command(label) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: WAIT });
  await input.fill(`>${label}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first();
  await row.waitFor({ state: "visible", timeout: WAIT });
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: WAIT });
}

/** Opens a workspace file through Quick Open. */
async function open(file) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: WAIT });
  await input.fill(file);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: file }).first().waitFor({ timeout: WAIT });
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active[aria-label^="${file}"]`).waitFor({ timeout: WAIT });
}

/** The text of the Problems panel's rows (the panel must be open). */
async function problems() {
  return page.locator(".markers-panel .monaco-list-row").allInnerTexts();
}

/** The first file under `dir` (recursively) whose name passes `test`. */
function findFile(dir, test) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(full, test);
      if (found) return found;
    } else if (test(entry.name)) {
      return full;
    }
  }
  return undefined;
}

let failed = false;
try {
  await step("load the workbench", async () => {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor({ timeout: WAIT });
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "service.yaml" }).waitFor({ timeout: WAIT });
    say("workbench loaded");
  });

  await step("diagnostics in service.yaml", async () => {
    await open("service.yaml");
    // The server reads the folder in the background; wait for its squiggle.
    await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: WAIT });
    say("squiggle on service.yaml");
  });

  await step("the Problems panel lists both findings", async () => {
    await command("View: Focus Problems (Errors, Warnings, Infos)");
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll(".markers-panel .monaco-list-row")].map((r) => r.textContent);
        const kube = rows.filter((r) => r.includes("service-not-headless"));
        return kube.length >= 2;
      },
      undefined,
      { timeout: WAIT },
    );
    const rows = await problems();
    const text = rows.join("\n");
    for (const file of ["service.yaml", "statefulset.yaml"]) {
      if (!text.includes(file)) throw new Error(`no ${file} in the Problems panel:\n${text}`);
    }
    say(`Problems panel:\n  ${rows.join("\n  ")}`);
    await shot("problems");
  });

  await step("the hover card on the Service's name", async () => {
    // Back to the editor, cursor on `redis` of `  name: redis` (line 7).
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+G");
    await page.keyboard.type("7:10");
    await page.keyboard.press("Enter");
    await page.locator(".quick-input-widget input").waitFor({ state: "hidden", timeout: WAIT });
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    // The card under the diagnostic's part: every pod's name and the SRV
    // record (namespace redis-broken, from the kustomization).
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "SRV" }).first();
    await hover.waitFor({ state: "visible", timeout: WAIT });
    const text = await hover.innerText();
    const pods = [0, 1, 2].map((n) => `redis-${n}.redis.redis-broken.svc.cluster.local`);
    for (const want of [...pods, "service-not-headless"]) {
      if (!text.includes(want)) throw new Error(`the hover lacks ${want}:\n${text}`);
    }
    say(`hover card:\n${text}`);
    await shot("hover");
    await page.keyboard.press("Escape");
  });

  await step("the quick fix", async () => {
    await page.keyboard.press("Control+.");
    const item = page.locator(".action-widget .monaco-list-row", { hasText: "clusterIP: None" }).first();
    await item.waitFor({ state: "visible", timeout: WAIT });
    const titles = await page.locator(".action-widget .monaco-list-row").allInnerTexts();
    say(`quick fixes offered:\n  ${titles.join("\n  ")}`);
    // The preferred fix is focused first; apply it with Enter, as a user does.
    await page
      .locator(".action-widget .monaco-list-row.focused", { hasText: "clusterIP: None" })
      .waitFor({ state: "visible", timeout: WAIT });
    await shot("quickfix");
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-line", { hasText: "clusterIP: None" }).first().waitFor({ timeout: WAIT });
    // Both findings go, the Service's and the StatefulSet's, and the
    // reference the broken tie spoke for gets its own.
    await page.waitForFunction(
      () =>
        document.querySelectorAll(".monaco-editor .squiggly-error").length === 0 &&
        ![...document.querySelectorAll(".markers-panel .monaco-list-row")].some((r) =>
          r.textContent.includes("service-not-headless"),
        ) &&
        [...document.querySelectorAll(".markers-panel .monaco-list-row")].some((r) =>
          r.textContent.includes("dns-name-ordinal-out-of-range"),
        ),
      undefined,
      { timeout: WAIT },
    );
    // What is left is the Sentinel config's peer addresses: the wrong
    // namespace, and the ordinal past the replicas, which the broken tie
    // spoke for ("used here") until the fix.
    const rows = await problems();
    const left = rows.filter((r) => r.includes("kube-lsp"));
    const tie = left.filter((r) => !r.includes("dns-name-wrong-namespace") && !r.includes("dns-name-ordinal-out-of-range"));
    if (tie.length > 0 || !left.some((r) => r.includes("dns-name-ordinal-out-of-range"))) {
      throw new Error(`findings left:\n${rows.join("\n")}`);
    }
    say("quick fix applied: no finding left in the Problems panel");
    await shot("fixed");
  });

  await step("the output channel", async () => {
    await command("kube-lsp: Show Server Log");
    await page.locator(".output-view .view-line", { hasText: "initialized by" }).first().waitFor({ timeout: WAIT });
    await shot("output");
    // What the channel holds, line by line: its log file (the view wraps lines).
    const file = findFile(process.env.KUBE_LSP_E2E_LOGS, (name) => name.endsWith("kube-lsp.log"));
    if (!file) throw new Error(`no kube-lsp.log under ${process.env.KUBE_LSP_E2E_LOGS}`);
    const lines = fs.readFileSync(file, "utf8").split("\n").filter((line) => line.trim().length > 0);
    say(`output channel (${file}):\n  ${lines.join("\n  ")}`);
    const stamped = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(trace|debug|info|warning|error)\] \S/;
    const bad = lines.filter((line) => !stamped.test(line));
    if (bad.length > 0) throw new Error(`lines without their own time and level:\n${bad.join("\n")}`);
    const debug = lines.filter((line) => /Some\(|\{ [a-z_]+: |\[".*"\]|\b(Utf8|Utf16|Utf32)\b/.test(line));
    if (debug.length > 0) throw new Error(`Rust debug text in the output channel:\n${debug.join("\n")}`);
    const first = lines.find((line) => line.includes("] Starting "));
    const read = lines.find((line) => /\] read \d+ files under /.test(line));
    if (!lines.some((line) => line.includes("initialized by code-server with the workspace folder")) || !first || !read) {
      throw new Error("no `Starting`, `initialized by code-server with the workspace folder` or `read N files` line");
    }
    // Each line has its own time: the server's lines come after the start.
    if (read.slice(0, 23) <= first.slice(0, 23)) {
      throw new Error(`the server's lines share the time of the start:\n${first}\n${read}`);
    }
  });
} catch (error) {
  failed = true;
  console.error(`vscode e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await browser.close();
}
say(failed ? "failed" : "all checks passed");
process.exit(failed ? 1 : 0);
