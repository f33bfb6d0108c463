import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SHOW_REFERENCES, showReferencesArguments, type Converters } from "../../src/lens";

// Stand-ins for vscode.Uri, vscode.Position and vscode.Location that show
// which constructor made each value.
const make: Converters<string, string, string> = {
  uri: (value) => `Uri(${value})`,
  position: (line, character) => `Position(${line}:${character})`,
  location: (uri, start, end) => `Location(${uri} ${start}-${end})`,
};

const range = (line: number, from: number, to: number) => ({
  start: { line, character: from },
  end: { line, character: to },
});

describe("the code lens command's arguments", () => {
  test("the command is VS Code's references view", () => {
    assert.equal(SHOW_REFERENCES, "editor.action.showReferences");
  });

  test("uri, position and locations become the editor's types", () => {
    const args = [
      "file:///app/service.yaml",
      { line: 3, character: 8 },
      [
        { uri: "file:///app/set.yaml", range: range(5, 15, 20) },
        { uri: "file:///app/other.yaml", range: range(0, 0, 5) },
      ],
    ];
    assert.deepEqual(showReferencesArguments(args, make), [
      "Uri(file:///app/service.yaml)",
      "Position(3:8)",
      [
        "Location(Uri(file:///app/set.yaml) Position(5:15)-Position(5:20))",
        "Location(Uri(file:///app/other.yaml) Position(0:0)-Position(0:5))",
      ],
    ]);
  });

  test("no references is an empty list", () => {
    assert.deepEqual(showReferencesArguments(["untitled:a", { line: 0, character: 0 }, []], make), [
      "Uri(untitled:a)",
      "Position(0:0)",
      [],
    ]);
  });

  test("arguments of another shape are left alone", () => {
    for (const args of [
      undefined,
      [],
      ["file:///a", { line: 0, character: 0 }],
      [7, { line: 0, character: 0 }, []],
      ["file:///a", { line: "0", character: 0 }, []],
      ["file:///a", { line: 0, character: 0 }, {}],
      ["file:///a", { line: 0, character: 0 }, [{ uri: "file:///b" }]],
      ["file:///a", { line: 0, character: 0 }, [{ uri: "file:///b", range: { start: { line: 0, character: 0 } } }]],
    ]) {
      assert.equal(showReferencesArguments(args, make), undefined, JSON.stringify(args));
    }
  });
});
