/**
 * Loads the Markdown renderer (marked + DOMPurify, a third of the webview's
 * code) on first use as its own chunk, so the Studio's panes paint before
 * that code is parsed. One load, shared by every caller.
 */
export type MarkdownToHtml = (markdown: string) => string;

let loading: Promise<MarkdownToHtml> | undefined;

export function loadMarkdownRenderer(): Promise<MarkdownToHtml> {
  loading ??= import('./markdown').then((m) => m.markdownToSafeHtml);
  return loading;
}
