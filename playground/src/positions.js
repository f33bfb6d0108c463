// Positions between the engine and CodeMirror. The engine speaks as the CLI
// does: 1-based lines and columns counting Unicode scalar values; CodeMirror
// counts UTF-16 code units from the start of the document. Both see the same
// text (CodeMirror's lines joined with "\n"), so only the unit differs.
// Pure: works on anything with CodeMirror's `Text` interface (`lines`,
// `line(n)`, `lineAt(offset)`), so node's tests load it without a browser.

/** The document offset of a 1-based line and column (clamped into the text). */
export function toOffset(doc, line, column) {
  const number = Math.min(Math.max(line, 1), doc.lines);
  const { from, text } = doc.line(number);
  let units = 0;
  for (let chars = 1; chars < column && units < text.length; chars++) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return from + units;
}

/** The 1-based line and column of a document offset. */
export function toLineColumn(doc, offset) {
  const line = doc.lineAt(offset);
  const column = [...line.text.slice(0, offset - line.from)].length + 1;
  return { line: line.number, column };
}

/** CodeMirror changes for the engine's edits of one file (`{span, newText}`). */
export function toChanges(doc, edits) {
  return edits.map((edit) => ({
    from: toOffset(doc, edit.span.line, edit.span.column),
    to: toOffset(doc, edit.span.endLine, edit.span.endColumn),
    insert: edit.newText,
  }));
}
