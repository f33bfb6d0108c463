/* global window, document */ // page.evaluate bodies run in the browser
// The playground in headless Chromium (Debian's, through playwright-core):
// loads ?example=redis-broken, waits for the findings on both files, hovers
// `serviceName`, applies quick fixes (from the list and from a squiggle's
// tooltip) and checks the findings are gone, drives window.kubeLsp, renames
// and removes files, round-trips a share link into a fresh page, and saves
// screenshots. Prints the time from navigation to first findings.
//
// Usage: node test/e2e.mjs URL SCREENSHOT_DIR   (ci.sh serves dist/ and runs it)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";

const [url, shots] = process.argv.slice(2);
const WAIT = 30_000;
const t0 = Date.now();
const say = (message) => console.log(`[playground e2e] ${message} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
fs.mkdirSync(shots, { recursive: true });

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kube-lsp-playground-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 800 },
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
const page = context.pages()[0] ?? (await context.newPage());
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
page.on("console", (message) => {
  if (message.type() === "error") errors.push(message.text());
});

async function shot(name, target = page) {
  const file = path.join(shots, `${name}.png`);
  await target.screenshot({ path: file });
  say(`screenshot ${file}`);
}

async function step(what, run) {
  try {
    const result = await run();
    say(`ok: ${what}`);
    return result;
  } catch (error) {
    await shot("failure").catch(() => {});
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

let failed = false;
try {
  await step("the example loads and both files show their findings", async () => {
    await page.goto(`${url}/?example=redis-broken`);
    await page.waitForFunction(
      () => {
        const files = new Set([...document.querySelectorAll("#problems .problem")].map((row) => row.dataset.file));
        return files.has("service.yaml") && files.has("statefulset.yaml");
      },
      null,
      { timeout: WAIT },
    );
    const ms = await page.evaluate(() => window.kubeLsp.firstDiagnosticsMs());
    say(`time from navigation to first diagnostics: ${ms} ms`);
    fs.writeFileSync(path.join(shots, "first-diagnostics-ms.txt"), `${ms}\n`);
    const diagnostics = await page.evaluate(() => window.kubeLsp.diagnostics());
    const codes = diagnostics.map((finding) => `${finding.file} ${finding.code}`);
    check(codes.includes("service.yaml service-not-headless"), codes.join(", "));
    check(codes.includes("statefulset.yaml service-not-headless"), codes.join(", "));
    check(diagnostics.every((finding) => typeof finding.line === "number" && finding.endColumn >= 1), "CLI shape");
    const squiggles = await page.locator(".cm-lintRange-error").count();
    check(squiggles > 0, "no squiggle in the open editor");
  });

  await step("inlay hints show after serviceName", async () => {
    await page.locator(".tab-name", { hasText: "statefulset.yaml" }).click();
    await page.locator(".editor.active .cm-editor .cm-inlay-hint").first().waitFor({ timeout: WAIT });
    const label = await page.locator(".editor.active .cm-editor .cm-inlay-hint").first().textContent();
    check(/headless/.test(label), `hint: ${label}`);
  });

  await step("hovering serviceName shows the card from the engine's Markdown", async () => {
    const markdown = await page.evaluate(() => window.kubeLsp.hover("statefulset.yaml", 10, 17));
    check(/redis-0\.redis/.test(markdown ?? ""), `hover: ${markdown}`);
    // Over "redis" in "  serviceName: redis" (15 monospace characters in).
    const line = page.locator(".editor.active .cm-editor .cm-line", { hasText: "serviceName: redis" });
    await line.hover({ position: { x: 135, y: 5 } });
    const card = page.locator(".hover-card");
    await card.first().waitFor({ timeout: WAIT });
    const cardText = await card.first().textContent();
    check(/redis-0\.redis/.test(cardText), `card: ${cardText}`);
    await shot("hover");
  });

  await step("the quick fix from the list edits service.yaml and both findings go", async () => {
    await page.mouse.move(5, 5);
    const fix = page.locator('#problems .problem[data-file="statefulset.yaml"][data-code="service-not-headless"] .fix').first();
    await fix.waitFor({ timeout: WAIT });
    await fix.click();
    await page.waitForFunction(
      () => ![...document.querySelectorAll("#problems .problem")].some((row) => row.dataset.code === "service-not-headless"),
      null,
      { timeout: WAIT },
    );
    const files = await page.evaluate(() => window.kubeLsp.files());
    check(/clusterIP: None/.test(files["service.yaml"]), files["service.yaml"]);
    const left = await page.evaluate(() => window.kubeLsp.diagnostics());
    check(!left.some((finding) => finding.code === "service-not-headless"), JSON.stringify(left));
  });

  await step("the quick fix from the squiggle's tooltip edits the buffer", async () => {
    await page.goto(`${url}/?example=redis-broken`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: WAIT });
    await page.locator(".tab-name", { hasText: "service.yaml" }).click();
    // `  name: redis` in service.yaml: the squiggle is on "redis".
    const squiggle = page.locator(".editor.active .cm-lintRange-error").first();
    await squiggle.waitFor({ timeout: WAIT });
    await squiggle.hover();
    const action = page.locator(".cm-tooltip-lint .cm-diagnosticAction", { hasText: "Set clusterIP: None" }).first();
    await action.waitFor({ timeout: WAIT });
    await action.click();
    await page.waitForFunction(
      () => ![...document.querySelectorAll("#problems .problem")].some((row) => row.dataset.code === "service-not-headless"),
      null,
      { timeout: WAIT },
    );
    const files = await page.evaluate(() => window.kubeLsp.files());
    check(/clusterIP: None/.test(files["service.yaml"]), files["service.yaml"]);
  });

  await step("window.kubeLsp: load, actions, apply", async () => {
    const result = await page.evaluate(async () => {
      await window.kubeLsp.load({
        "sts.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  serviceName: web\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n",
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n",
      });
      const before = (await window.kubeLsp.diagnostics()).map((finding) => finding.code);
      const titles = await window.kubeLsp.actions("sts.yaml", 5, 16);
      const applied = titles.length ? await window.kubeLsp.apply("sts.yaml", 5, 16, titles[0]) : false;
      const after = (await window.kubeLsp.diagnostics()).map((finding) => finding.code);
      return { before, titles, applied, after, files: await window.kubeLsp.files() };
    });
    check(result.before.includes("service-not-headless"), JSON.stringify(result));
    check(result.applied === true, JSON.stringify(result));
    check(!result.after.includes("service-not-headless"), JSON.stringify(result));
    check(Object.keys(result.files).sort().join() === "sts.yaml,svc.yaml", JSON.stringify(result.files));
  });

  await step("files are renamed and removed; tabs and findings follow", async () => {
    await page.goto(`${url}/?example=redis-broken`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: WAIT });
    const result = await page.evaluate(async () => {
      const renamed = await window.kubeLsp.renameFile("service.yaml", "svc/headless.yaml");
      // Out of the kustomization's resources, the Service leaves its
      // namespace: the StatefulSet's finding becomes service-not-found.
      const afterRename = {
        files: Object.keys(await window.kubeLsp.files()),
        codes: (await window.kubeLsp.diagnostics()).map((finding) => finding.code),
        tabs: [...document.querySelectorAll(".tab")].map((tab) => tab.dataset.path),
      };
      await window.kubeLsp.removeFile("svc/headless.yaml");
      const afterRemove = (await window.kubeLsp.diagnostics()).map((finding) => finding.code);
      const tabs = [...document.querySelectorAll(".tab")].map((tab) => tab.dataset.path);
      return { renamed, afterRename, afterRemove, tabs };
    });
    const { files, codes, tabs } = result.afterRename;
    check(result.renamed && files.includes("svc/headless.yaml") && !files.includes("service.yaml"), JSON.stringify(result));
    check(tabs.includes("svc/headless.yaml") && codes.includes("service-not-found"), JSON.stringify(result));
    check(result.afterRemove.includes("service-not-found"), JSON.stringify(result));
    check(!result.tabs.includes("svc/headless.yaml") && result.tabs.includes("statefulset.yaml"), JSON.stringify(result));
  });

  await step("a share link carries every file into a fresh page", async () => {
    await page.goto(`${url}/?example=redis-broken`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: WAIT });
    await page.evaluate(() => window.kubeLsp.addFile("extra/note.yaml", "kind: ConfigMap\nmetadata: {name: note}\n# ünïcødé 😀\n"));
    const files = await page.evaluate(() => window.kubeLsp.files());
    const link = await page.evaluate(() => window.kubeLsp.shareLink());
    check(/#files=[A-Za-z0-9_-]+$/.test(link), link);
    say(`share link: ${link.length} characters for ${Object.keys(files).length} files`);
    const fresh = await context.newPage();
    await fresh.goto(link);
    await fresh.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: WAIT });
    const shared = await fresh.evaluate(() => window.kubeLsp.files());
    check(JSON.stringify(shared) === JSON.stringify(files), `shared ${Object.keys(shared)} vs ${Object.keys(files)}`);
    const tabs = await fresh.locator(".tab").count();
    check(tabs === Object.keys(files).length, `tabs: ${tabs}`);
    await fresh.close();
  });

  await step("the README screenshot: the broken example with a hover card", async () => {
    await page.goto(`${url}/?example=redis-broken`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: WAIT });
    await page.locator(".tab-name", { hasText: "statefulset.yaml" }).click();
    await page.locator(".editor.active .cm-editor .cm-inlay-hint").first().waitFor({ timeout: WAIT });
    const line = page.locator(".editor.active .cm-editor .cm-line", { hasText: "serviceName: redis" });
    await line.hover({ position: { x: 130, y: 5 } });
    await page.locator(".hover-card").first().waitFor({ timeout: WAIT });
    await shot("playground");
  });

  check(errors.length === 0, `errors in the page: ${errors.join("\n")}`);
  say("PASS");
} catch (error) {
  failed = true;
  console.error(`[playground e2e] FAIL: ${error.message}`);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
