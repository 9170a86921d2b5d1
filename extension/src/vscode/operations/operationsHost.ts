/**
 * The window's side of operations: the Operations view's data, Build, and
 * what the user does with a build (see its log, stop it, answer what its
 * agent asks, open or discard its worktree). The agent never runs here: a
 * build runs in its runner process (buildRunner.ts), and this host follows
 * the operation's log. After a Reload Window it lists the state folder again
 * and follows every operation still running from the event after the last
 * one it folded in, so nothing is missed or seen twice; a runner that died
 * is found by its released log lock and the operation shown as lost.
 *
 * The state folder is the one `orchard build` uses for the repository
 * (per user, outside the repository), so builds started in a terminal show
 * here too. The operations code (git, the log reader) is the lazily loaded
 * `dist/operations.js`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseCopyPattern } from '../../core/operations/copyPatterns';
import { isValidOperationId, operationId, type Operation } from '../../core/operations/operation';
import { applyEvent, type OperationEvent } from '../../core/operations/operationEvents';
import { groupElement, groupOperations, operationsOverview, parseElement, phaseElement, phaseRow, type OperationsOverview } from '../../core/operations/operationGroups';
import type { OperationView } from '../../core/operations/operationView';
import type { OperationAction, OperationSummaryMsg } from '../../core/protocol';
import { estimateCostUsd } from '../../agents/providers/models';
import { CommandId } from '../commands/commandIds';
import { loadBundle } from '../lazyBundle';
import { log } from '../log';
import type { ApiKeyStore } from '../secrets';
import { readSettings } from '../settings';
import { buildExecutor } from './buildExecutor';
import { startRunner, type RunnerRequest } from './buildRunner';
import { askAboutCommand, confirmBuild, confirmDiscard, reportEnd } from './operationPrompts';
import { logUri, OperationLogDocuments } from './operationLogDocuments';
import { groupItem, operationItem, phaseItem } from './operationItems';

type OperationsBundle = typeof import('../../orchestration/operations/operationsBundle');

interface Place {
  folder: vscode.WorkspaceFolder;
  repoRoot: string;
  stateDir: string;
}

const ACTIVE: ReadonlySet<Operation['status']> = new Set(['pending', 'running']);
const MAX_SHOWN = 50;

export class OperationsHost implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidEvent = new vscode.EventEmitter<{ id: string; event: OperationEvent }>();
  /** Every event of a followed operation, once, in order, after the record folded it in. */
  readonly onDidEvent = this._onDidEvent.event;
  private readonly operations = new Map<string, Operation>();
  private readonly followers = new Map<string, AbortController>();
  private readonly asking = new Set<string>();
  private readonly documents: OperationLogDocuments;
  private bundleLoaded: OperationsBundle | undefined;
  private place: Place | undefined;
  private refreshing: Promise<void> | undefined;
  /** The place whose state folder was listed (see listed()). */
  private listedFor: Place | undefined;
  private watcher: fs.FSWatcher | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly apiKeys: ApiKeyStore,
    private readonly blueprints: {
      /** The blueprint's feature name, for labels; undefined when the index does not know it. */
      featureName(slug: string): string | undefined;
      /** Resolves once the index has read the blueprints (after a reload it starts empty). */
      ready(): Promise<unknown>;
    },
  ) {
    this.documents = new OperationLogDocuments({
      operation: (id) => this.operations.get(id),
      events: (id) => this.bundle().readOperation(this.requirePlace().stateDir, id),
      logFile: (id) => path.join(this.bundle().operationsDir(this.requirePlace().stateDir), `${id}.jsonl`),
    });
  }

  private bundle(): OperationsBundle {
    return (this.bundleLoaded ??= loadBundle<OperationsBundle>('operations.js'));
  }

  private requirePlace(): Place {
    const place = this.placeNow();
    if (!place) throw new Error('Open a folder first: builds run on the repository of the first workspace folder.');
    return place;
  }

  /** The first workspace folder's repository and state folder (it can change while the window lives). */
  private placeNow(): Place | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    if (this.place?.folder.uri.toString() === folder.uri.toString()) return this.place;
    let repoRoot: string;
    try {
      repoRoot = fs.realpathSync(folder.uri.fsPath);
    } catch {
      return undefined;
    }
    this.stopFollowing();
    this.operations.clear();
    this.place = { folder, repoRoot, stateDir: this.bundle().defaultStateDir(repoRoot) };
    return this.place;
  }

  // ---- the view

  /**
   * The view's elements: the non-empty groups at the top, their operations (bare ids: the commands
   * take them as they are) under them, an operation's phases under it (core/operations/operationGroups.ts).
   */
  async children(element?: string): Promise<string[]> {
    if (element === undefined) {
      await Promise.all([this.listed(), this.blueprints.ready().catch(() => undefined)]);
      return groupOperations(this.operations.values()).map((g) => groupElement(g.id));
    }
    const parsed = parseElement(element);
    if (parsed.kind === 'group') return groupOperations(this.operations.values()).find((g) => g.id === parsed.group)?.operations.map((op) => op.id) ?? [];
    const op = parsed.kind === 'operation' ? this.operations.get(parsed.operationId) : undefined;
    return op ? (op.phases ?? []).map((p) => phaseElement(op.id, p.phase)) : [];
  }

  treeItem(id: string): vscode.TreeItem {
    const now = Date.now();
    const parsed = parseElement(id);
    if (parsed.kind === 'group') return groupItem(groupOperations(this.operations.values()).find((g) => g.id === parsed.group) ?? { id: parsed.group, operations: [] });
    const op = this.operations.get(parsed.operationId);
    if (!op) return new vscode.TreeItem(id);
    if (parsed.kind === 'phase') {
      const row = phaseRow(op, parsed.phase, now);
      return row ? phaseItem(op, row, CommandId.showOperationLog) : new vscode.TreeItem(parsed.phase);
    }
    return operationItem(op, this.blueprints.featureName(op.slug), CommandId.showOperationLog, now);
  }

  /** What the view's badge and the status bar say, from the operations known now. */
  overview(): OperationsOverview {
    return operationsOverview(this.operations.values(), (slug) => this.blueprints.featureName(slug), Date.now());
  }

  /**
   * The state folder listed once for this folder; after that the records stay current by
   * themselves (followers fold the events of what runs, the folder watch brings new ones).
   * Listing again on every change re-reads every log: with a long build streaming, that kept
   * the extension host busy and its views behind.
   */
  private listed(): Promise<void> {
    const place = this.placeNow();
    if (!place || this.listedFor === place) return Promise.resolve();
    return this.refresh().then(() => {
      this.listedFor = place;
    });
  }

  /** Lists the state folder again and follows what still runs; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshNow().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshNow(): Promise<void> {
    const place = this.placeNow();
    if (!place) return;
    let listed: Operation[];
    try {
      listed = await this.bundle().listOperations(place.stateDir);
    } catch (error) {
      log().error(`Operations could not be listed from ${place.stateDir}: ${String(error)}`);
      return;
    }
    for (const op of listed) {
      const known = this.operations.get(op.id);
      // A followed operation's record is its follower's: set ahead of it, the follower would
      // drop the events in between, and every view watching it would miss them.
      if (!known || (known.lastSeq <= op.lastSeq && !this.followers.has(op.id))) this.operations.set(op.id, op);
      this.track(this.operations.get(op.id)!);
    }
    this.watch(place);
  }

  /** Follows an active operation and asks what it waits to know. */
  private track(op: Operation): void {
    if (op.question) void this.ask(op.id);
    if (ACTIVE.has(op.status) && !this.followers.has(op.id)) void this.follow(op.id);
  }

  private watch(place: Place): void {
    if (this.watcher) return;
    const dir = this.bundle().operationsDir(place.stateDir);
    try {
      fs.mkdirSync(dir, { recursive: true });
      // A build started elsewhere (another window, `orchard build` in a terminal) appears here.
      this.watcher = fs.watch(dir, (_event, name) => {
        if (typeof name !== 'string') return;
        // A new record: read that operation alone (listing them all again re-reads every log).
        // A log nobody here follows changed elsewhere (discarded or resumed from a terminal): read it again.
        const id = name.endsWith('.json') ? name.slice(0, -5) : name.endsWith('.jsonl') ? name.slice(0, -6) : undefined;
        if (id && isValidOperationId(id) && !this.followers.has(id) && (name.endsWith('.jsonl') ? this.operations.has(id) : !this.operations.has(id))) this.reloadSoon(id);
      });
      this.watcher.on('error', () => undefined);
    } catch (error) {
      log().warn(`Not watching ${dir}: ${String(error)}`);
    }
  }

  private changed(): void {
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = undefined;
      this._onDidChange.fire();
    }, 150);
  }

  private async follow(id: string): Promise<void> {
    const place = this.requirePlace();
    const controller = new AbortController();
    this.followers.set(id, controller);
    // A runner that died (a kill, a crash) releases its log lock: loading the operation then records it lost.
    const liveness = setInterval(() => {
      if (this.bundle().runnerOf(place.stateDir, id) !== undefined) return;
      void this.bundle()
        .loadOperation(place.stateDir, id)
        .then((op) => {
          const before = this.operations.get(id);
          this.operations.set(id, op);
          this.changed();
          if (op.status === 'lost' && before?.status !== 'lost') reportEnd(op, this.blueprints.featureName(op.slug) ?? op.slug, { showLog: () => void this.showLog(id), resume: () => void this.resume(id) });
          if (!ACTIVE.has(op.status)) controller.abort();
        })
        .catch(() => undefined);
    }, 3000);
    try {
      const from = (this.operations.get(id)?.lastSeq ?? 0) + 1;
      for await (const event of this.bundle().followOperation(place.stateDir, id, from, controller.signal)) {
        this.onEvent(id, event);
        const op = this.operations.get(id);
        if (!op || !ACTIVE.has(op.status)) break;
      }
    } catch (error) {
      if (!this.disposed) log().warn(`Stopped following operation ${id}: ${String(error)}`);
    } finally {
      clearInterval(liveness);
      controller.abort();
      if (this.followers.get(id) === controller) this.followers.delete(id);
    }
  }

  private onEvent(id: string, event: OperationEvent): void {
    const before = this.operations.get(id);
    if (!before || event.seq <= before.lastSeq) return;
    let op: Operation;
    try {
      op = applyEvent(before, event);
    } catch (error) {
      log().warn(`Operation ${id}: ${String(error)}`);
      return;
    }
    this.operations.set(id, op);
    this.documents.append(id, event);
    this._onDidEvent.fire({ id, event });
    this.changed();
    if (event.type === 'question') void this.ask(id);
    if (event.type === 'status' && !ACTIVE.has(event.status)) reportEnd(op, this.blueprints.featureName(op.slug) ?? op.slug, { showLog: () => void this.showLog(id), resume: () => void this.resume(id) });
  }

  private stopFollowing(): void {
    for (const controller of this.followers.values()) controller.abort();
    this.followers.clear();
  }

  // ---- the Agent Grid and the Studio's Build tab (operationsFeed.ts)

  /** Every operation as a card shows it, newest first. */
  async summaries(): Promise<OperationSummaryMsg[]> {
    await Promise.all([this.listed(), this.blueprints.ready().catch(() => undefined)]);
    return [...this.operations.values()]
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, MAX_SHOWN)
      .map((operation) => ({
        operation,
        featureName: (this.blueprints.featureName(operation.slug) ?? operation.slug).slice(0, 200),
        costUsd: operation.model ? estimateCostUsd(operation.model, operation.usage) : null,
      }));
  }

  /** A known operation's record as last folded. */
  operation(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  /** A known operation's view, folded from the tail of its log. */
  async foldView(id: string): Promise<OperationView | undefined> {
    const op = this.operations.get(id);
    const place = this.placeNow();
    if (!op || !place) return undefined;
    return this.bundle().foldOperationView(place.stateDir, id, op.lastSeq);
  }

  /** A card's button: the same as the Operations view's command. */
  async act(id: string, action: OperationAction): Promise<void> {
    if (!this.operations.has(id)) return;
    const actions: Record<OperationAction, (id: string) => Promise<void>> = {
      stop: (i) => this.stop(i),
      showLog: (i) => this.showLog(i),
      discard: (i) => this.discard(i),
      resume: (i) => this.resume(i),
      openWorktree: (i) => this.openWorktree(i),
      answer: (i) => this.ask(i),
    };
    await actions[action](id);
  }

  // ---- what the user does

  async build(slug: string, featureName: string): Promise<void> {
    const place = this.placeNow();
    if (!place) {
      void vscode.window.showInformationMessage('Open a folder first: Orchard builds in the repository of the first workspace folder.');
      return;
    }
    const choice = await buildExecutor(place.folder.uri, place.repoRoot, this.apiKeys, featureName);
    if (!choice) return;
    const badPattern = readSettings(place.folder.uri)
      .buildCopyFiles.map(parseCopyPattern)
      .find((p): p is { problem: string } => 'problem' in p);
    if (badPattern) {
      void vscode.window.showErrorMessage(`Orchard cannot build "${featureName}": orchard.build.copyFiles: ${badPattern.problem}.`);
      return;
    }
    let base: Awaited<ReturnType<OperationsBundle['buildBase']>>;
    try {
      base = await this.bundle().buildBase(place.repoRoot, place.stateDir);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orchard cannot build "${featureName}": ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!(await confirmBuild(featureName, slug, base))) return;

    await this.launch(place, { slug, featureName, operationId: operationId(Date.now(), randomBytes(8).toString('hex')), ...choice });
  }

  /** Resume a lost build: a new runner on the same operation, in the worktree its dead runner left. */
  async resume(id: unknown): Promise<void> {
    const op = typeof id === 'string' ? this.operations.get(id) : undefined;
    if (!op || op.status !== 'lost') return;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Orchard does not build in Restricted Mode. Trust this workspace to let agents run.');
      return;
    }
    const place = this.requirePlace();
    const featureName = this.blueprints.featureName(op.slug) ?? op.slug;
    const choice = await buildExecutor(place.folder.uri, place.repoRoot, this.apiKeys, featureName);
    if (!choice) return;
    await this.launch(place, { slug: op.slug, featureName, operationId: op.id, resume: true, ...choice });
  }

  private async launch(place: Place, run: { slug: string; featureName: string; operationId: string; resume?: boolean; model: string; executor: RunnerRequest['executor'] }): Promise<void> {
    const settings = readSettings(place.folder.uri);
    const id = run.operationId;
    const runner = startRunner({
      cliPath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'cli.js').fsPath,
      repoRoot: place.repoRoot,
      stateDir: place.stateDir,
      slug: run.slug,
      operationId: id,
      ...(run.resume ? { resume: true } : {}),
      model: run.model,
      executor: run.executor,
      budgetTokens: settings.buildBudgetTokens,
      maxParallel: settings.buildMaxParallel,
      copyFiles: settings.buildCopyFiles,
    });
    log().info(`Build of ${run.slug} ${run.resume ? 'resumed' : 'started'}: operation ${id}, runner pid ${runner.pid ?? '?'}`);
    void vscode.commands.executeCommand('orchard.operations.focus');
    const record = path.join(this.bundle().operationsDir(place.stateDir), `${id}.json`);
    // A new build shows once its record exists; a resumed one once its runner holds the log again.
    const started = () => (run.resume ? this.bundle().runnerOf(place.stateDir, id) !== undefined : fs.existsSync(record));
    const appeared = await Promise.race([waitFor(started, 30_000), runner.exited.then(() => started())]);
    if (!appeared && !(run.resume && (await runner.exited.then((code) => code === 0)))) {
      const output = runner.output().trim().replace(/^orchard: /gm, '');
      void vscode.window.showErrorMessage(`Orchard could not ${run.resume ? 'resume' : 'start'} the build of "${run.featureName}": ${output || 'its runner ended without a word (see the Orchard output)'}`);
      log().error(`Runner of ${id} ended before it ran: ${output}`);
      return;
    }
    await this.reload(id);
    await this.refresh();
    this.changed();
  }

  async showLog(id: unknown): Promise<void> {
    const op = typeof id === 'string' ? this.operations.get(id) : undefined;
    if (!op) return;
    const doc = await vscode.workspace.openTextDocument(logUri(op));
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }

  async stop(id: unknown): Promise<void> {
    const op = typeof id === 'string' ? this.operations.get(id) : undefined;
    if (!op) return;
    const place = this.requirePlace();
    await vscode.window.withProgress({ location: { viewId: 'orchard.operations' }, title: 'Stopping the build…' }, () =>
      this.bundle().cancelOperation(place.stateDir, op.id, { repoRoot: place.repoRoot }).catch((error: unknown) => void vscode.window.showErrorMessage(`Orchard: ${String(error)}`)),
    );
    await this.reload(op.id);
  }

  async discard(id: unknown): Promise<void> {
    const op = typeof id === 'string' ? this.operations.get(id) : undefined;
    if (!op) return;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Orchard does not change the repository in Restricted Mode. Trust this workspace to discard a build.');
      return;
    }
    if (!(await confirmDiscard(op, this.blueprints.featureName(op.slug) ?? op.slug))) return;
    const place = this.requirePlace();
    await vscode.window.withProgress({ location: { viewId: 'orchard.operations' }, title: 'Discarding the build…' }, async () => {
      try {
        const result = await this.bundle().discardOperation(place.stateDir, place.repoRoot, op.id);
        for (const warning of result.warnings) void vscode.window.showWarningMessage(`Orchard: ${warning}`);
      } catch (error) {
        void vscode.window.showErrorMessage(`Orchard could not discard the build: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    await this.reload(op.id);
  }

  async openWorktree(id: unknown): Promise<void> {
    const op = typeof id === 'string' ? this.operations.get(id) : undefined;
    if (!op?.worktree) return;
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(op.worktree), { forceNewWindow: true });
  }

  /** Asks the user what the agent waits to know, once per question per window (again after a dismissal, from the view). */
  async ask(id: unknown): Promise<void> {
    const op = typeof id === 'string' ? this.operations.get(id) : undefined;
    const question = op?.question;
    if (!op || !question) return;
    const key = `${op.id}/${question.id}`;
    if (this.asking.has(key)) return;
    this.asking.add(key);
    try {
      const answer = await askAboutCommand(this.blueprints.featureName(op.slug) ?? op.slug, question, vscode.workspace.isTrusted);
      if (!answer) return;
      const place = this.requirePlace();
      // Another window (or a terminal) may have answered first: then this answer is moot.
      await this.bundle().answerQuestion(place.stateDir, op.id, question.id, answer).catch((error: unknown) => log().info(`Answer to ${key} not recorded: ${String(error)}`));
    } finally {
      this.asking.delete(key);
    }
  }

  /**
   * Source Control's Approve Agent Changes. Approval itself (merging the build's commit from the
   * Source Control view) is its own piece of work, not in this version: until then say truthfully
   * what waits and how to take it.
   */
  async approveFromSourceControl(): Promise<void> {
    await this.refresh();
    const waiting = [...this.operations.values()].filter((op) => op.status === 'waiting');
    if (waiting.length === 0) {
      void vscode.window.showInformationMessage('Orchard: no agent changes are waiting for approval.');
      return;
    }
    const branches = waiting.map((op) => op.branch ?? op.id).join(', ');
    const picked = await vscode.window.showInformationMessage(
      `Orchard: ${waiting.length === 1 ? 'a build waits' : `${waiting.length} builds wait`} for review (${branches}). Approving from here is not in this version yet: review the branch and merge it yourself, or discard it from the Operations view.`,
      'Show Operations',
    );
    if (picked === 'Show Operations') void vscode.commands.executeCommand('orchard.operations.focus');
  }

  private readonly reloadTimers = new Map<string, ReturnType<typeof setTimeout>>();

  private reloadSoon(id: string): void {
    if (this.reloadTimers.has(id)) return;
    this.reloadTimers.set(
      id,
      setTimeout(() => {
        this.reloadTimers.delete(id);
        void this.reload(id).then(() => {
          const op = this.operations.get(id);
          if (op) this.track(op);
        });
      }, 300),
    );
  }

  private async reload(id: string): Promise<void> {
    const place = this.requirePlace();
    const op = await this.bundle().loadOperation(place.stateDir, id).catch(() => undefined);
    if (op) {
      this.operations.set(id, op);
      this.documents.reread(op);
    }
    this.changed();
  }

  dispose(): void {
    this.disposed = true;
    this.stopFollowing();
    this.watcher?.close();
    if (this.changeTimer) clearTimeout(this.changeTimer);
    for (const timer of this.reloadTimers.values()) clearTimeout(timer);
    this.documents.dispose();
    this._onDidChange.dispose();
    this._onDidEvent.dispose();
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}
