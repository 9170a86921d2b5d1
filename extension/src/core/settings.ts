/**
 * Every `orchard.*` setting in one table: its key, the default the code falls
 * back to, and when a change takes effect. package.json declares the same
 * keys and defaults for VS Code (`test/unit/settings.test.ts` keeps the two
 * equal); the VS Code layer reads a typed snapshot through
 * `vscode/settings.ts`, the language server and the CLI take the globs from
 * here. Pure: no `vscode`, no I/O, no imports, so the activation bundle can
 * carry it.
 */

export type ProviderKind = 'anthropic' | 'claude-cli';

/** When a changed value is used: by the next chat message, at once (the language server re-checks), or after a window reload. */
export type SettingEffect = 'next-message' | 'next-build' | 'next-preview' | 'at-once' | 'reload';

/** The memory files every workspace has by default; a user's setting replaces the list. */
export const DEFAULT_MEMORY_GLOBS: readonly string[] = Object.freeze([
  '**/CLAUDE.md',
  '**/CLAUDE.local.md',
  '**/AGENTS.md',
  '**/AGENTS.override.md',
  '.claude/CLAUDE.md',
  '.claude/rules/**/*.md',
  'context/*.md',
  '.cursor/rules/*.mdc',
  '.github/copilot-instructions.md',
  '.github/instructions/**/*.instructions.md',
  '.orchard/plans/*.md',
  '.orchard/knowledge/*.md',
  '.orchard/reviews/*.md',
]);

/** Cookbook trees (validated in `core/trees/`). */
export const DEFAULT_TREE_GLOBS: readonly string[] = Object.freeze(['cookbooks/trees/*.yaml', 'cookbooks/trees/*.yml', '.orchard/trees/*.yaml', '.orchard/trees/*.yml']);

export const MIN_BUDGET_TOKENS = 1000;

/** A snapshot of the settings, as one use (a chat turn, a check) reads them. */
export interface OrchardSettings {
  provider: ProviderKind;
  /** Empty: the provider's current default model. */
  model: string;
  anthropicBaseUrl: string;
  claudeCliPath: string;
  budgetTokens: number;
  /** Builds of a repository that run at once; the rest wait, pending. */
  buildMaxParallel: number;
  /** The tokens one build may use (all its model requests). */
  buildBudgetTokens: number;
  /** Files git does not hold copied into a build's new worktree (core/operations/copyPatterns.ts). */
  buildCopyFiles: readonly string[];
  /** What serves a build's app for the live preview; empty: the worktree's dev or start script. */
  previewCommand: string;
  memoryGlobs: readonly string[];
  treeGlobs: readonly string[];
}

export interface SettingInfo<T> {
  key: `orchard.${string}`;
  default: T;
  effect: SettingEffect;
  /** A workspace's value is ignored in Restricted Mode (it could send the key elsewhere or name a program to run). */
  restricted?: true;
}

export const SETTINGS: { readonly [K in keyof OrchardSettings]: SettingInfo<OrchardSettings[K]> } = {
  provider: { key: 'orchard.provider', default: 'anthropic', effect: 'next-message' },
  model: { key: 'orchard.model', default: '', effect: 'next-message' },
  anthropicBaseUrl: { key: 'orchard.anthropic.baseUrl', default: '', effect: 'next-message', restricted: true },
  claudeCliPath: { key: 'orchard.claudeCli.path', default: '', effect: 'next-message', restricted: true },
  budgetTokens: { key: 'orchard.budget.tokens', default: 200_000, effect: 'next-message' },
  buildMaxParallel: { key: 'orchard.build.maxParallel', default: 3, effect: 'next-build' },
  buildBudgetTokens: { key: 'orchard.build.budgetTokens', default: 2_000_000, effect: 'next-build' },
  buildCopyFiles: { key: 'orchard.build.copyFiles', default: [], effect: 'next-build', restricted: true },
  previewCommand: { key: 'orchard.preview.command', default: '', effect: 'next-preview', restricted: true },
  memoryGlobs: { key: 'orchard.memory.globs', default: DEFAULT_MEMORY_GLOBS, effect: 'at-once' },
  treeGlobs: { key: 'orchard.trees.globs', default: DEFAULT_TREE_GLOBS, effect: 'at-once' },
};

export const SETTING_NAMES = Object.keys(SETTINGS) as (keyof OrchardSettings)[];

/**
 * Values as VS Code returns them (anything a settings.json may hold) made
 * usable: unknown or mistyped values fall back to the defaults. The globs'
 * own problems (a pattern that does not parse) are reported by
 * `validation/validateFiles.ts` `checkGlobs`, which the server and CLI use.
 */
function wholeNumber(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? Math.floor(value) : undefined;
}

export function normalizeSettings(raw: { [K in keyof OrchardSettings]?: unknown }): OrchardSettings {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const globs = (v: unknown, fallback: readonly string[]) => (Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : fallback);
  const budget = raw.budgetTokens;
  return {
    provider: raw.provider === 'claude-cli' ? 'claude-cli' : 'anthropic',
    model: text(raw.model),
    anthropicBaseUrl: text(raw.anthropicBaseUrl),
    claudeCliPath: text(raw.claudeCliPath),
    budgetTokens: typeof budget === 'number' && Number.isFinite(budget) && budget >= MIN_BUDGET_TOKENS ? Math.floor(budget) : SETTINGS.budgetTokens.default,
    buildMaxParallel: wholeNumber(raw.buildMaxParallel, 1, 64) ?? SETTINGS.buildMaxParallel.default,
    buildBudgetTokens: wholeNumber(raw.buildBudgetTokens, MIN_BUDGET_TOKENS, Number.MAX_SAFE_INTEGER) ?? SETTINGS.buildBudgetTokens.default,
    buildCopyFiles: globs(raw.buildCopyFiles, []),
    previewCommand: text(raw.previewCommand).trim(),
    memoryGlobs: globs(raw.memoryGlobs, DEFAULT_MEMORY_GLOBS),
    treeGlobs: globs(raw.treeGlobs, DEFAULT_TREE_GLOBS),
  };
}
