/**
 * The cookbook tree language service: pure functions from a tree file's text
 * to diagnostics (with their quick fixes) and editor features. The language
 * server and `orchard validate` wire these; nothing here does I/O.
 *
 * parseTree reuses the unchanged chunks of the previous version, so an edit in
 * one step re-parses that step only; validateTree then redoes the cheap
 * cross-step checks (ids, graph, templates) over the whole tree.
 */
export type { ActionRule } from '../diagnostics/diagnostic';
export { BUILTIN_ACTIONS } from './treeActions';
export { TREE_DIAGNOSTIC_CODES } from './treeCodes';
export { treeCompletions } from './treeCompletion';
export { treeDefinition, treeHover, treeReferences, treeSymbols } from './treeNavigation';
export type { TreeOptions } from './treeActions';
export { parseTree, parseTreeSteps, type ParsedTree } from './treeParse';
export { validateTree } from './treeValidate';
