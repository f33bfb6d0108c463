// Finding the kube-lsp server binary.
//
// This module must not import `vscode` (eslint enforces it): everything it
// needs comes in through `ResolveInput`, so `node --test` can exercise every
// branch, Windows included, on any machine.

import * as path from "node:path";

/** The client-only setting that names the binary. */
export const SERVER_PATH_SETTING = "kubeLsp.server.path";

/** Where a binary was found. */
export type ServerSource = "setting" | "bundled" | "path" | "cargo";

export interface ResolveInput {
  /** Value of `kubeLsp.server.path` (empty or undefined when unset). */
  setting: string | undefined;
  /** The extension's install folder (`context.extensionPath`). */
  extensionPath: string;
  /** `process.env.PATH` (`Path` on Windows). */
  envPath: string | undefined;
  /** `process.platform`; decides the binary name, path syntax and PATH separator. */
  platform: string;
  /** True when a regular file exists at the given absolute path. */
  exists: (file: string) => boolean;
  /** The user's home folder, for `~` in the setting and `~/.cargo/bin`. */
  homeDir?: string;
  /** `process.env.CARGO_HOME`, when set (cargo installs into `$CARGO_HOME/bin`). */
  cargoHome?: string;
  /** First workspace folder: a relative setting is taken from there. */
  workspaceFolder?: string;
}

export type Resolution =
  | { ok: true; command: string; source: ServerSource; tried: string[] }
  | { ok: false; message: string; tried: string[] };

/** `kube-lsp`, or `kube-lsp.exe` on Windows. */
export function binaryName(platform: string): string {
  return platform === "win32" ? "kube-lsp.exe" : "kube-lsp";
}

/** The binary bundled inside the extension: `<extension>/server/kube-lsp[.exe]`. */
export function bundledServerPath(extensionPath: string, platform: string): string {
  return pathFor(platform).join(extensionPath, "server", binaryName(platform));
}

function pathFor(platform: string): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** Expands `~`, and makes a relative path absolute against the workspace folder. */
export function expandSettingPath(
  value: string,
  platform: string,
  homeDir?: string,
  workspaceFolder?: string,
): string {
  const p = pathFor(platform);
  let file = value.trim();
  if (homeDir && (file === "~" || file.startsWith("~/") || (platform === "win32" && file.startsWith("~\\")))) {
    file = p.join(homeDir, file.slice(1));
  }
  if (!p.isAbsolute(file) && workspaceFolder) {
    file = p.join(workspaceFolder, file);
  }
  return file;
}

/** The candidate files for `kube-lsp` on PATH, in PATH order. */
export function pathCandidates(envPath: string | undefined, platform: string): string[] {
  if (!envPath) {
    return [];
  }
  const p = pathFor(platform);
  const name = binaryName(platform);
  const separator = platform === "win32" ? ";" : ":";
  return envPath
    .split(separator)
    .map((dir) => dir.trim().replace(/^"(.*)"$/, "$1"))
    .filter((dir) => dir.length > 0 && p.isAbsolute(dir))
    .map((dir) => p.join(dir, name));
}

/**
 * Finds the server: the setting `kubeLsp.server.path` when set (and only it:
 * a setting that names a missing file is an error, not a reason to run some
 * other binary), else the binary bundled in the extension, else `kube-lsp` on
 * PATH, else `cargo install`'s folder (`$CARGO_HOME/bin` or `~/.cargo/bin`),
 * which an editor started from a desktop launcher often lacks on its PATH.
 */
export function resolveServer(input: ResolveInput): Resolution {
  const { platform, exists } = input;
  const tried: string[] = [];

  const setting = input.setting?.trim() ?? "";
  if (setting.length > 0) {
    const file = expandSettingPath(setting, platform, input.homeDir, input.workspaceFolder);
    tried.push(file);
    if (exists(file)) {
      return { ok: true, command: file, source: "setting", tried };
    }
    return {
      ok: false,
      tried,
      message:
        `kube-lsp: the setting ${SERVER_PATH_SETTING} is "${setting}", but there is no file at ${file}. ` +
        `Fix the path, or clear the setting to use the bundled server or kube-lsp on PATH.`,
    };
  }

  const bundled = bundledServerPath(input.extensionPath, platform);
  tried.push(bundled);
  if (exists(bundled)) {
    return { ok: true, command: bundled, source: "bundled", tried };
  }

  for (const candidate of pathCandidates(input.envPath, platform)) {
    if (tried.includes(candidate)) {
      continue;
    }
    tried.push(candidate);
    if (exists(candidate)) {
      return { ok: true, command: candidate, source: "path", tried };
    }
  }

  const p = pathFor(platform);
  const cargoBin = input.cargoHome
    ? p.join(input.cargoHome, "bin")
    : input.homeDir
      ? p.join(input.homeDir, ".cargo", "bin")
      : undefined;
  if (cargoBin) {
    const candidate = p.join(cargoBin, binaryName(platform));
    if (!tried.includes(candidate)) {
      tried.push(candidate);
      if (exists(candidate)) {
        return { ok: true, command: candidate, source: "cargo", tried };
      }
    }
  }

  return { ok: false, tried, message: notFoundMessage() };
}

/** The error shown when no server binary is found. */
export function notFoundMessage(): string {
  return (
    "kube-lsp: the kube-lsp language server was not found (not bundled with the extension, " +
    "not on PATH, not in ~/.cargo/bin). Install it with `cargo install --path .` in a checkout " +
    `of the kube-lsp repository, or set ${SERVER_PATH_SETTING} to the kube-lsp binary; ` +
    "then run the command \"kube-lsp: Restart Server\"."
  );
}
