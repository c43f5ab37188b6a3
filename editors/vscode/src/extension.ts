// suanpan 算盘 — VS Code client for `suanpan lsp`.
//
// Starts the language server over stdio, passes the `suanpan.*` settings through
// `workspace/configuration`, and adds a few commands and a status bar item.

import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DocumentSelector,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SOURCE = 'suanpan';
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('suanpan');
const INSTALL_HINT = 'cargo install --path .';
const RULE_IDS = [
  'sum-mismatch', 'share-mismatch', 'change-mismatch', 'rate-mismatch', 'direction-word',
  'sign-after-direction', 'unit-scale', 'value-mismatch', 'table-formula', 'number-format',
];

/**
 * The `suanpan` section in the server's shape (docs/lsp.md, "Configuration"), built from the
 * flat settings the Settings editor shows (`suanpan.rules.<id>.enabled` / `.severity`).
 */
function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('suanpan', scope);
  const rules: Record<string, boolean> = {};
  const severity: Record<string, string> = {};
  for (const id of RULE_IDS) {
    rules[id] = c.get<boolean>(`rules.${id}.enabled`, true) !== false;
    const sev = c.get<string>(`rules.${id}.severity`, 'default');
    if (sev && sev !== 'default') severity[id] = sev === 'information' ? 'info' : sev;
  }
  return {
    rules,
    severity,
    debounceMs: c.get<number>('debounceMs', 0),
    inlayHints: c.get<boolean>('inlayHints', true),
    assumedUnit: c.get<string>('assumedUnit', 'none') || 'none',
  };
}
const EXPLAIN_SCHEME = 'suanpan-explain';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let serverPath: string | undefined;
/** Language clients started in this session (the tests check that a setting needs no restart). */
let starts = 0;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('suanpan');
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.name = 'suanpan';
  status.command = 'workbench.actions.view.problems';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      provideTextDocumentContent: (uri) => runSuanpan(['explain', path.posix.basename(uri.path, '.md')]),
    }),
    vscode.commands.registerCommand('suanpan.fixAll', fixAll),
    vscode.commands.registerCommand('suanpan.explainRule', explainRule),
    vscode.commands.registerCommand('suanpan.restartServer', restart),
    vscode.commands.registerCommand('suanpan.showOutput', () => output.show()),
    vscode.commands.registerCommand('suanpan.test.dumpState', dumpState),
    vscode.languages.onDidChangeDiagnostics(updateStatus),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // Rule settings reach the running server through workspace/didChangeConfiguration
      // (synchronize.configurationSection); only these need a new server.
      if (
        e.affectsConfiguration('suanpan.server.path') ||
        e.affectsConfiguration('suanpan.files')
      ) {
        await restart();
      } else if (e.affectsConfiguration('suanpan') && client?.isRunning()) {
        // Applied at once by the server (it re-reads workspace/configuration too).
        await client.sendNotification('workspace/didChangeConfiguration', { settings: { suanpan: serverSettings() } });
      }
    }),
  );

  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** The `suanpan` binary: the `suanpan.server.path` setting, else `suanpan` on PATH. */
function findServer(): { path?: string; problem?: string } {
  const configured = vscode.workspace.getConfiguration('suanpan').get<string>('server.path', '').trim();
  if (configured) {
    const p = configured.startsWith('~') ? path.join(process.env.HOME ?? '', configured.slice(1)) : configured;
    if (isExecutable(p)) {
      return { path: p };
    }
    return { problem: `the file set in suanpan.server.path does not exist or is not executable: ${p}` };
  }
  const exe = process.platform === 'win32' ? 'suanpan.exe' : 'suanpan';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, exe);
    if (isExecutable(p)) {
      return { path: p };
    }
  }
  return { problem: '`suanpan` was not found on PATH and suanpan.server.path is not set' };
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function documentSelector(): DocumentSelector {
  const globs = vscode.workspace.getConfiguration('suanpan').get<string[]>('files', ['**/*.txt', '**/*.md']);
  const selector: { scheme: string; language: string; pattern?: string }[] = [];
  for (const language of ['plaintext', 'markdown']) {
    for (const pattern of globs.length ? globs : ['**/*']) {
      selector.push({ scheme: 'file', language, pattern });
      selector.push({ scheme: 'untitled', language, pattern });
    }
  }
  return selector;
}

async function start(): Promise<void> {
  const found = findServer();
  if (!found.path) {
    serverPath = undefined;
    status.text = '$(error) 算盘';
    status.tooltip = `suanpan: ${found.problem}`;
    status.show();
    output.appendLine(`suanpan: cannot start the language server: ${found.problem}`);
    const choice = await vscode.window.showErrorMessage(
      `suanpan 算盘: cannot start the language server — ${found.problem}. ` +
        `Install it with \`${INSTALL_HINT}\` in a clone of the suanpan repository, ` +
        `or set "suanpan.server.path" to the binary. 未找到 suanpan 可执行文件：请在 suanpan 仓库中运行 ${INSTALL_HINT}，或设置 suanpan.server.path。`,
      'Open Settings',
      'Copy install command',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'suanpan.server.path');
    } else if (choice === 'Copy install command') {
      await vscode.env.clipboard.writeText(INSTALL_HINT);
    }
    return;
  }
  serverPath = found.path;
  const run: Executable = { command: found.path, args: ['lsp'] };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // Answer workspace/configuration for `suanpan` in the server's shape.
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return params.items.map((item, i) =>
            item.section === 'suanpan' ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answer[i],
          );
        },
      },
    },
    outputChannel: output,
    diagnosticCollectionName: SOURCE,
  };
  client = new LanguageClient('suanpan', 'suanpan 算盘', serverOptions, clientOptions);
  starts++;
  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) {
      status.text = '$(error) 算盘';
      status.tooltip = 'suanpan: the language server stopped (run “suanpan: Restart server”)';
    } else {
      updateStatus();
    }
  });
  try {
    await client.start();
    output.appendLine(`suanpan: started ${found.path} lsp`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    output.appendLine(`suanpan: the language server failed to start: ${msg}`);
    void vscode.window.showErrorMessage(`suanpan 算盘: the language server (${found.path} lsp) failed to start: ${msg}`);
  }
  updateStatus();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(2000);
    } catch (e) {
      output.appendLine(`suanpan: stopping the server: ${e}`);
    }
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

