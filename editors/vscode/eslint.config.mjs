// ESLint flat config: typescript-eslint's type-checked rules on src/ and
// test/, and the plain recommended rules on the .mjs scripts and tests.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["node_modules/", "out/", "dist/", "server/", "*.vsix"] },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: "error",
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // node:test's test() and describe() return promises the runner awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite"] }],
        },
      ],
    },
  },
  {
    // The modules that tests load without an editor must stay free of `vscode`.
    files: ["src/resolve.ts", "src/settings.ts", "src/log.ts", "src/lens.ts", "test/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "vscode", message: "This module must run under plain Node (node --test): do not import vscode here." }] }],
    },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { globals: globals.node, sourceType: "module" },
    rules: { eqeqeq: "error" },
  },
);
