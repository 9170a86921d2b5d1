import * as vscode from 'vscode';
import { log } from '../log';
import { createStudioPanel, loadStudioPage, type EarlyStudioPanel } from './earlyStudioPanel';
import { WebviewSession, type SessionServices } from './webviewSession';

/**
 * The Studio: one webview panel beside the editor with the Chat, Plan and
 * Preview panes. At most one exists; opening it again reveals it.
 *
 * It is restored after a reload by the panel serializer. The webview keeps its
 * own state (selected blueprint, pane sizes) with getState/setState, so the
 * panel does not need retainContextWhenHidden and its memory is freed when hidden.
 */
export class StudioPanel implements vscode.Disposable {
  private static current: StudioPanel | undefined;

  static show(extensionUri: vscode.Uri, services: SessionServices, slug?: string): StudioPanel {
    const existing = StudioPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      if (slug) existing.session.reveal(slug);
      return existing;
    }
    const studio = new StudioPanel(createStudioPanel(extensionUri), services);
    if (slug) studio.session.reveal(slug);
    return studio;
  }

  /** Takes over a panel the activation bundle opened (see earlyStudioPanel.ts), replaying what its webview already sent. */
  static adopt(early: EarlyStudioPanel, services: SessionServices, slug?: string): StudioPanel {
    StudioPanel.current?.dispose();
    const studio = new StudioPanel(early.panel, services);
    studio.session.replay(early.takeMessages());
    if (slug) studio.session.reveal(slug);
    return studio;
  }

  static restore(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, services: SessionServices): void {
    loadStudioPage(panel, extensionUri);
    StudioPanel.current?.dispose();
    new StudioPanel(panel, services);
  }

  private readonly session: WebviewSession;
  private readonly disposables: vscode.Disposable[] = [];

  /** `panel` already has its HTML; the session listens from here on. */
  private constructor(
    private readonly panel: vscode.WebviewPanel,
    services: SessionServices,
  ) {
    StudioPanel.current = this;
    this.session = new WebviewSession(panel.webview, 'studio', services);
    this.disposables.push(this.session, panel.onDidDispose(() => this.dispose()));
    log().info('Studio opened');
  }

  dispose(): void {
    if (StudioPanel.current === this) StudioPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  static showHistory(slug: string): void {
    StudioPanel.current?.session.showHistory(slug);
  }

  static focusPane(pane: 1 | 2 | 3): void {
    StudioPanel.current?.session.focusPane(pane);
  }

  static disposeCurrent(): void {
    StudioPanel.current?.dispose();
  }
}
