// The settings the extension contributes (package.json) must match the
// server's own list of settings and rule codes
// (server/src/config/settings.json). The Rust tests generate both the
// per-rule settings here and settings.json from the rule declarations
// (server/src/checks/generated.rs); this test checks the rest.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const extensionDir = join(here, "..");
const settingsFile = join(extensionDir, "..", "..", "server", "src", "config", "settings.json");

const pkg = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8"));
const server = JSON.parse(readFileSync(settingsFile, "utf8"));
const properties = pkg.contributes.configuration.properties;

const SEVERITIES = ["error", "warning", "information", "hint", "off"];
const CLIENT_ONLY = ["server.path", "trace.server"];
const serverKeys = Object.keys(server).filter((key) => key !== "codes");

describe("package.json settings match the server's settings.json", () => {
  test("settings.json has the expected shape", () => {
    assert.ok(Array.isArray(server.codes) && server.codes.length > 0, "settings.json lists the rule codes");
    assert.equal(new Set(server.codes).size, server.codes.length, "codes are unique");
    for (const code of server.codes) {
      assert.match(code, /^[a-z][a-z0-9-]*$/, `code ${code}`);
    }
  });

  test("every contributed key is a server key or a client-only key", () => {
    const contributed = Object.keys(properties).map((key) => {
      assert.ok(key.startsWith("kubeLsp."), `${key} is under kubeLsp.`);
      return key.slice("kubeLsp.".length);
    });
    assert.deepEqual(contributed.filter((key) => !CLIENT_ONLY.includes(key)).sort(), [...serverKeys].sort());
    for (const key of CLIENT_ONLY) {
      assert.ok(contributed.includes(key), `client-only kubeLsp.${key} is contributed`);
    }
  });

  for (const key of serverKeys) {
    test(`kubeLsp.${key}: same default and JSON type as the server`, () => {
      const property = properties[`kubeLsp.${key}`];
      assert.ok(property, `kubeLsp.${key} is contributed`);
      assert.deepEqual(property.default, server[key]);
      const value = server[key];
      const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
      // A setting that is unset by default is `null` on the server and
      // takes a value of another type as well (["string", "null"]).
      if (Array.isArray(property.type)) {
        assert.ok(property.type.includes(type), `${property.type} includes ${type}`);
      } else {
        assert.equal(property.type, type);
      }
    });
  }

  test("kubeLsp.rules lists every code, in the server's order, with the severities", () => {
    const rules = properties["kubeLsp.rules"];
    assert.deepEqual(Object.keys(rules.properties), server.codes);
    assert.equal(rules.additionalProperties, false);
    for (const code of server.codes) {
      assert.equal(rules.properties[code].type, "string", code);
      assert.deepEqual(rules.properties[code].enum, SEVERITIES, code);
      assert.match(rules.properties[code].markdownDescription, /Default: `/, `${code} documents its default`);
    }
  });

  test("client-only settings have their documented defaults", () => {
    assert.equal(properties["kubeLsp.server.path"].default, "");
    assert.deepEqual(properties["kubeLsp.trace.server"].enum, ["off", "messages", "verbose"]);
    assert.equal(properties["kubeLsp.trace.server"].default, "off");
  });

  test("the extension's settings module sends exactly the server keys", () => {
    const compiled = join(extensionDir, "out", "src", "settings.js");
    assert.ok(existsSync(compiled), `${compiled} is missing: run \`npm run compile\` first`);
    const settings = createRequire(import.meta.url)(compiled);
    assert.deepEqual([...settings.SERVER_KEYS].sort(), [...serverKeys].sort());
    assert.deepEqual([...settings.CLIENT_ONLY_KEYS].sort(), [...CLIENT_ONLY].sort());
    assert.deepEqual([...settings.SEVERITIES], SEVERITIES);
    // The defaults, as if the user had set each of them, go through unchanged.
    const defaults = Object.fromEntries(serverKeys.map((key) => [key, server[key]]));
    assert.deepEqual(settings.initializationOptions(defaults), { kubeLsp: defaults });
  });

  test("commands, activation and file watching", () => {
    const commands = pkg.contributes.commands.map((c) => c.command);
    assert.ok(commands.includes("kubeLsp.restartServer"));
    assert.ok(pkg.activationEvents.includes("onLanguage:yaml"));
    assert.equal(pkg.main, "./dist/extension.js");
    assert.equal(pkg.engines.vscode, `^${pkg.devDependencies["@types/vscode"]}`);
    assert.deepEqual(
      pkg.capabilities.untrustedWorkspaces.restrictedConfigurations,
      ["kubeLsp.server.path", "kubeLsp.helm.path"],
    );
  });
});
