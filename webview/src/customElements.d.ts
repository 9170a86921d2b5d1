// Lets svelte-check type the @vscode-elements custom elements we use, with
// their own classes as event targets (so `event.currentTarget.value` is typed).
import type { HTMLAttributes } from 'svelte/elements';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { VscodeLabel } from '@vscode-elements/elements/dist/vscode-label/vscode-label.js';

type Props<E extends HTMLElement, K extends keyof E> = HTMLAttributes<E> & Partial<Pick<E, K>>;

declare module 'svelte/elements' {
  export interface SvelteHTMLElements {
    'vscode-button': Props<VscodeButton, 'disabled' | 'secondary' | 'type' | 'block'>;
    'vscode-textfield': Props<VscodeTextfield, 'value' | 'placeholder' | 'invalid' | 'required' | 'disabled' | 'maxLength' | 'name' | 'label'>;
    'vscode-textarea': Props<VscodeTextarea, 'value' | 'placeholder' | 'invalid' | 'disabled' | 'maxLength' | 'rows' | 'name' | 'label'>;
    'vscode-label': Props<VscodeLabel, 'required'> & { for?: string };
  }
}

export {};
