// From the `kubeLsp` settings to what the server receives.
//
// This module must not import `vscode` (eslint enforces it), so that
// `node --test` can check the mapping without an editor.
//
// The server takes its configuration as `{"kubeLsp": {...}}`, both in
// `initializationOptions` and in `workspace/didChangeConfiguration`'s
// `settings`. Only the server's keys are sent; the client-only keys
// (`server.path`, `trace.server`) stay in the editor.
//
// Only the keys the user actually set (in any scope) are sent: the server
// applies its defaults, then the workspace's `.kube-lsp.yaml`, then these
// settings, so sending the defaults too would silently override the file.

/** The configuration section, and the wrapper key the server expects. */
export const SECTION = "kubeLsp";

/** The settings the server understands (the keys of its settings.json, less `codes`). */
export const SERVER_KEYS = [
  "clusterDomain",
  "defaultNamespace",
  "rules",
  "maxFileSize",
  "exclude",
  "kubernetesVersion",
  "inlayHints",
  "codeLens",
  "helm.enable",
  "helm.path",
  "helm.release",
  "helm.valueFiles",
  "helm.timeoutMs",
] as const;

/** Settings that only the extension reads. */
export const CLIENT_ONLY_KEYS = ["server.path", "trace.server"] as const;

/** The values of `kubeLsp.rules.<code>`. */
export const SEVERITIES = ["error", "warning", "information", "hint", "off"] as const;

export type ServerKey = (typeof SERVER_KEYS)[number];
export type Severity = (typeof SEVERITIES)[number];

export interface ServerSettings {
  clusterDomain?: string;
  defaultNamespace?: string;
  rules?: Record<string, Severity>;
  maxFileSize?: number;
  exclude?: string[];
  /** `null` unsets a version that the workspace's `.kube-lsp.yaml` sets. */
  kubernetesVersion?: string | null;
  inlayHints?: boolean;
  codeLens?: boolean;
  "helm.enable"?: boolean;
  "helm.path"?: string | null;
  "helm.release"?: string;
  "helm.valueFiles"?: string[];
  "helm.timeoutMs"?: number;
}

export interface KubeLspOptions {
  kubeLsp: ServerSettings;
}

/** The part of `vscode.WorkspaceConfiguration.inspect()` that tells where a value was set. */
export interface InspectedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/** A rule level as the server expects it (`"Warning"` → `"warning"`), or undefined. */
export function toSeverity(value: unknown): Severity | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const lower = value.trim().toLowerCase();
  return (SEVERITIES as readonly string[]).includes(lower) ? (lower as Severity) : undefined;
}

/**
 * The server's settings from the `kubeLsp` section (as a plain object, keys
 * as in `getConfiguration("kubeLsp")`): client-only keys dropped, values of
 * the wrong type dropped (the server then keeps its own value), strings
 * trimmed, rule levels lower-cased.
 */
export function toServerSettings(section: Record<string, unknown> | undefined): ServerSettings {
  const out: ServerSettings = {};
  if (!section) {
    return out;
  }
  const clusterDomain = nonEmptyString(section.clusterDomain);
  if (clusterDomain !== undefined) {
    out.clusterDomain = clusterDomain;
  }
  const defaultNamespace = nonEmptyString(section.defaultNamespace);
  if (defaultNamespace !== undefined) {
    out.defaultNamespace = defaultNamespace;
  }
  if (isRecord(section.rules)) {
    const rules: Record<string, Severity> = {};
    for (const [code, level] of Object.entries(section.rules)) {
      const severity = toSeverity(level);
      const name = code.trim();
      if (severity !== undefined && name.length > 0) {
        rules[name] = severity;
      }
    }
    out.rules = rules;
  }
  const maxFileSize = section.maxFileSize;
  if (typeof maxFileSize === "number" && Number.isFinite(maxFileSize) && maxFileSize >= 0) {
    out.maxFileSize = Math.floor(maxFileSize);
  }
  if (Array.isArray(section.exclude)) {
    out.exclude = section.exclude
      .map(nonEmptyString)
      .filter((glob): glob is string => glob !== undefined);
  }
  // The server validates the release and reports a bad one; only its type
  // is checked here.
  if (section.kubernetesVersion === null) {
    out.kubernetesVersion = null;
  } else {
    const kubernetesVersion = nonEmptyString(section.kubernetesVersion);
    if (kubernetesVersion !== undefined) {
      out.kubernetesVersion = kubernetesVersion;
    }
  }
  if (typeof section.inlayHints === "boolean") {
    out.inlayHints = section.inlayHints;
  }
  if (typeof section.codeLens === "boolean") {
    out.codeLens = section.codeLens;
  }
  if (typeof section["helm.enable"] === "boolean") {
    out["helm.enable"] = section["helm.enable"];
  }
  if (section["helm.path"] === null) {
    out["helm.path"] = null;
  } else {
    const helmPath = nonEmptyString(section["helm.path"]);
    if (helmPath !== undefined) {
      out["helm.path"] = helmPath;
    }
  }
  const release = nonEmptyString(section["helm.release"]);
  if (release !== undefined) {
    out["helm.release"] = release;
  }
  if (Array.isArray(section["helm.valueFiles"])) {
    out["helm.valueFiles"] = section["helm.valueFiles"]
      .map(nonEmptyString)
      .filter((file): file is string => file !== undefined);
  }
  const timeout = section["helm.timeoutMs"];
  if (typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0) {
    out["helm.timeoutMs"] = Math.floor(timeout);
  }
  return out;
}

/** `initializationOptions` for the server: `{"kubeLsp": {...}}`. */
export function initializationOptions(section: Record<string, unknown> | undefined): KubeLspOptions {
  return { [SECTION]: toServerSettings(section) };
}

/** Params of `workspace/didChangeConfiguration`: the same object as `initializationOptions`. */
export function didChangeConfigurationParams(section: Record<string, unknown> | undefined): {
  settings: KubeLspOptions;
} {
  return { settings: initializationOptions(section) };
}

/** True when the user set the value in some scope (not merely the default). */
export function isUserSet(inspected: InspectedValue | undefined): boolean {
  if (!inspected) {
    return false;
  }
  return [
    inspected.globalValue,
    inspected.workspaceValue,
    inspected.workspaceFolderValue,
    inspected.globalLanguageValue,
    inspected.workspaceLanguageValue,
    inspected.workspaceFolderLanguageValue,
  ].some((value) => value !== undefined);
}

/**
 * The server keys the user set, with their effective values. `inspect` and
 * `get` are those of `vscode.workspace.getConfiguration("kubeLsp")`.
 */
export function userSetSection(
  inspect: (key: ServerKey) => InspectedValue | undefined,
  get: (key: ServerKey) => unknown,
): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    if (isUserSet(inspect(key))) {
      section[key] = get(key);
    }
  }
  return section;
}
