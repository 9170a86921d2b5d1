/**
 * The VS Code theme as xterm.js colours: the integrated terminal's own
 * variables (`--vscode-terminal-*`), which every theme defines or inherits,
 * so a card's output looks like the user's terminal in light, dark and
 * high-contrast themes.
 */
import type { ITheme } from '@xterm/xterm';

const ANSI = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'] as const;

export function terminalTheme(style: CSSStyleDeclaration = getComputedStyle(document.documentElement)): ITheme {
  const v = (name: string, fallback?: string) => style.getPropertyValue(`--vscode-${name}`).trim() || (fallback ? style.getPropertyValue(`--vscode-${fallback}`).trim() : '') || undefined;
  const theme: ITheme = {
    background: v('terminal-background', 'editor-background'),
    foreground: v('terminal-foreground', 'editor-foreground'),
    cursor: v('terminal-background', 'editor-background'),
    selectionBackground: v('terminal-selectionBackground', 'editor-selectionBackground'),
  };
  const colours = theme as Record<string, string | undefined>;
  for (const name of ANSI) {
    const key = name[0]!.toLowerCase() + name.slice(1);
    colours[key] = v(`terminal-ansi${name}`);
    colours[`bright${name}`] = v(`terminal-ansiBright${name}`);
  }
  return Object.fromEntries(Object.entries(theme).filter(([, value]) => value !== undefined)) as ITheme;
}

export function terminalFont(style: CSSStyleDeclaration = getComputedStyle(document.documentElement)): { fontFamily: string; fontSize: number } {
  const size = Number.parseFloat(style.getPropertyValue('--vscode-editor-font-size'));
  return {
    fontFamily: style.getPropertyValue('--vscode-editor-font-family').trim() || 'monospace',
    fontSize: Number.isFinite(size) && size > 0 ? Math.min(size, 16) : 12,
  };
}
