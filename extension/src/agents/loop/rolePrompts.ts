/**
 * An agent's system prompt: `prompts/<role>.md` shipped with the extension,
 * or the workspace's `.orchard/prompts/<role>.md` when the workspace is
 * trusted. An untrusted repository must not steer the agent: its override
 * could drop every rule of the role (never write code, change the plan only
 * through the tool), so in Restricted Mode the shipped prompt is always used.
 * An override that links out of the workspace (or worktree) is not read.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { OutsideRootError, readFileInside } from '../../platform/confinedPath';

const ROLE_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Where a workspace keeps its prompt overrides, relative to its root. */
export const PROMPT_OVERRIDE_DIR = '.orchard/prompts';

export interface RolePrompt {
  text: string;
  /** `bundled` for the extension's own prompt, `workspace` for an override. */
  origin: 'bundled' | 'workspace';
  /** The file read: workspace-relative for an override, absolute for the bundled one. */
  file: string;
}

export interface RolePromptOptions {
  workspaceRoot: string | null;
  trusted: boolean;
  /** The extension's `prompts/` folder; found next to the bundle (or the sources, in tests) when unset. */
  promptsDir?: string;
}

/**
 * `dist/*.js` bundles sit one level below the extension root, this source
 * file (`extension/src/agents/loop/`) four; the first folder holding the prompt wins.
 */
export function defaultPromptsDir(role = 'architect'): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [path.resolve(here, '..', 'prompts'), path.resolve(here, '..', '..', '..', '..', 'prompts')];
  return candidates.find((dir) => existsSync(path.join(dir, `${role}.md`))) ?? candidates[0]!;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function loadRolePrompt(role: string, options: RolePromptOptions): Promise<RolePrompt> {
  if (!ROLE_PATTERN.test(role)) throw new Error(`Unknown agent role "${role}": a role is lowercase letters, digits and "-"`);
  if (options.trusted && options.workspaceRoot) {
    const relative = `${PROMPT_OVERRIDE_DIR}/${role}.md`;
    // Through the one path module: an override that links out of the workspace is not read into the prompt.
    const text = await readFileInside(options.workspaceRoot, relative).catch((error: unknown) => {
      if (error instanceof OutsideRootError || (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    // A blank override reads as a mistake (an emptied file), not as "no rules".
    if (text !== undefined && text.trim() !== '') return { text, origin: 'workspace', file: relative };
  }
  const file = path.join(options.promptsDir ?? defaultPromptsDir(role), `${role}.md`);
  const text = await readIfPresent(file);
  if (text === undefined || text.trim() === '') throw new Error(`The ${role} prompt is missing: ${file} does not exist or is empty`);
  return { text, origin: 'bundled', file };
}
