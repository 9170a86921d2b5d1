/**
 * The @vscode-elements the New Blueprint form uses (label, text field, text
 * area: lit components with their styles), loaded the first time the form is
 * opened rather than with the Studio's first paint — the form sits in a
 * closed "New blueprint" disclosure. They must be registered before the form
 * mounts, so Svelte sets their properties rather than string attributes.
 */
let loading: Promise<void> | undefined;

export function loadFormElements(): Promise<void> {
  loading ??= Promise.all([
    import('@vscode-elements/elements/dist/vscode-label/index.js'),
    import('@vscode-elements/elements/dist/vscode-textarea/index.js'),
    import('@vscode-elements/elements/dist/vscode-textfield/index.js'),
  ]).then(() => undefined);
  return loading;
}
