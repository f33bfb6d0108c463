// Drives the real kube-lsp binary over stdio with vscode-languageserver-protocol
// (the library under vscode-languageclient), configured as the extension
// configures it: same command line, same initializationOptions, a workspace
// folder, a broken manifest opened as a YAML document. Checks the
// service-not-headless diagnostic, its `clusterIP: None` quick fix, and that
// applying the fix clears the diagnostic.
//
// The binary: $KUBE_LSP_BIN (relative to editors/vscode), else
// ../../target/debug/kube-lsp. When it is missing the test is skipped, except
// under CI, where it fails.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
  WorkspaceFoldersRequest,
  createProtocolConnection,
  type CodeAction,
  type Command,
  type Diagnostic,
  type InitializeParams,
  type ProtocolConnection,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { initializationOptions } from "../../src/settings";

const EXTENSION_DIR = path.resolve(__dirname, "..", "..", "..");
const BIN = path.resolve(
  EXTENSION_DIR,
  process.env.KUBE_LSP_BIN || path.join("..", "..", "target", "debug", process.platform === "win32" ? "kube-lsp.exe" : "kube-lsp"),
);
const IN_CI = !!process.env.CI && !["0", "false"].includes(process.env.CI.toLowerCase());
const STEP_MS = 10_000;

// What a user running beside Red Hat's YAML extension would set.
const USER_SETTINGS = { rules: { "yaml-syntax": "off" } };

// A StatefulSet whose governing Service `redis` is not headless (no clusterIP: None).
const MANIFEST = `# kube-lsp protocol test — Redis with a non-headless governing Service
apiVersion: v1
kind: Service
metadata:
  name: redis
  labels:
    app: redis
spec:
  selector:
    app: redis
  ports:
    - name: redis
      port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  replicas: 3
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
        - name: redis
          image: redis:7
          ports:
            - name: redis
              containerPort: 6379
`;

function skipReason(): string | false {
  if (fs.existsSync(BIN) || IN_CI) {
    return false;
  }
  return `kube-lsp binary not found at ${BIN}: build it with \`cargo build\` at the repository root, or set KUBE_LSP_BIN (under CI this test fails instead)`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sameUri(a: string, b: string): boolean {
  const norm = (u: string) => decodeURIComponent(u).replace(/^file:\/\/\/([A-Za-z]):/, (_, d: string) => `file:///${d.toLowerCase()}:`);
  return norm(a) === norm(b);
}

/** Offset in a JS (UTF-16) string of an LSP position (UTF-16, as negotiated by VS Code). */
function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = text.indexOf("\n", offset);
    assert.ok(next >= 0, `line ${line} is past the end of the document`);
    offset = next + 1;
  }
  const end = text.indexOf("\n", offset);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(offset + character, lineEnd);
}

/** The edits of a WorkspaceEdit, all of which must be for `uri`. */
function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const [target, list] of Object.entries(edit.changes ?? {})) {
    assert.ok(sameUri(target, uri), `the fix edits only the opened file, not ${target}`);
    edits.push(...list);
  }
  for (const change of edit.documentChanges ?? []) {
    assert.ok("textDocument" in change && "edits" in change, `unexpected resource operation ${JSON.stringify(change)}`);
    assert.ok(sameUri(change.textDocument.uri, uri), `the fix edits only the opened file, not ${change.textDocument.uri}`);
    for (const e of change.edits) {
      assert.ok("newText" in e, `the fix uses plain text edits (the client offers no snippet support): ${JSON.stringify(e)}`);
      edits.push(e);
    }
  }
  return edits;
}

/**
 * Applies the edits as VS Code would report them back: one incremental
 * change per edit, bottom edit first, so each range is valid when applied.
 */
function applyEdits(text: string, edits: TextEdit[]): { text: string; changes: TextDocumentContentChangeEvent[] } {
  const ordered = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => {
      const sa = a.edit.range.start;
      const sb = b.edit.range.start;
      return sb.line - sa.line || sb.character - sa.character || b.index - a.index;
    });
  const changes: TextDocumentContentChangeEvent[] = [];
  for (const { edit } of ordered) {
    const start = offsetAt(text, edit.range.start.line, edit.range.start.character);
    const end = offsetAt(text, edit.range.end.line, edit.range.end.character);
    assert.ok(start <= end, `edit range ${JSON.stringify(edit.range)} is reversed`);
    text = text.slice(0, start) + edit.newText + text.slice(end);
    changes.push({ range: edit.range, text: edit.newText });
  }
  return { text, changes };
}

