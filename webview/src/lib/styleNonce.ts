/**
 * The page's CSP admits styles from the built assets and <style> elements with
 * the page's nonce, never inline styles at large. xterm.js creates <style>
 * elements for its theme and cell sizes as it runs; this gives every <style>
 * element a script creates the nonce of the page's own script, so they apply
 * while styles injected any other way (HTML in a message, say) still do not.
 * A script that can create elements here already runs with the page's trust.
 */
let installed = false;

export function nonceScriptStyles(): void {
  if (installed) return;
  installed = true;
  const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce;
  if (!nonce) return;
  const create = Document.prototype.createElement;
  Document.prototype.createElement = function (this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
    const element = create.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  } as typeof Document.prototype.createElement;
}
