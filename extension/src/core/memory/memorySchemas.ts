/**
 * The front matter each memory kind's tool reads, as zod schemas — the rules
 * `frontMatter.ts` applies field by field so each problem lands on its value.
 * Objects are loose on purpose: tools add keys of their own (Cursor's
 * `priority`, agent frameworks' `version`), and only a near miss of a known
 * key (`glob` for `globs`) is worth a warning.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import type { MemoryKind } from '../memoryKinds';

const text = z.string({ error: 'must be a string' });
const nonEmptyText = z.string({ error: 'must be a string' }).check(z.refine((value) => value.trim() !== '', 'must not be empty'));
/** A glob string or a list; each entry is then checked as a glob, with its own range. */
const globs = z.union([z.string(), z.array(z.unknown())], { error: 'must be a glob string or a list of globs' });
const flag = z.boolean({ error: 'must be true or false' });

/** `.claude/rules/**\/*.md`: `paths` limits the rule to matching files (Claude Code). */
export const ClaudeRuleFrontMatter = z.looseObject({
  paths: z.optional(globs),
  description: z.optional(text),
});

/** `.cursor/rules/*.mdc`: Cursor's rule types come from these three fields. */
export const CursorRuleFrontMatter = z.looseObject({
  description: z.optional(text),
  globs: z.optional(globs),
  alwaysApply: z.optional(flag),
});

/** `.github/instructions/**\/*.instructions.md` (GitHub Copilot, VS Code). */
export const CopilotInstructionsFrontMatter = z.looseObject({
  applyTo: z.optional(globs),
  excludeAgent: z.optional(z.enum(['code-review', 'coding-agent'], { error: 'must be "code-review" or "coding-agent"' })),
  description: z.optional(text),
  name: z.optional(text),
});

/** AGENTS.md needs no front matter; when it has some, agent tools read `name` and `description`. */
export const AgentsFrontMatter = z.looseObject({
  name: z.optional(nonEmptyText),
  description: z.optional(nonEmptyText),
});

type FrontMatterSchema = z.ZodMiniObject<Record<string, z.ZodMiniType>>;

/** The kinds whose front matter is checked; the others may carry any. */
export const FRONT_MATTER_SCHEMAS: Partial<Record<MemoryKind, FrontMatterSchema>> = {
  'claude-rule': ClaudeRuleFrontMatter as unknown as FrontMatterSchema,
  'cursor-rule': CursorRuleFrontMatter as unknown as FrontMatterSchema,
  'copilot-instructions': CopilotInstructionsFrontMatter as unknown as FrontMatterSchema,
  agents: AgentsFrontMatter as unknown as FrontMatterSchema,
  'agents-override': AgentsFrontMatter as unknown as FrontMatterSchema,
};

/** Glob fields, and whether their tool splits a string on commas (Cursor and Copilot do; Claude Code takes one glob). */
export const GLOB_FIELDS: Record<string, { commaSeparated: boolean }> = {
  paths: { commaSeparated: false },
  globs: { commaSeparated: true },
  applyTo: { commaSeparated: true },
};

/** Kinds whose tools read front matter: an unclosed block there is a real problem. */
export const USES_FRONT_MATTER: ReadonlySet<MemoryKind> = new Set<MemoryKind>(['claude-rule', 'cursor-rule', 'copilot-instructions']);