/** Diagnostics of the suanpan server for a document (pushed or pulled: both carry the source). */
function findings(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function updateStatus(): void {
  const editor = vscode.window.activeTextEditor;
  if (!client || !serverPath) {
    return;
  }
  if (!editor || !['plaintext', 'markdown'].includes(editor.document.languageId)) {
    status.hide();
    return;
  }
  const list = findings(editor.document.uri);
  const errors = list.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
  const others = list.length - errors;
  if (list.length === 0) {
    status.text = '$(check) 算盘';
    status.tooltip = 'suanpan: no findings in this report / 本报告未发现问题';
  } else {
    status.text = `$(warning) 算盘 ${list.length}`;
    status.tooltip = `suanpan: ${errors} error(s), ${others} other finding(s) in this report — click for the Problems panel / 共 ${list.length} 处问题`;
  }
  status.show();
}

/** "suanpan: Fix all certain slips": apply the server's `source.fixAll.suanpan` action. */
async function fixAll(): Promise<number> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('suanpan: open a report first.');
    return 0;
  }
  const doc = editor.document;
  const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      whole,
      FIX_ALL_KIND.value,
    )) ?? [];
  let applied = 0;
  for (const a of actions) {
    if (!a.kind || !FIX_ALL_KIND.contains(a.kind)) continue;
    if (a.edit && (await vscode.workspace.applyEdit(a.edit))) applied++;
    if (a.command) await vscode.commands.executeCommand(a.command.command, ...(a.command.arguments ?? []));
  }
  if (applied === 0) {
    void vscode.window.showInformationMessage('suanpan: no certain slip to fix / 没有可自动修正的错误');
  }
  return applied;
}

function runSuanpan(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const found = serverPath ?? findServer().path;
    if (!found) {
      reject(new Error(`suanpan not found; install it with ${INSTALL_HINT}`));
      return;
    }
    cp.execFile(found, args, { timeout: 10000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(stderr || err.message));
      else resolve(stdout);
    });
  });
}

/** "suanpan: Explain rule…": pick a rule (or take the one given) and show `suanpan explain RULE`. */
async function explainRule(rule?: string): Promise<void> {
  try {
    if (typeof rule !== 'string' || !rule) {
      const listing = await runSuanpan(['explain']);
      const items: vscode.QuickPickItem[] = [];
      for (const line of listing.split('\n')) {
        const m = /^\s*([a-z][a-z0-9-]+)\s+(.*)$/.exec(line);
        if (m) items.push({ label: m[1], description: m[2].trim() });
      }
      // Put the rules found at the cursor first.
      const editor = vscode.window.activeTextEditor;
      if (editor) {
        const here = findings(editor.document.uri)
          .filter((d) => d.range.contains(editor.selection.active))
          .map((d) => codeOf(d));
        items.sort((a, b) => Number(here.includes(b.label)) - Number(here.includes(a.label)));
      }
      const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Rule to explain / 选择要说明的规则' });
      if (!pick) return;
      rule = pick.label;
    }
    // A read-only document with `suanpan explain RULE`.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${rule}.md` }));
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  } catch (e) {
    void vscode.window.showErrorMessage(`suanpan: ${e instanceof Error ? e.message : e}`);
  }
}

function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  if (typeof c === 'object') return String(c.value);
  return String(c);
}

/**
 * For the end-to-end tests: re-check through the real VS Code API (diagnostics, hover, code
 * actions at the first finding) and write JSON to `file`. Bound to a key by the tests only.
 */
async function dumpState(arg: string | { file: string; hover?: string }): Promise<void> {
  const { file, hover: hoverText } = typeof arg === 'string' ? { file: arg, hover: undefined } : arg;
  const editor = vscode.window.activeTextEditor;
  const out: Record<string, unknown> = { serverPath, running: client?.state === State.Running, starts };
  if (editor) {
    const doc = editor.document;
    const diags = vscode.languages.getDiagnostics(doc.uri);
    out.uri = doc.uri.toString();
    out.languageId = doc.languageId;
    out.text = doc.getText();
    out.status = status.text;
    out.diagnostics = diags.map((d) => ({
      code: codeOf(d),
      source: d.source,
      message: d.message,
      severity: d.severity,
      line: d.range.start.line,
      character: d.range.start.character,
      endCharacter: d.range.end.character,
    }));
    if (diags.length) {
      const actions =
        (await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          doc.uri,
          diags[0].range,
        )) ?? [];
      out.codeActions = actions.map((a) => ({ title: a.title, kind: a.kind?.value, isPreferred: a.isPreferred }));
    }
    if (hoverText) {
      const at = doc.getText().indexOf(hoverText);
      if (at >= 0) {
        const pos = doc.positionAt(at + 1);
        const hovers =
          (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? [];
        out.hover = hovers
          .flatMap((h) => h.contents)
          .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c)))
          .join('\n');
      }
    }
  }
  fs.writeFileSync(file + '.tmp', JSON.stringify(out, null, 2));
  fs.renameSync(file + '.tmp', file);
}
