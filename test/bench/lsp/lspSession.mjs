/**
 * A bare LSP client over stdio (vscode-jsonrpc), enough to drive a language
 * server the way an editor does: initialize with workspace folders, answer
 * `workspace/configuration`, open a document, send incremental edits, and wait
 * for the diagnostics published after an edit.
 */
import { spawn } from 'node:child_process';
// vscode-languageserver (a dependency) re-exports the JSON-RPC layer; its client half is all we need here.
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

export class LspSession {
  /**
   * @param {{ name: string, command: string, args: string[], cwd: string, rootUri: string,
   *           settings: (section: string) => unknown }} options
   */
  static async start(options) {
    const child = spawn(options.command, options.args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const session = new LspSession(options.name, child, options.settings);
    await session.initialize(options.rootUri);
    return session;
  }

  constructor(name, child, settings) {
    this.name = name;
    this.child = child;
    this.stderr = '';
    child.stderr.on('data', (chunk) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    /** Resolvers waiting for the next diagnostics of a URI. */
    this.waiters = [];
    /** Every publishDiagnostics received, in order. */
    this.published = [];
    this.connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      this.published.push(params);
      const still = [];
      for (const w of this.waiters) {
        if (w.uri === params.uri && (params.version === undefined || w.version === undefined || params.version >= w.version)) w.resolve({ at, params });
        else still.push(w);
      }
      this.waiters = still;
    });
    this.connection.onRequest('workspace/configuration', ({ items }) => items.map((item) => settings(item.section ?? '') ?? null));
    // Requests an editor would answer; a server that asks must not hang on them.
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    /** What the server logged (window/logMessage), for tests that expect a warning. */
    this.logs = [];
    this.connection.onNotification('window/logMessage', ({ message }) => this.logs.push(message));
    this.connection.onNotification('telemetry/event', () => {});
    this.connection.listen();
  }

  async initialize(rootUri) {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  notifyConfiguration(settings) {
    return this.connection.sendNotification('workspace/didChangeConfiguration', { settings });
  }

  open(uri, languageId, text, version = 1) {
    this.text = text;
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** The diagnostics published for `uri` (at least `version` when the server says which), with the time they arrived. */
  nextDiagnostics(uri, version, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: no diagnostics for ${uri} within ${timeoutMs} ms${this.stderr ? `\nstderr: ${this.stderr}` : ''}`));
      }, timeoutMs);
      const waiter = { uri, version, resolve: (r) => (clearTimeout(timer), resolve(r)) };
      this.waiters.push(waiter);
    });
  }

  /**
   * Replaces `length` characters at `offset` of the open text and sends that one change;
   * returns the time it was sent (what the caller measures from).
   */
  edit(uri, version, offset, length, newText) {
    const start = positionAt(this.text, offset);
    const end = positionAt(this.text, offset + length);
    this.text = this.text.slice(0, offset) + newText + this.text.slice(offset + length);
    const sent = performance.now();
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start, end }, text: newText }],
    });
    return sent;
  }

  async close() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    const exited = await Promise.race([this.exited, new Promise((r) => setTimeout(() => r(null), 3000))]);
    if (!exited) this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}

function positionAt(text, offset) {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
