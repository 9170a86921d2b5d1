/**
 * jsdom setup for the webview tests. The real @vscode-elements custom
 * elements are registered, as main.ts does, so tests see what Svelte really
 * does with them (properties, not string attributes). jsdom's
 * ElementInternals lacks the form-association half those elements call; the
 * shim below supplies the minimum (and `form`, so a submit button submits).
 */
import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';

// Lit prints a dev-mode banner and change-in-update advice on every run.
(globalThis as { litIssuedWarnings?: Set<string> }).litIssuedWarnings = new Set(['dev-mode', 'change-in-update']);

const attachInternals = HTMLElement.prototype.attachInternals;
HTMLElement.prototype.attachInternals = function (this: HTMLElement) {
  const internals = attachInternals.call(this);
  const host = this;
  Object.defineProperties(internals, {
    form: { get: () => host.closest('form') },
    validity: { get: () => ({ valid: true, valueMissing: false, customError: false }) },
    validationMessage: { get: () => '' },
    willValidate: { get: () => true },
    setFormValue: { value: () => {} },
    setValidity: { value: () => {} },
    checkValidity: { value: () => true },
    reportValidity: { value: () => true },
  });
  return internals;
};

// bind:clientWidth observes size; jsdom has no layout, so widths stay 0.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

await import('@vscode-elements/elements/dist/vscode-button/index.js');
await import('@vscode-elements/elements/dist/vscode-label/index.js');
await import('@vscode-elements/elements/dist/vscode-textarea/index.js');
await import('@vscode-elements/elements/dist/vscode-textfield/index.js');

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});
