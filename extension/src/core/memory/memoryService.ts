/**
 * Project memory — CLAUDE.md, AGENTS.md, `.claude/rules`, Cursor and Copilot
 * rules, `context/` and `.orchard/` notes — as editor features: diagnostics
 * with stable codes, completion, hover, go to definition and outline.
 * The one module the language server and the CLI import; the work is done in
 * the smaller modules next to it.
 */
export { DEFAULT_MEMORY_GLOBS, DEFAULT_TREE_GLOBS, MEMORY_KINDS, memoryKindOf, type MemoryKind } from '../memoryKinds';
export type { MemoryContext } from './memoryContext';
export { MEMORY_DIAGNOSTIC_CODES } from './memoryCodes';
export { FRONT_MATTER_SCHEMAS } from './memorySchemas';
export { checkMemoryFile, checkMemoryFileSteps, memoryDependencies, validateMemory, type MemoryValidation } from './memoryValidator';
export { memoryCompletions, memoryDefinition, memoryHover, memorySymbols } from './memoryEditorFeatures';
