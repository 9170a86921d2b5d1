/**
 * The `.orchard/schema.yaml` file format as zod schemas — the single source of
 * both the validation and the published JSON Schema.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import type { ActionRule } from '../diagnostics/diagnostic';
import { MEMORY_KINDS, type MemoryKind } from '../memoryKinds';
import { DEFAULT_MAX_LINES, defaultKindRules, type FileMemoryRule, type ProjectSchema } from './schemaModel';

const sectionName = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
const fieldName = z.string().check(z.regex(/^[A-Za-z_][\w-]*$/, 'must be a field name (letters, digits, "_" or "-")'));

export const MemoryRuleInput = z.strictObject({
  requiredSections: z.optional(
    z.array(sectionName).check(z.describe('Heading texts (any level) that must exist; case and inline markup do not matter.')),
  ),
  maxLines: z.optional(z.int().check(z.positive(), z.describe(`Warn past this many lines (default ${DEFAULT_MAX_LINES}).`))),
});
type MemoryRuleInput = z.infer<typeof MemoryRuleInput>;

const kindRules = Object.fromEntries(MEMORY_KINDS.map((kind) => [kind, z.optional(MemoryRuleInput)])) as Record<
  MemoryKind,
  z.ZodMiniOptional<typeof MemoryRuleInput>
>;

export const MemorySectionInput = z.strictObject({
  ...kindRules,
  files: z.optional(
    z.record(z.string().check(z.minLength(1)), MemoryRuleInput).check(
      z.describe('Rules per workspace-relative glob; each overrides its kind rule for the fields it sets.'),
    ),
  ),
});

export const ActionRuleInput = z.strictObject({
  required: z.optional(z.array(fieldName)),
  optional: z.optional(z.array(fieldName)),
  description: z.optional(z.string()),
});

export const TreesSectionInput = z.strictObject({
  actions: z.optional(
    z.record(z.string().check(z.regex(/^[A-Za-z][\w-]*$/, 'must be an action name (a letter, then letters, digits, "_" or "-")')), ActionRuleInput),
  ),
});

export const ProjectSchemaFile = z.strictObject({
  version: z.optional(z.literal(1)),
  memory: z.optional(MemorySectionInput),
  trees: z.optional(TreesSectionInput),
});
export type ProjectSchemaFile = z.infer<typeof ProjectSchemaFile>;

/** JSON Schema (draft-07, what yaml-language-server reads best) of `.orchard/schema.yaml`. */
export function projectSchemaJsonSchema(): object {
  return {
    ...z.toJSONSchema(ProjectSchemaFile, { target: 'draft-07', io: 'input' }),
    $id: 'https://orchard.dev/schemas/orchard-schema.json',
    title: 'Orchard workspace schema (.orchard/schema.yaml)',
    description: 'Tightens the built-in project-memory rules and adds cookbook-tree actions for this workspace.',
  };
}

/** The known keys at a key path of the file, for "did you mean" (`*` stands for any kind, glob or action name). */
export function knownKeysAt(path: readonly (string | number)[]): string[] {
  const [first, second, third] = path;
  if (path.length === 0) return Object.keys(ProjectSchemaFile.def.shape);
  if (first === 'memory' && path.length === 1) return Object.keys(MemorySectionInput.def.shape);
  if (first === 'memory' && (path.length === 2 || (second === 'files' && path.length === 3))) return Object.keys(MemoryRuleInput.def.shape);
  if (first === 'trees' && path.length === 1) return Object.keys(TreesSectionInput.def.shape);
  if (first === 'trees' && second === 'actions' && third !== undefined && path.length === 3) return Object.keys(ActionRuleInput.def.shape);
  return [];
}

/** A valid file applied over the defaults. */
export function resolveProjectSchema(file: ProjectSchemaFile): ProjectSchema {
  const kinds = defaultKindRules();
  const memory = file.memory as Partial<Record<MemoryKind, MemoryRuleInput>> | undefined;
  for (const kind of MEMORY_KINDS) {
    const rule = memory?.[kind];
    if (rule?.requiredSections) kinds[kind].requiredSections = rule.requiredSections;
    if (rule?.maxLines !== undefined) kinds[kind].maxLines = rule.maxLines;
  }
  const files: FileMemoryRule[] = Object.entries(file.memory?.files ?? {}).map(([glob, rule]) => ({ glob, ...rule }));
  const actions: Record<string, ActionRule> = {};
  for (const [name, rule] of Object.entries(file.trees?.actions ?? {})) {
    actions[name] = { required: rule.required ?? [], optional: rule.optional ?? [], ...(rule.description ? { description: rule.description } : {}) };
  }
  return { version: 1, memory: { kinds, files }, trees: { actions } };
}
