// Routing the server's stderr (its `tracing` log) into the "kube-lsp" log
// output channel at the right level.
//
// This module must not import `vscode` (eslint enforces it).

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

export interface LogLine {
  level: LogLevel;
  text: string;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

// `2026-01-01T00:00:00.000000Z  INFO kube_lsp::server: started` (tracing's
// default format), with or without the timestamp.
const TRACING = /^(?:\d{4}-\d\d-\d\dT\S+\s+)?(ERROR|WARN|INFO|DEBUG|TRACE)\s+(.*)$/;

const OWN_TARGET = /^kube_lsp(?:::\w+)*: /;

/**
 * The level and text of one line the server wrote to stderr. The output
 * channel adds its own timestamp and level, so both are taken off the text.
 * Lines not in tracing's format (a panic, say) are kept whole: at level
 * `error` when they report a panic, else `info`.
 */
export function parseServerLogLine(raw: string): LogLine {
  const line = raw.replace(ANSI, "").replace(/\r$/, "");
  const match = TRACING.exec(line.trimStart());
  if (match) {
    // The server's own module path (`kube_lsp::lsp::server: `) says nothing
    // to a user; a dependency's target is kept.
    return { level: match[1].toLowerCase() as LogLevel, text: match[2].replace(OWN_TARGET, "") };
  }
  if (/\bpanicked\b/.test(line)) {
    return { level: "error", text: line };
  }
  return { level: "info", text: line };
}

/**
 * `KUBE_LSP_LOG` for the server from the output channel's log level
 * (`vscode.LogLevel`: Off 0, Trace 1, Debug 2, Info 3, Warning 4, Error 5),
 * so that the channel's level decides what the server writes. A
 * `KUBE_LSP_LOG` already in the editor's environment wins.
 */
export function serverLogFilter(channelLevel: number, fromEnv?: string): string {
  if (fromEnv !== undefined && fromEnv.trim().length > 0) {
    return fromEnv;
  }
  switch (channelLevel) {
    case 0:
      return "off";
    case 1:
      return "trace";
    case 2:
      return "debug";
    case 3:
      return "info";
    case 4:
      return "warn";
    default:
      return "error";
  }
}
