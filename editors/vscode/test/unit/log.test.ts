import assert from "node:assert/strict";
import { test } from "node:test";
import { parseServerLogLine, serverLogFilter } from "../../src/log";

test("tracing lines: level taken, timestamp, level and the server's module path dropped from the text", () => {
  assert.deepEqual(parseServerLogLine("2026-01-02T03:04:05.678901Z  INFO kube_lsp::server: indexed 12 files"), {
    level: "info",
    text: "indexed 12 files",
  });
  assert.deepEqual(parseServerLogLine(" WARN kube_lsp: skipped big.yaml"), {
    level: "warn",
    text: "skipped big.yaml",
  });
  for (const level of ["ERROR", "DEBUG", "TRACE"]) {
    assert.equal(parseServerLogLine(`2026-01-02T03:04:05Z ${level} x: y`).level, level.toLowerCase());
  }
});

test("ANSI colours and CR are removed", () => {
  const esc = String.fromCharCode(27);
  assert.deepEqual(
    parseServerLogLine(`${esc}[2m2026-01-02T03:04:05Z${esc}[0m ${esc}[31mERROR${esc}[0m kube_lsp: boom\r`),
    { level: "error", text: "boom" },
  );
});

test("other lines are kept whole; panics are errors", () => {
  assert.deepEqual(parseServerLogLine("thread 'main' panicked at server/src/main.rs:1:1:"), {
    level: "error",
    text: "thread 'main' panicked at server/src/main.rs:1:1:",
  });
  assert.deepEqual(parseServerLogLine("hello"), { level: "info", text: "hello" });
  assert.deepEqual(parseServerLogLine(""), { level: "info", text: "" });
});

test("the server's KUBE_LSP_LOG follows the channel's log level unless set", () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((level) => serverLogFilter(level)),
    ["off", "trace", "debug", "info", "warn", "error"],
  );
  assert.equal(serverLogFilter(3, "kube_lsp=trace"), "kube_lsp=trace");
  assert.equal(serverLogFilter(3, " "), "info");
});

test("a dependency's target is kept", () => {
  assert.deepEqual(parseServerLogLine("2026-01-02T03:04:05Z  WARN globset: bad glob"), {
    level: "warn",
    text: "globset: bad glob",
  });
});
