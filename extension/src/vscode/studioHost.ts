/**
 * Everything behind the Studio and the Architect view: the blueprint index,
 * the webview sessions, the Architect chat and the blueprint commands. Bundled as
 * dist/studioHost.js and loaded the first time a user opens an Orchard view
 * or runs one of these commands, so activation does not pay for zod and the
 * blueprint schema.
 */
import * as vscode from 'vscode';
import { canBuild } from '../core/blueprint/readiness';
import { BlueprintIndex } from './blueprints/blueprintIndex';
import { FolderServices } from './blueprints/folderServices';
import { ChatService } from './chat/chatService';
import { checkChatImage } from '../orchestration/chat/imageCheck';
import type { ApiKeyStore } from './secrets';
import type { EarlyStudioPanel } from './webviews/earlyStudioPanel';
import { StudioPanel } from './webviews/studioPanel';
import { webviewHtml, webviewOptions } from './webviews/webviewHtml';
import { WebviewSession, type SessionServices } from './webviews/webviewSession';
import { AgentsPanel } from './webviews/agentsPanel';
import { OperationsHost } from './operations/operationsHost';
import { PreviewHost } from './operations/previewHost';
import { startLoopProbe } from './operations/loopProbe';

export class StudioHost implements vscode.Disposable {
  private readonly services: SessionServices;

