/**
 * The workspace schema `.orchard/schema.yaml`: how one workspace tightens the
 * built-in memory rules (required sections and size budgets per memory kind or
 * per file) and adds cookbook-tree actions of its own. The format, the reader
 * and the resolved model live in `projectSchema/`; this is their one entry.
 */
export {
  BUILT_IN_TREE_ACTIONS,
  DEFAULT_MAX_LINES,
  DEFAULT_PROJECT_SCHEMA,
  PROJECT_SCHEMA_PATH,
  memoryRuleFor,
  type FileMemoryRule,
  type MemoryRule,
  type ProjectSchema,
  type ResolvedMemoryRule,
} from './schemaModel';
export { ProjectSchemaFile, projectSchemaJsonSchema } from './schemaFormat';
export { parseProjectSchema } from './schemaFileReader';

/** Every code `parseProjectSchema` emits -> its one-line meaning (listed in CLAUDE.md). */
export const PROJECT_SCHEMA_DIAGNOSTIC_CODES: Record<string, string> = {
  'schema/yaml-syntax': '.orchard/schema.yaml is not valid YAML; the built-in defaults apply until it is fixed.',
  'schema/unknown-key': 'a key schema.yaml does not know (with "did you mean" when one is close); it is ignored.',
  'schema/invalid-value': 'a value of the wrong type or out of range; the message names its key path and the default applies.',
  'schema/invalid-glob': 'a memory.files glob that cannot be parsed (unbalanced brackets or braces); that rule is ignored.',
  'schema/builtin-action': 'trees.actions redefines a built-in tree action (api, wait_build, shell, agent, wait); that entry is ignored.',
  'schema/duplicate-field': 'a tree action lists the same field as both required and optional (it counts as required).',
};
