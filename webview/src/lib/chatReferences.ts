/**
 * Images attached in chat are stored by the host under `.orchard/references/`
 * and named in transcripts and blueprints by workspace-relative paths. The
 * webview can load them only through the webview URI the host gives for that
 * folder (`init.referencesBaseUri`); anything outside it cannot be shown.
 */

import { REFERENCES_DIR } from '../../../extension/src/core/workspacePaths';

const REFERENCES_FOLDER = `${REFERENCES_DIR}/`;

/**
 * The webview URI for a workspace-relative path under `.orchard/references/`,
 * or null when there is no base, the path lies elsewhere, or it tries to climb
 * out with `..` (a hand-edited blueprint could say anything).
 */
export function resolveReferenceUri(baseUri: string | null | undefined, path: string | undefined): string | null {
  if (!baseUri || !path) return null;
  const normalized = path.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!normalized.startsWith(REFERENCES_FOLDER)) return null;
  const segments = normalized.slice(REFERENCES_FOLDER.length).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  const base = baseUri.endsWith('/') ? baseUri : `${baseUri}/`;
  return base + segments.map(encodeURIComponent).join('/');
}

/** The last segment of a path, for alt text and captions. */
export function fileName(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/');
  return parts[parts.length - 1] || path;
}