  private folderServices: FolderServices | undefined;
  private readonly chat: ChatService;
  private operationsHost: OperationsHost | undefined;
  private previewHost: PreviewHost | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly apiKeys: ApiKeyStore,
    storageUri: vscode.Uri | undefined,
  ) {
    const index = new BlueprintIndex();
    const host = this;
    // Follows the first workspace folder, which can change while the window lives.
    const folderServices = (): FolderServices | undefined => {
      const folder = index.folder;
      if (!folder) return undefined;
      if (host.folderServices?.folder !== folder) {
        void host.folderServices?.dispose();
        host.folderServices = new FolderServices(folder, index, storageUri);
      }
      return host.folderServices;
    };
    this.chat = new ChatService({ extensionUri, apiKeys, folder: folderServices, checkImage: checkChatImage });
    this.services = {
      index,
      apiKeys,
      get blueprints() {
        return folderServices()?.blueprints;
      },
      chat: this.chat,
      operations: () => host.operations,
      previews: () => host.previews,
    };
  }

  /** Live previews of builds' apps (made on first use). */
  get previews(): PreviewHost {
    return (this.previewHost ??= new PreviewHost(this.operations));
  }

  /** Builds and the Operations view (made on first use). */
  get operations(): OperationsHost {
    const index = this.services.index;
    if (!this.operationsHost) startLoopProbe(process.env.ORCHARD_LOOP_PROBE); // test/bench/agents.mjs only
    return (this.operationsHost ??= new OperationsHost(this.extensionUri, this.apiKeys, {
      featureName: (slug) => {
        const entry = index.find(slug);
        return entry?.ok ? entry.blueprint.featureName : undefined;
      },
      ready: () => index.list(),
    }));
  }

  openStudio(slug?: string): void {
    StudioPanel.show(this.extensionUri, this.services, slug);
  }

  /** The Studio panel the activation bundle opened before this host loaded. */
  adoptStudio(early: EarlyStudioPanel, slug?: string): void {
    StudioPanel.adopt(early, this.services, slug);
  }

  /** A panel VS Code restored after a reload (the serializer). */
  restoreStudio(panel: vscode.WebviewPanel): void {
    StudioPanel.restore(panel, this.extensionUri, this.services);
  }

  /** Orchard: Show Agents — the Agent Grid. */
  showAgents(): void {
    AgentsPanel.show(this.extensionUri, this.services);
  }

  restoreAgents(panel: vscode.WebviewPanel): void {
    AgentsPanel.restore(panel, this.extensionUri, this.services);
  }

  focusStudioPane(pane: 1 | 2 | 3): void {
    StudioPanel.focusPane(pane);
  }

  /** The sidebar Architect view: a session for as long as its webview lives. */
  resolveArchitectView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    const session = new WebviewSession(view.webview, 'architect', this.services);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'architect');
    view.onDidDispose(() => session.dispose());
  }

  async newBlueprint(): Promise<void> {
    const blueprints = this.services.blueprints;
    if (!blueprints) {
      void vscode.window.showInformationMessage('Open a folder first: Orchard keeps blueprints in its .orchard/blueprints folder.');
      return;
    }
    const featureName = await vscode.window.showInputBox({
      title: 'New Blueprint (1/2)',
      prompt: 'What feature are you planning?',
      placeHolder: 'e.g. Shared todo lists',
      validateInput: (v) => (v.trim() === '' ? 'A feature name is required.' : v.length > 120 ? 'At most 120 characters.' : undefined),
    });
    if (featureName === undefined) return;
    const summary = await vscode.window.showInputBox({
      title: 'New Blueprint (2/2)',
      prompt: 'A one-line summary (optional)',
      validateInput: (v) => (v.length > 2000 ? 'At most 2000 characters.' : undefined),
    });
    if (summary === undefined) return;
    const slug = await blueprints.create(featureName.trim(), summary.trim());
    this.openStudio(slug);
  }

  /** Orchard: Blueprint History — the Studio with the blueprint's History section open. */
  async showHistory(slug: unknown): Promise<void> {
    const entries = await this.services.index.list();
    let chosen = typeof slug === 'string' && this.services.index.find(slug) ? slug : undefined;
    if (!chosen) {
      if (entries.length === 0) {
        void vscode.window.showInformationMessage('Orchard: there are no blueprints yet. Create one with Orchard: New Blueprint.');
        return;
      }
      const pick = await vscode.window.showQuickPick(
        entries.map((e) => ({ label: e.ok ? e.blueprint.featureName : e.slug, description: e.file, detail: e.ok ? undefined : 'has problems', slug: e.slug })),
        { title: 'Blueprint History', placeHolder: 'Which blueprint?' },
      );
      if (!pick) return;
      chosen = pick.slug;
    }
    StudioPanel.show(this.extensionUri, this.services, chosen);
    StudioPanel.showHistory(chosen);
  }

  async buildBlueprint(slug: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Orchard does not build in Restricted Mode. Trust this workspace to let agents run.');
      return;
    }
    const entries = await this.services.index.list();
    if (slug === undefined) {
      // From the Command Palette: the ready blueprints to choose from.
      const ready = entries.filter((e) => e.ok && canBuild(e.blueprint));
      if (ready.length === 0) {
        void vscode.window.showInformationMessage('Orchard: no blueprint is ready to build yet. Plan one with the Architect until its blockers and blocking questions are resolved.');
        return;
      }
      const pick = await vscode.window.showQuickPick(
        ready.map((e) => ({ label: e.ok ? e.blueprint.featureName : e.slug, description: e.file, slug: e.slug })),
        { title: 'Build Blueprint', placeHolder: 'Which ready blueprint?' },
      );
      if (!pick) return;
      slug = pick.slug;
    }
    const entry = typeof slug === 'string' ? this.services.index.find(slug) : undefined;
    if (!entry || !entry.ok) {
      void vscode.window.showErrorMessage(`Orchard: there is no valid blueprint "${String(slug)}" to build.`);
      return;
    }
    if (!canBuild(entry.blueprint)) {
      void vscode.window.showWarningMessage(`"${entry.blueprint.featureName}" is not ready to build: resolve its blockers and blocking questions first.`);
      return;
    }
    await this.operations.build(entry.slug, entry.blueprint.featureName);
  }

  dispose(): void {
    void this.close();
  }

  /** Disposes, and resolves once the studio DB has written what it held (deactivate awaits this). */
  async close(): Promise<void> {
    // Running turns stop and save what they had before the store closes.
    await this.chat.close();
    StudioPanel.disposeCurrent();
    this.previewHost?.dispose();
    this.operationsHost?.dispose();
    this.services.index.dispose();
    const folderServices = this.folderServices;
    this.folderServices = undefined;
    await folderServices?.dispose();
  }
}
