/**
 * Markdown -> safe HTML for the Preview pane. `renderSpec` already escapes
 * blueprint text, but the HTML is still sanitized: the spec renderer and
 * `marked` may change, and a webview that runs injected markup can post
 * messages to the host as if the user had clicked.
 *
 * Loaded as its own chunk (see lazyMarkdown.ts); it must import nothing the
 * main bundle imports, or esbuild moves that into a shared chunk that main.js
 * would then have to fetch before the first paint.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

// A private instance: global `marked.use()` calls elsewhere cannot change ours.
const marked = new Marked({ gfm: true, async: false });

export function markdownToSafeHtml(markdown: string): string {
  const html = marked.parse(markdown, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    // Forms and inline styles have no place in a spec; links and tables do.
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
    FORBID_ATTR: ['style'],
  });
}
