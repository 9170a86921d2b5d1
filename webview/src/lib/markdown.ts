/**
 * Blueprint -> safe HTML for the Preview pane. `renderSpec` already escapes
 * blueprint text, but the HTML is still sanitized: the spec renderer and
 * `marked` may change, and a webview that runs injected markup can post
 * messages to the host as if the user had clicked.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import type { Blueprint } from '../../../extension/src/core/blueprint';
import { renderSpec } from '../../../extension/src/core/specRenderer';

// A private instance: global `marked.use()` calls elsewhere cannot change ours.
const marked = new Marked({ gfm: true, async: false });

export function specHtml(bp: Blueprint): string {
  const html = marked.parse(renderSpec(bp), { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    // Forms and inline styles have no place in a spec; links and tables do.
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
    FORBID_ATTR: ['style'],
  });
}
