/**
 * Webview entry: registers the @vscode-elements button (before mounting, so
 * Svelte sets its properties rather than string attributes; the form's
 * elements load with the form, `lib/formElements.ts`),
 * mounts the app for the surface named by <body data-kind>, then connects to
 * the host.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './styles/base.css';
import './styles/markdown.css';

import { mount } from 'svelte';
import { WebviewKind } from '../../extension/src/core/protocol';
import App from './App.svelte';
import { AppState } from './lib/appState.svelte';
import { acquireApi, createBridge } from './lib/vscode';

declare global {
  interface Window {
    /** performance.now() when the panes first painted; read by the activation benchmark. */
    __orchardFirstPaint?: number;
  }
}

const kindParsed = WebviewKind.safeParse(document.body.dataset.kind);
if (!kindParsed.success) console.warn(`[orchard webview] unknown data-kind ${String(document.body.dataset.kind)}; showing the Studio`);
const kind = kindParsed.success ? kindParsed.data : 'studio';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from the webview HTML');

const app = new AppState(createBridge(acquireApi()), kind);
mount(App, { target, props: { app } });
// Listen before saying ready: the host answers `ready` with init and a snapshot.
app.connect();

// mount() renders synchronously; the next frame is the first paint of the panes.
requestAnimationFrame(() => {
  window.__orchardFirstPaint = performance.now();
  performance.mark('orchard-first-paint');
});