test(
  "the real server reports service-not-headless and fixes it with clusterIP: None",
  { skip: skipReason(), timeout: 60_000 },
  async (t) => {
    assert.ok(fs.existsSync(BIN), `kube-lsp binary not found at ${BIN} (set KUBE_LSP_BIN or run \`cargo build\`)`);

    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "kube-lsp-vscode-")));
    const file = path.join(dir, "redis.yaml");
    fs.writeFileSync(file, MANIFEST);
    const uri = pathToFileURL(file).href;
    const folder = { uri: pathToFileURL(dir).href, name: path.basename(dir) };
    const options = initializationOptions(USER_SETTINGS);

    // The extension starts the server with no arguments, env passed through.
    const child = spawn(BIN, [], {
      cwd: dir,
      env: { ...process.env, KUBE_LSP_LOG: process.env.KUBE_LSP_LOG ?? "info" },
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so that killing it also ends anything it started.
      detached: process.platform !== "win32",
    });
    const killServer = () => {
      try {
        if (process.platform !== "win32" && child.pid !== undefined) {
          process.kill(-child.pid, "SIGKILL");
        } else {
          child.kill("SIGKILL");
        }
      } catch {
        // already gone
      }
    };
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let hasExited = false;
    void exited.then(() => (hasExited = true));
    // Fails every wait at once if the server cannot be started or dies early.
    let shuttingDown = false;
    const died = new Promise<never>((_, reject) => {
      child.on("error", reject);
      void exited.then((code) => {
        if (!shuttingDown) {
          reject(new Error(`the server exited (code ${code}) before shutdown`));
        }
      });
    });
    void died.catch(() => undefined);
    // Whatever happens, the server does not outlive the test.
    const killer = setTimeout(killServer, 55_000);
    killer.unref();

    const protocolErrors: string[] = [];
    const logMessages: string[] = [];
    const connection: ProtocolConnection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    connection.onError(([error]) => protocolErrors.push(String(error)));

    // Server → client requests, answered as VS Code would.
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === "kubeLsp" ? options.kubeLsp : null)),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(UnregistrationRequest.type, () => undefined);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onRequest(WorkspaceFoldersRequest.type, () => [folder]);
    connection.onRequest(ShowMessageRequest.type, () => null);
    connection.onNotification(LogMessageNotification.type, (params) => {
      logMessages.push(params.message);
    });

    // Latest diagnostics per document, and who waits for them.
    const diagnostics = new Map<string, Diagnostic[]>();
    let wake: () => void = () => undefined;
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      diagnostics.set(decodeURIComponent(params.uri), params.diagnostics);
      wake();
    });
    const diagnosticsOf = (target: string) => diagnostics.get(decodeURIComponent(target)) ?? [];
    const waitForDiagnostics = (what: string, ok: (list: Diagnostic[]) => boolean): Promise<Diagnostic[]> =>
      withTimeout(
        Promise.race([died, new Promise<Diagnostic[]>((resolve) => {
          const check = () => {
            const list = diagnosticsOf(uri);
            if (ok(list)) {
              wake = () => undefined;
              resolve(list);
            }
          };
          wake = check;
          check();
        })]),
        STEP_MS,
        `${what} (last diagnostics: ${JSON.stringify(diagnosticsOf(uri))})`,
      );
    const request = <T>(what: string, promise: Promise<T>): Promise<T> =>
      withTimeout(Promise.race([promise, died]), STEP_MS, what);

    connection.listen();
    try {
      // initialize, with the client capabilities that matter here.
      const params: InitializeParams = {
        processId: process.pid,
        clientInfo: { name: "kube-lsp vscode protocol test" },
        rootUri: folder.uri,
        workspaceFolders: [folder],
        initializationOptions: options,
        capabilities: {
          general: { positionEncodings: ["utf-16"] },
          workspace: {
            configuration: true,
            workspaceFolders: true,
            didChangeConfiguration: { dynamicRegistration: true },
            didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
            workspaceEdit: { documentChanges: true, resourceOperations: ["create", "rename", "delete"] },
          },
          textDocument: {
            synchronization: { dynamicRegistration: true, didSave: true },
            publishDiagnostics: {
              relatedInformation: true,
              versionSupport: false,
              codeDescriptionSupport: true,
              dataSupport: true,
            },
            codeAction: {
              dynamicRegistration: true,
              isPreferredSupport: true,
              dataSupport: true,
              resolveSupport: { properties: ["edit"] },
              codeActionLiteralSupport: {
                codeActionKind: {
                  valueSet: ["", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite", "source", "source.organizeImports"],
                },
              },
            },
            hover: { contentFormat: ["markdown", "plaintext"] },
          },
          window: { workDoneProgress: true },
        },
      };
      const init = await request("initialize", connection.sendRequest(InitializeRequest.type, params));
      assert.ok(init.capabilities.codeActionProvider, "the server offers code actions");
      assert.ok(
        init.capabilities.positionEncoding === undefined || init.capabilities.positionEncoding === "utf-16",
        `position encoding is UTF-16 when the client offers only that, got ${init.capabilities.positionEncoding}`,
      );
      await connection.sendNotification(InitializedNotification.type, {});

      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: "yaml", version: 1, text: MANIFEST },
      });

      const isTarget = (d: Diagnostic) => d.code === "service-not-headless" && d.source === "kube-lsp";
      const published = await waitForDiagnostics("publishDiagnostics with service-not-headless from kube-lsp", (list) =>
        list.some(isTarget),
      );
      const found = published.filter(isTarget);
      // Prefer the StatefulSet side (`serviceName: redis`, in the second document).
      const serviceNameLine = MANIFEST.split("\n").findIndex((line) => line.includes("serviceName: redis"));
      const diagnostic = found.find((d) => d.range.start.line === serviceNameLine) ?? found[0];
      t.diagnostic(`diagnostics: ${JSON.stringify(published.map((d) => [d.code, d.range.start.line, d.message]))}`);

      const actions = await request(
        "textDocument/codeAction",
        connection.sendRequest(CodeActionRequest.type, {
          textDocument: { uri },
          range: diagnostic.range,
          context: { diagnostics: [diagnostic], triggerKind: CodeActionTriggerKind.Invoked },
        }),
      );
      assert.ok(Array.isArray(actions), "codeAction returns a list");
      const literals = actions.filter((a: Command | CodeAction): a is CodeAction => typeof a.command !== "string");
      t.diagnostic(`code actions: ${JSON.stringify(literals.map((a) => [a.kind, a.title]))}`);
      let fix = literals.find(
        (a) => (a.kind === "quickfix" || a.kind?.startsWith("quickfix.")) && a.title.includes("clusterIP: None"),
      );
      assert.ok(fix, `a quickfix titled "...clusterIP: None..." is offered for ${JSON.stringify(diagnostic)}`);
      if (!fix.edit && init.capabilities.codeActionProvider !== true && init.capabilities.codeActionProvider?.resolveProvider) {
        fix = await request("codeAction/resolve", connection.sendRequest(CodeActionResolveRequest.type, fix));
      }
      assert.ok(fix.edit, "the quickfix carries a workspace edit");
      const edits = editsFor(fix.edit, uri);
      assert.ok(edits.length > 0, "the workspace edit changes the manifest");

      // Apply it the way VS Code does, and the finding must go away.
      const applied = applyEdits(MANIFEST, edits);
      assert.match(applied.text, /\n {2}clusterIP: ["']?None["']?\n/, `the fixed Service sets clusterIP: None:\n${applied.text}`);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: 2 },
        contentChanges: applied.changes,
      });
      await waitForDiagnostics("re-published diagnostics without service-not-headless after the fix", (list) =>
        !list.some(isTarget) && diagnostics.has(decodeURIComponent(uri)),
      );

      await request("shutdown", connection.sendRequest(ShutdownRequest.type));
      shuttingDown = true;
      await connection.sendNotification(ExitNotification.type);
      const code = await withTimeout(exited, 5_000, "the server exiting after shutdown and exit");
      assert.equal(code, 0, "the server exits with 0 after shutdown and exit");
      assert.deepEqual(protocolErrors, [], "stdout carries nothing but JSON-RPC");
    } catch (error) {
      console.error(`--- kube-lsp stderr (tail) ---\n${stderr}\n--- window/logMessage ---\n${logMessages.join("\n")}`);
      throw error;
    } finally {
      clearTimeout(killer);
      connection.dispose();
      if (!hasExited) {
        killServer();
        await withTimeout(exited, 5_000, "the killed server exiting").catch(() => undefined);
      }
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
