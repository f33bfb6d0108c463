import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  binaryName,
  bundledServerPath,
  expandSettingPath,
  notFoundMessage,
  pathCandidates,
  resolveServer,
  type ResolveInput,
} from "../../src/resolve";

function input(files: string[], overrides: Partial<ResolveInput> = {}): ResolveInput {
  const present = new Set(files);
  return {
    setting: "",
    extensionPath: "/ext",
    envPath: "/usr/local/bin:/usr/bin",
    platform: "linux",
    exists: (file) => present.has(file),
    homeDir: "/home/me",
    ...overrides,
  };
}

describe("resolveServer", () => {
  test("the setting wins over everything else", () => {
    const r = resolveServer(
      input(["/opt/kube-lsp", "/ext/server/kube-lsp", "/usr/bin/kube-lsp"], { setting: "/opt/kube-lsp" }),
    );
    assert.deepEqual(r, { ok: true, command: "/opt/kube-lsp", source: "setting", tried: ["/opt/kube-lsp"] });
  });

  test("a setting naming a missing file is an error, with no fallback", () => {
    const r = resolveServer(input(["/ext/server/kube-lsp", "/usr/bin/kube-lsp"], { setting: "/nope/kube-lsp" }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.message.includes("kubeLsp.server.path"));
    assert.ok(!r.ok && r.message.includes("/nope/kube-lsp"));
    assert.deepEqual(r.tried, ["/nope/kube-lsp"]);
  });

  test("the setting is trimmed, expands ~ and is taken from the workspace folder when relative", () => {
    assert.equal(
      resolveServer(input(["/home/me/bin/kube-lsp"], { setting: "  ~/bin/kube-lsp " })).ok,
      true,
    );
    const rel = resolveServer(
      input(["/home/user/proj/target/debug/kube-lsp"], { setting: "target/debug/kube-lsp", workspaceFolder: "/home/user/proj" }),
    );
    assert.ok(rel.ok && rel.command === "/home/user/proj/target/debug/kube-lsp");
  });

  test("a blank setting falls through to the bundled binary", () => {
    const r = resolveServer(input(["/ext/server/kube-lsp", "/usr/bin/kube-lsp"], { setting: "   " }));
    assert.ok(r.ok && r.source === "bundled" && r.command === "/ext/server/kube-lsp");
  });

  test("an undefined setting behaves like an empty one", () => {
    const r = resolveServer(input(["/usr/bin/kube-lsp"], { setting: undefined }));
    assert.ok(r.ok && r.source === "path");
  });

  test("PATH is searched in order", () => {
    const r = resolveServer(input(["/usr/local/bin/kube-lsp", "/usr/bin/kube-lsp"]));
    assert.ok(r.ok && r.source === "path" && r.command === "/usr/local/bin/kube-lsp");
    assert.deepEqual(r.tried, ["/ext/server/kube-lsp", "/usr/local/bin/kube-lsp"]);
  });

  test("cargo's bin folder is the last resort, CARGO_HOME first", () => {
    const home = resolveServer(input(["/home/me/.cargo/bin/kube-lsp"]));
    assert.ok(home.ok && home.source === "cargo" && home.command === "/home/me/.cargo/bin/kube-lsp");
    const cargoHome = resolveServer(input(["/cargo/bin/kube-lsp"], { cargoHome: "/cargo" }));
    assert.ok(cargoHome.ok && cargoHome.command === "/cargo/bin/kube-lsp");
  });

  test("nothing found: says how to install it", () => {
    const r = resolveServer(input([], { envPath: undefined }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.message, notFoundMessage());
    assert.match(r.message, /cargo install --path \./);
    assert.match(r.message, /kubeLsp\.server\.path/);
    assert.deepEqual(r.tried, ["/ext/server/kube-lsp", "/home/me/.cargo/bin/kube-lsp"]);
  });

  test("Windows: .exe, backslashes and ; in PATH", () => {
    const win = {
      platform: "win32",
      extensionPath: "C:\\ext",
      envPath: 'C:\\Windows;;"C:\\Tools";relative\\dir',
      homeDir: "C:\\Users\\me",
    };
    const bundled = resolveServer(input(["C:\\ext\\server\\kube-lsp.exe"], win));
    assert.ok(bundled.ok && bundled.command === "C:\\ext\\server\\kube-lsp.exe");
    const onPath = resolveServer(input(["C:\\Tools\\kube-lsp.exe"], win));
    assert.ok(onPath.ok && onPath.source === "path" && onPath.command === "C:\\Tools\\kube-lsp.exe");
    const setting = resolveServer(input(["D:\\bin\\kube-lsp.exe"], { ...win, setting: "D:\\bin\\kube-lsp.exe" }));
    assert.ok(setting.ok && setting.source === "setting");
    const none = resolveServer(input([], win));
    assert.deepEqual(none.tried, [
      "C:\\ext\\server\\kube-lsp.exe",
      "C:\\Windows\\kube-lsp.exe",
      "C:\\Tools\\kube-lsp.exe",
      "C:\\Users\\me\\.cargo\\bin\\kube-lsp.exe",
    ]);
  });
});

describe("helpers", () => {
  test("binary name and bundled path per platform", () => {
    assert.equal(binaryName("linux"), "kube-lsp");
    assert.equal(binaryName("darwin"), "kube-lsp");
    assert.equal(binaryName("win32"), "kube-lsp.exe");
    assert.equal(bundledServerPath("/ext", "darwin"), "/ext/server/kube-lsp");
    assert.equal(bundledServerPath("C:\\ext", "win32"), "C:\\ext\\server\\kube-lsp.exe");
  });

  test("PATH candidates skip empty and relative entries", () => {
    assert.deepEqual(pathCandidates("/a::relative:/b/", "linux"), ["/a/kube-lsp", "/b/kube-lsp"]);
    assert.deepEqual(pathCandidates("", "linux"), []);
    assert.deepEqual(pathCandidates(undefined, "linux"), []);
  });

  test("setting paths", () => {
    assert.equal(expandSettingPath("~", "linux", "/home/me"), "/home/me");
    assert.equal(expandSettingPath("~/x", "linux", undefined), "~/x");
    assert.equal(expandSettingPath("/abs/x", "linux", "/home/me", "/ws"), "/abs/x");
    assert.equal(expandSettingPath("~\\bin\\k.exe", "win32", "C:\\Users\\me"), "C:\\Users\\me\\bin\\k.exe");
  });
});
