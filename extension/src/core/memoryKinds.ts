/**
 * Which files are project memory, and what kind each one is. The kind decides
 * the front-matter rules and which `.orchard/schema.yaml` rule applies.
 * Paths here are workspace-relative POSIX paths (`packages/api/CLAUDE.md`).
 * It sits beside `settings.ts` (the default globs), below both `memory/` (the
 * validator) and `projectSchema/` (rules per kind), which share this vocabulary.
 */

export type MemoryKind =
  | 'claude'
  | 'claude-local'
  | 'agents'
  | 'agents-override'
  | 'claude-rule'
  | 'context'
  | 'cursor-rule'
  | 'copilot'
  | 'copilot-instructions'
  | 'orchard-plan'
  | 'orchard-knowledge'
  | 'orchard-review'
  | 'other';

export const MEMORY_KINDS: readonly MemoryKind[] = [
  'claude',
  'claude-local',
  'agents',
  'agents-override',
  'claude-rule',
  'context',
  'cursor-rule',
  'copilot',
  'copilot-instructions',
  'orchard-plan',
  'orchard-knowledge',
  'orchard-review',
  'other',
];

// The default globs are settings' defaults: one list, in core/settings.ts (package.json declares the same).
export { DEFAULT_MEMORY_GLOBS, DEFAULT_TREE_GLOBS } from './settings';

const BY_FILE_NAME: Record<string, MemoryKind> = {
  'CLAUDE.md': 'claude',
  'CLAUDE.local.md': 'claude-local',
  'AGENTS.md': 'agents',
  'AGENTS.override.md': 'agents-override',
};

/**
 * The kind of a memory file by its workspace-relative path. The file name wins
 * over the folder (a `CLAUDE.md` is read as one wherever it sits); a path that
 * matches none of the default globs is `other` (a user's own glob).
 */
export function memoryKindOf(relativePath: string): MemoryKind {
  const path = relativePath.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
  const slash = path.lastIndexOf('/');
  const fileName = path.slice(slash + 1);
  const folder = slash < 0 ? '' : path.slice(0, slash);
  const byName = BY_FILE_NAME[fileName];
  if (byName) return byName;
  if (folder === '.claude/rules' || folder.startsWith('.claude/rules/')) return fileName.endsWith('.md') ? 'claude-rule' : 'other';
  if (folder === 'context' && fileName.endsWith('.md')) return 'context';
  if (folder === '.cursor/rules' && fileName.endsWith('.mdc')) return 'cursor-rule';
  if (path === '.github/copilot-instructions.md') return 'copilot';
  if ((folder === '.github/instructions' || folder.startsWith('.github/instructions/')) && fileName.endsWith('.instructions.md')) {
    return 'copilot-instructions';
  }
  if (fileName.endsWith('.md')) {
    if (folder === '.orchard/plans') return 'orchard-plan';
    if (folder === '.orchard/knowledge') return 'orchard-knowledge';
    if (folder === '.orchard/reviews') return 'orchard-review';
  }
  return 'other';
}

/** A short name for messages: `CLAUDE.md`, `Cursor rule`, … */
export const MEMORY_KIND_LABELS: Record<MemoryKind, string> = {
  claude: 'CLAUDE.md',
  'claude-local': 'CLAUDE.local.md',
  agents: 'AGENTS.md',
  'agents-override': 'AGENTS.override.md',
  'claude-rule': 'Claude rule (.claude/rules)',
  context: 'context file',
  'cursor-rule': 'Cursor rule (.mdc)',
  copilot: 'Copilot instructions',
  'copilot-instructions': 'Copilot path instructions',
  'orchard-plan': 'Orchard plan',
  'orchard-knowledge': 'Orchard knowledge file',
  'orchard-review': 'Orchard review',
  other: 'memory file',
};
