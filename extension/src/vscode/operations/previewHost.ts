/**
 * The live preview of builds, on the window's side: the app of a build's
 * worktree served by its dev server (orchestration/preview/previewServer.ts),
 * opened in the Studio's App tab through `vscode.env.asExternalUri`, so the
 * same iframe works in desktop VS Code, code-server, Remote-SSH and
 * Codespaces (the port is forwarded for it).
 *
 * A server runs for as long as it is useful: it stops when the user stops
 * it, when the Studio closes, when its build is discarded or ends without a
 * result, and with the window. When its build completes (the commit is made)
 * the preview's revision goes up and the iframe reloads the finished app.
 * Nothing runs in Restricted Mode.
 */
import * as vscode from 'vscode';
import type { Operation } from '../../core/operations/operation';
import type { PreviewStateMsg } from '../../core/protocol';
import type { PreviewServer } from '../../orchestration/preview/previewServer';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import { readSettings } from '../settings';

type OperationsBundle = typeof import('../../orchestration/operations/operationsBundle');

interface Running {
  state: PreviewStateMsg;
  server?: PreviewServer;
  abort: AbortController;
  /** The build's commit when the preview started or last reloaded. */
  headCommit: string | null;
  output: string;
}

const OUTPUT_SHOWN = 16_000;

export class PreviewHost implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<PreviewStateMsg>();
  readonly onDidChange = this._onDidChange.event;
  private readonly previews = new Map<string, Running>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly operations: {
      operation(id: string): Operation | undefined;
      readonly onDidChange: vscode.Event<void>;
    },
  ) {
    this.subscription = operations.onDidChange(() => this.followBuilds());
  }

  /** Every preview's state now, for a surface that just opened. */
  states(): PreviewStateMsg[] {
    return [...this.previews.values()].map((p) => p.state);
  }

  async start(id: string): Promise<void> {
    const current = this.previews.get(id);
    if (current && (current.state.state === 'starting' || current.state.state === 'running')) {
      this._onDidChange.fire(current.state);
      return;
    }
    const op = this.operations.operation(id);
    if (!op) return;
    const running: Running = { state: { id, state: 'starting', command: null, url: null, message: null, output: '', revision: current?.state.revision ?? 0 }, abort: new AbortController(), headCommit: op.headCommit, output: '' };
    this.previews.set(id, running);
    const fail = (message: string) => this.update(running, { state: 'failed', message, url: null, output: running.output.slice(-OUTPUT_SHOWN) });
    if (!vscode.workspace.isTrusted) return fail('Orchard does not run the app in Restricted Mode. Trust this workspace to preview builds.');
    if (!op.worktree || op.discarded) return fail('This build has no worktree any more (it was discarded): there is no app to run.');
    this.update(running, {});
    const bundle = loadBundle<OperationsBundle>('operations.js');
    const folder = vscode.workspace.workspaceFolders?.[0];
    let command: Awaited<ReturnType<OperationsBundle['worktreePreviewCommand']>>;
    try {
      command = await bundle.worktreePreviewCommand(op.worktree, readSettings(folder?.uri).previewCommand);
    } catch (error) {
      return fail(`The worktree could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if ('problem' in command) return fail(command.problem);
    this.update(running, { command: command.display });
    try {
      const server = await bundle.startPreviewServer({
        cwd: op.worktree,
        argv: command.argv,
        signal: running.abort.signal,
        onOutput: (text) => (running.output = (running.output + text).slice(-OUTPUT_SHOWN)),
      });
      running.server = server;
      if (this.previews.get(id) !== running) {
        await server.stop();
        return;
      }
      const external = await vscode.env.asExternalUri(vscode.Uri.parse(server.url));
      log().info(`Preview of ${id}: ${command.display} serves ${server.url} (${external.toString()})`);
      this.update(running, { state: 'running', url: external.toString() });
      void server.exited.then((code) => {
        if (this.previews.get(id) === running && running.state.state === 'running') {
          this.update(running, { state: 'stopped', url: null, message: `The app's server ended (exit ${code ?? 'by a signal'}).`, output: running.output.slice(-OUTPUT_SHOWN) });
        }
      });
    } catch (error) {
      if (this.previews.get(id) === running) fail(error instanceof Error ? error.message : String(error));
    }
  }

  async stop(id: string, message = 'Stopped.'): Promise<void> {
    const running = this.previews.get(id);
    if (!running) return;
    running.abort.abort();
    this.update(running, { state: 'stopped', url: null, message, output: '' });
    await running.server?.stop().catch((error: unknown) => log().warn(`Preview of ${id} did not stop cleanly: ${String(error)}`));
  }

  /** The Studio closed: nobody sees the previews any more. */
  async stopAll(message = 'Stopped when the Studio closed.'): Promise<void> {
    await Promise.all([...this.previews.keys()].map((id) => this.stop(id, message)));
  }

  private followBuilds(): void {
    for (const [id, running] of this.previews) {
      if (running.state.state !== 'starting' && running.state.state !== 'running') continue;
      const op = this.operations.operation(id);
      if (!op || op.discarded || !op.worktree || op.status === 'cancelled' || op.status === 'failed' || op.status === 'succeeded') {
        void this.stop(id, op?.discarded ? 'Stopped: the build was discarded.' : 'Stopped: the build ended.');
      } else if (op.headCommit !== running.headCommit) {
        // The build committed its change: show the finished app.
        running.headCommit = op.headCommit;
        this.update(running, { revision: running.state.revision + 1 });
      }
    }
  }

  private update(running: Running, change: Partial<PreviewStateMsg>): void {
    running.state = { ...running.state, ...change };
    if (this.previews.get(running.state.id) === running) this._onDidChange.fire(running.state);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const running of this.previews.values()) {
      running.abort.abort();
      void running.server?.stop();
    }
    this.previews.clear();
    this._onDidChange.dispose();
  }
}
