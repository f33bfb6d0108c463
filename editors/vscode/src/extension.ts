import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  RevealOutputChannelOn,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { SHOW_REFERENCES, showReferencesArguments } from "./lens";
import { parseServerLogLine, serverLogFilter } from "./log";
import { resolveServer, SERVER_PATH_SETTING } from "./resolve";
import {
  SECTION,
  SERVER_KEYS,
  didChangeConfigurationParams,
  initializationOptions,
  toServerSettings,
  userSetSection,
  type ServerKey,
} from "./settings";

const CLIENT_ID = "kubeLsp";
const CLIENT_NAME = "kube-lsp";

let output: vscode.LogOutputChannel | undefined;
let client: LanguageClient | undefined;
let watcher: vscode.FileSystemWatcher | undefined;
/** Start, stop and restart run one after the other, never interleaved. */
let queue: Promise<void> = Promise.resolve();

function log(): vscode.LogOutputChannel {
  output ??= vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  return output;
}

function serialized(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The `kubeLsp` settings the user set, as the server receives them. */
function currentSection(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
  return userSetSection(
    (key: ServerKey) => config.inspect(key),
    (key: ServerKey) => config.get(key),
  );
}

/**
 * A lens whose command opens the references view, with its JSON arguments
 * turned into the `Uri`, `Position` and `Location` objects that
 * `editor.action.showReferences` requires.
 */
function withEditorArguments(lens: vscode.CodeLens): vscode.CodeLens {
  const command = lens.command;
  if (command?.command !== SHOW_REFERENCES) {
    return lens;
  }
  const args = showReferencesArguments(command.arguments, {
    uri: (value) => vscode.Uri.parse(value),
    position: (line, character) => new vscode.Position(line, character),
    location: (uri, start, end) => new vscode.Location(uri, new vscode.Range(start, end)),
  });
  if (args !== undefined) {
    lens.command = { ...command, arguments: args };
  }
  return lens;
}

function pipeLines(input: Readable, channel: vscode.LogOutputChannel): void {
  readline
    .createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 })
    .on("line", (raw: string) => {
      const { level, text } = parseServerLogLine(raw);
      channel[level](text);
    });
}

/**
 * Waits (at most 3 s) until the log channel writes its file. VS Code's log
 * channel keeps what it is given before its logger exists and stamps all of
 * it with one time when it flushes; the server's first lines would share it.
 * The file is `<context.logUri>/<channel name>.log`.
 */
async function channelReady(context: vscode.ExtensionContext): Promise<void> {
  const folder = context.logUri as vscode.Uri | undefined;
  if (folder?.scheme !== "file") {
    return;
  }
  const file = path.join(folder.fsPath, `${CLIENT_NAME}.log`);
  for (let waited = 0; waited < 3000 && !isFile(file); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const channel = log();
  await channelReady(context);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const resolution = resolveServer({
    setting: vscode.workspace.getConfiguration(SECTION).get<string>("server.path"),
    extensionPath: context.extensionPath,
    envPath: process.env.PATH ?? process.env.Path,
    platform: process.platform,
    exists: isFile,
    homeDir: os.homedir(),
    cargoHome: process.env.CARGO_HOME,
    workspaceFolder: folders.length > 0 && folders[0].uri.scheme === "file" ? folders[0].uri.fsPath : undefined,
  });
  if (!resolution.ok) {
    channel.error(resolution.message);
    channel.info(`Looked for the server at: ${resolution.tried.join(", ") || "(nowhere)"}`);
    void vscode.window
      .showErrorMessage(resolution.message, "Open Settings", "Show Log")
      .then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", SERVER_PATH_SETTING);
        } else if (choice === "Show Log") {
          channel.show(true);
        }
      });
    return;
  }
  channel.info(`Starting ${resolution.command} (found via ${resolution.source})`);

  const serverOptions: ServerOptions = {
    command: resolution.command,
    args: [],
    // The channel's log level (Info unless changed) sets the server's.
    options: { env: { ...process.env, KUBE_LSP_LOG: serverLogFilter(channel.logLevel, process.env.KUBE_LSP_LOG) } },
  };

  watcher = vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "untitled", language: "yaml" },
    ],
    synchronize: {
      // Every manifest, kustomization.yaml included: the server's index
      // follows files changed on disk through didChangeWatchedFiles.
      fileEvents: watcher,
    },
    initializationOptions: () => initializationOptions(currentSection()),
    outputChannel: channel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    stdioOptions: {
      stdout: pipeLines,
      stderr: pipeLines,
    },
    middleware: {
      // The server resolves each lens's command as VS Code shows it; a lens
      // that comes resolved is converted the same way.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        return lenses?.map(withEditorArguments);
      },
      resolveCodeLens: async (lens, token, next) => {
        const resolved = await next(lens, token);
        return resolved ? withEditorArguments(resolved) : resolved;
      },
      workspace: {
        // If the server pulls `workspace/configuration` for the `kubeLsp`
        // section, it gets the same object as in initializationOptions.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, index) =>
            item.section === SECTION ? toServerSettings(currentSection()) : (result[index] as unknown),
          );
        },
      },
    },
  };

  const next = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (error) {
    const message = `kube-lsp: the server ${resolution.command} failed to start: ${String(error)}`;
    channel.error(message);
    void vscode.window.showErrorMessage(message, "Show Log").then((choice) => {
      if (choice === "Show Log") {
        channel.show(true);
      }
    });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  watcher?.dispose();
  watcher = undefined;
  if (!running) {
    return;
  }
  try {
    await running.stop(5000);
  } catch (error) {
    log().warn(`Stopping the server: ${String(error)}`);
  }
  try {
    await running.dispose();
  } catch {
    // already stopped
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(log());
  context.subscriptions.push(
    vscode.commands.registerCommand("kubeLsp.restartServer", () =>
      serialized(async () => {
        log().info("Restarting the server");
        await stop();
        await start(context);
      }),
    ),
    vscode.commands.registerCommand("kubeLsp.showOutput", () => log().show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SERVER_PATH_SETTING)) {
        void vscode.window
          .showInformationMessage("kube-lsp: the server path changed. Restart the server to use it?", "Restart")
          .then((choice) => {
            if (choice === "Restart") {
              void vscode.commands.executeCommand("kubeLsp.restartServer");
            }
          });
      }
      const serverKeyChanged = SERVER_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
      if (serverKeyChanged && client?.isRunning()) {
        void client
          .sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(currentSection()))
          .catch((error: unknown) => log().warn(`Sending the new settings: ${String(error)}`));
      }
    }),
  );
  await serialized(() => start(context));
}

export async function deactivate(): Promise<void> {
  await serialized(stop);
}
