import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  SEVERITIES,
  didChangeConfigurationParams,
  initializationOptions,
  isUserSet,
  toServerSettings,
  toSeverity,
  userSetSection,
  type InspectedValue,
  type ServerKey,
} from "../../src/settings";

describe("settings → server options", () => {
  test("nothing set: an empty kubeLsp object", () => {
    assert.deepEqual(initializationOptions({}), { kubeLsp: {} });
    assert.deepEqual(initializationOptions(undefined), { kubeLsp: {} });
  });

  test("every server key passes through, client-only keys are dropped", () => {
    const section = {
      clusterDomain: "corp.example",
      defaultNamespace: "apps",
      rules: { "yaml-syntax": "off", "selector-mismatch": "error" },
      maxFileSize: 1024,
      exclude: ["charts/**", "**/generated/*.yaml"],
      kubernetesVersion: " v1.34 ",
      inlayHints: false,
      codeLens: false,
      server: { path: "/opt/kube-lsp" },
      trace: { server: "verbose" },
      "server.path": "/opt/kube-lsp",
      "trace.server": "verbose",
    };
    assert.deepEqual(initializationOptions(section), {
      kubeLsp: {
        clusterDomain: "corp.example",
        defaultNamespace: "apps",
        rules: { "yaml-syntax": "off", "selector-mismatch": "error" },
        maxFileSize: 1024,
        exclude: ["charts/**", "**/generated/*.yaml"],
        kubernetesVersion: "v1.34",
        inlayHints: false,
        codeLens: false,
      },
    });
  });

  test("didChangeConfiguration carries the same object as initializationOptions", () => {
    const section = { clusterDomain: "c.example", rules: { "yaml-syntax": "off" } };
    assert.deepEqual(didChangeConfigurationParams(section), { settings: initializationOptions(section) });
    assert.deepEqual(Object.keys(didChangeConfigurationParams(section).settings), ["kubeLsp"]);
  });

  test("wrong types and blank strings are dropped, values cleaned", () => {
    assert.deepEqual(
      toServerSettings({
        clusterDomain: "  ",
        defaultNamespace: 42,
        rules: ["yaml-syntax"],
        maxFileSize: -1,
        exclude: "charts/**",
        kubernetesVersion: 1.34,
        inlayHints: "false",
        codeLens: 0,
      }),
      {},
    );
    // `null` is sent: it unsets a version set by `.kube-lsp.yaml`; a blank
    // string is dropped like the other blank strings.
    assert.deepEqual(toServerSettings({ kubernetesVersion: null }), { kubernetesVersion: null });
    assert.deepEqual(toServerSettings({ kubernetesVersion: "  " }), {});
    assert.deepEqual(
      toServerSettings({
        clusterDomain: " cluster.local ",
        rules: { " yaml-syntax ": "Off", "service-not-found": "fatal", "selector-mismatch": 3, "": "off" },
        maxFileSize: 100.7,
        exclude: ["a/**", "", 7, " b/* "],
      }),
      { clusterDomain: "cluster.local", rules: { "yaml-syntax": "off" }, maxFileSize: 100, exclude: ["a/**", "b/*"] },
    );
    assert.deepEqual(toServerSettings({ maxFileSize: Number.NaN }), {});
    assert.deepEqual(toServerSettings({ maxFileSize: Number.POSITIVE_INFINITY }), {});
    assert.deepEqual(toServerSettings({ maxFileSize: 0 }), { maxFileSize: 0 });
  });

  test("unknown rule codes are kept for a newer server", () => {
    assert.deepEqual(toServerSettings({ rules: { "some-future-code": "hint" } }), {
      rules: { "some-future-code": "hint" },
    });
  });

  test("severities", () => {
    for (const severity of SEVERITIES) {
      assert.equal(toSeverity(severity), severity);
      assert.equal(toSeverity(severity.toUpperCase()), severity);
    }
    assert.equal(toSeverity("warn"), undefined);
    assert.equal(toSeverity(undefined), undefined);
  });
});

describe("only the settings the user set are sent", () => {
  test("isUserSet looks at every scope but the default", () => {
    assert.equal(isUserSet(undefined), false);
    assert.equal(isUserSet({}), false);
    assert.equal(isUserSet({ globalValue: "x" }), true);
    assert.equal(isUserSet({ workspaceValue: [] }), true);
    assert.equal(isUserSet({ workspaceFolderValue: 1 }), true);
    assert.equal(isUserSet({ workspaceLanguageValue: {} }), true);
  });

  test("userSetSection keeps the set keys with their effective values", () => {
    const inspected: Partial<Record<ServerKey, InspectedValue>> = {
      clusterDomain: { globalValue: "user.example", workspaceValue: "ws.example" },
      defaultNamespace: {},
      rules: { workspaceValue: { "yaml-syntax": "off" } },
      inlayHints: { globalValue: false },
      "helm.path": { globalValue: "/opt/helm" },
    };
    const effective: Record<ServerKey, unknown> = {
      clusterDomain: "ws.example",
      defaultNamespace: "default",
      rules: { "yaml-syntax": "off" },
      maxFileSize: 10485760,
      exclude: [],
      kubernetesVersion: null,
      inlayHints: false,
      codeLens: true,
      "helm.enable": true,
      "helm.path": "/opt/helm",
      "helm.release": "release-name",
      "helm.valueFiles": [],
      "helm.timeoutMs": 10000,
    };
    const section = userSetSection(
      (key) => inspected[key],
      (key) => effective[key],
    );
    assert.deepEqual(section, {
      clusterDomain: "ws.example",
      rules: { "yaml-syntax": "off" },
      inlayHints: false,
      "helm.path": "/opt/helm",
    });
    assert.deepEqual(initializationOptions(section), {
      kubeLsp: { clusterDomain: "ws.example", rules: { "yaml-syntax": "off" }, inlayHints: false, "helm.path": "/opt/helm" },
    });
  });
});
