/**
 * Folders Orchard keeps in a workspace, named once. No imports: the
 * activation bundle (the early Studio panel's resource roots) uses it too.
 */

/**
 * Where images attached in chat are stored, workspace-relative:
 * `<dir>/<slug>/<name>`. The host writes there and grants webviews read
 * access to this folder alone.
 */
export const REFERENCES_DIR = '.orchard/references';
