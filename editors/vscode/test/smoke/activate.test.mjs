// Loads the bundled extension (dist/extension.js) against a stub `vscode`
// module and activates it on a machine where no server can be found: the
// bundle must load, register its commands, and tell the user how to install
// the server instead of failing silently.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bundle = join(extensionDir, "dist", "extension.js");

function stubVscode(settings) {
  const log = [];
  const errors = [];
  const commands = new Map();
  const disposable = { dispose() {} };
  const channel = {};
  for (const level of ["trace", "debug", "info", "warn", "error", "appendLine", "append"]) {
    channel[level] = (text) => log.push([level, text]);
  }
  Object.assign(channel, { name: "kube-lsp", logLevel: 2, show() {}, hide() {}, clear() {}, dispose() {}, onDidChangeLogLevel: () => disposable });
  const vscode = {
    version: "1.91.0",
    window: {
      createOutputChannel: (name, options) => {
        assert.equal(name, "kube-lsp");
        assert.deepEqual(options, { log: true });
        return channel;
      },
      showErrorMessage: (message, ...items) => {
        errors.push({ message, items });
        return Promise.resolve(undefined);
      },
      showInformationMessage: () => Promise.resolve(undefined),
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: (section) => {
        assert.equal(section, "kubeLsp");
        return {
          get: (key) => settings[key],
          inspect: (key) => (key in settings ? { globalValue: settings[key] } : {}),
        };
      },
      onDidChangeConfiguration: () => disposable,
      createFileSystemWatcher: () => ({ ...disposable, onDidCreate: () => disposable, onDidChange: () => disposable, onDidDelete: () => disposable }),
    },
    commands: {
      registerCommand: (id, fn) => {
        commands.set(id, fn);
        return disposable;
      },
      executeCommand: () => Promise.resolve(undefined),
    },
  };
  // The language client subclasses some vscode classes when it loads
  // (CompletionItem, CodeAction, ...): any other name is an empty class.
  const classes = new Map();
  const api = new Proxy(vscode, {
    get(target, name) {
      if (name in target || typeof name === "symbol") {
        return target[name];
      }
      if (!classes.has(name)) {
        classes.set(name, class {});
      }
      return classes.get(name);
    },
  });
  return { vscode: api, log, errors, commands };
}

function loadBundle(vscode) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === "vscode" ? "vscode" : resolve.call(this, request, ...rest);
  };
  const require = createRequire(import.meta.url);
  require.cache.vscode = { id: "vscode", filename: "vscode", loaded: true, exports: vscode };
  try {
    delete require.cache[bundle];
    return require(bundle);
  } finally {
    Module._resolveFilename = resolve;
    delete require.cache.vscode;
  }
}

async function withEnv(env, body) {
  const saved = {};
  for (const key of Object.keys(env)) {
    saved[key] = process.env[key];
    if (env[key] === undefined) {
      delete process.env[key];
    } else {
      process.env[key] = env[key];
    }
  }
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  }
}

test("the bundle activates and explains how to install a missing server", { skip: !existsSync(bundle) && !process.env.CI && `${bundle} not built: run npm run bundle` }, async () => {
  const home = mkdtempSync(join(tmpdir(), "kube-lsp-home-"));
  try {
    const stub = stubVscode({ "server.path": "" });
    const extension = loadBundle(stub.vscode);
    assert.equal(typeof extension.activate, "function");
    assert.equal(typeof extension.deactivate, "function");
    const context = { subscriptions: [], extensionPath: join(home, "ext") };
    await withEnv({ PATH: "", Path: undefined, HOME: home, USERPROFILE: home, CARGO_HOME: undefined }, () =>
      extension.activate(context),
    );
    assert.ok(stub.commands.has("kubeLsp.restartServer"), "kubeLsp.restartServer is registered");
    assert.ok(stub.commands.has("kubeLsp.showOutput"));
    assert.equal(stub.errors.length, 1, "one error message is shown");
    assert.match(stub.errors[0].message, /cargo install --path \./);
    assert.match(stub.errors[0].message, /kubeLsp\.server\.path/);
    assert.deepEqual(stub.errors[0].items, ["Open Settings", "Show Log"]);
    assert.ok(stub.log.some(([level, text]) => level === "error" && /not found/.test(text)), "the log says so too");
    assert.ok(context.subscriptions.length >= 3);
    await extension.deactivate();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("a server path setting that names no file is reported as such", { skip: !existsSync(bundle) && !process.env.CI && `${bundle} not built` }, async () => {
  const stub = stubVscode({ "server.path": "/nonexistent/kube-lsp" });
  const extension = loadBundle(stub.vscode);
  await extension.activate({ subscriptions: [], extensionPath: "/nonexistent-ext" });
  assert.equal(stub.errors.length, 1);
  assert.match(stub.errors[0].message, /kubeLsp\.server\.path is "\/nonexistent\/kube-lsp"/);
  await extension.deactivate();
});
