// The arguments of the server's code lens command, from JSON to the editor's
// types.
//
// The server's lenses run `editor.action.showReferences` with
// `[uri, position, locations]` as plain JSON (so that any client can read
// them); VS Code's command only takes its own `Uri`, `Position` and
// `Location` objects, so the extension converts them on the way in.
//
// This module must not import `vscode` (eslint enforces it): the caller
// passes the constructors, so `node --test` can check the conversion.

/** The command the server's code lenses run. */
export const SHOW_REFERENCES = "editor.action.showReferences";

/** Builds the editor's values. */
export interface Converters<U, P, L> {
  uri(value: string): U;
  position(line: number, character: number): P;
  location(uri: U, start: P, end: P): L;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toPosition<P>(value: unknown, make: Converters<unknown, P, unknown>): P | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const { line, character } = value;
  if (typeof line !== "number" || typeof character !== "number") {
    return undefined;
  }
  return make.position(line, character);
}

/**
 * `[uri, position, locations]` in the editor's types, or undefined when the
 * arguments do not have the shape the server sends (they are then left as
 * they are, and the command reports the problem itself).
 */
export function showReferencesArguments<U, P, L>(
  args: readonly unknown[] | undefined,
  make: Converters<U, P, L>,
): [U, P, L[]] | undefined {
  if (!args || args.length !== 3) {
    return undefined;
  }
  const [uri, position, locations] = args;
  if (typeof uri !== "string" || !Array.isArray(locations)) {
    return undefined;
  }
  const at = toPosition(position, make);
  if (at === undefined) {
    return undefined;
  }
  const converted: L[] = [];
  for (const location of locations as unknown[]) {
    if (!isRecord(location) || typeof location.uri !== "string" || !isRecord(location.range)) {
      return undefined;
    }
    const start = toPosition(location.range.start, make);
    const end = toPosition(location.range.end, make);
    if (start === undefined || end === undefined) {
      return undefined;
    }
    converted.push(make.location(make.uri(location.uri), start, end));
  }
  return [make.uri(uri), at, converted];
}
