/**
 * The resolved workspace schema: the built-in defaults with `.orchard/schema.yaml`
 * applied. Validators read only this shape, never the file format.
 */
import picomatch from 'picomatch/posix';
import type { ActionRule } from '../diagnostics/diagnostic';
import { MEMORY_KINDS, type MemoryKind } from '../memoryKinds';

export const PROJECT_SCHEMA_PATH = '.orchard/schema.yaml';

/** Claude Code's own advice is to keep a memory file under ~200 lines: each one costs context in every session. */
export const DEFAULT_MAX_LINES = 200;

/** The tree engine's own actions: schema.yaml may add actions, not redefine these. */
export const BUILT_IN_TREE_ACTIONS: readonly string[] = ['api', 'wait_build', 'shell', 'agent', 'wait'];

export interface MemoryRule {
  /** Heading texts (any level, compared ignoring case and inline markup) that must exist. */
  requiredSections: string[];
  /** Warn when the file has more lines than this. */
  maxLines: number;
}

export interface FileMemoryRule {
  /** Workspace-relative glob (picomatch, `dot: true`). */
  glob: string;
  requiredSections?: string[];
  maxLines?: number;
}

export interface ProjectSchema {
  version: 1;
  memory: {
    kinds: Record<MemoryKind, MemoryRule>;
    /** Per-path rules in file order; each overrides the kind's rule for the fields it sets (the last match wins). */
    files: FileMemoryRule[];
  };
  trees: {
    /** Workspace actions on top of the built-in ones. */
    actions: Record<string, ActionRule>;
  };
}

export function defaultKindRules(): Record<MemoryKind, MemoryRule> {
  const kinds = {} as Record<MemoryKind, MemoryRule>;
  for (const kind of MEMORY_KINDS) kinds[kind] = { requiredSections: [], maxLines: DEFAULT_MAX_LINES };
  return kinds;
}

export const DEFAULT_PROJECT_SCHEMA: ProjectSchema = {
  version: 1,
  memory: { kinds: defaultKindRules(), files: [] },
  trees: { actions: {} },
};

/** A memory rule with where each field came from, so a warning can say which setting to change. */
export interface ResolvedMemoryRule extends MemoryRule {
  requiredSectionsFrom: string;
  maxLinesFrom: string;
}

const matcherCache = new Map<string, (path: string) => boolean>();

function globMatcher(glob: string): (path: string) => boolean {
  let matcher = matcherCache.get(glob);
  if (!matcher) {
    try {
      matcher = picomatch(glob, { dot: true });
    } catch {
      matcher = () => false;
    }
    matcherCache.set(glob, matcher);
  }
  return matcher;
}

/** The rule for one memory file: its kind's, then every `memory.files` glob that matches, in order. */
export function memoryRuleFor(schema: ProjectSchema, kind: MemoryKind, relativePath: string): ResolvedMemoryRule {
  const kindRule = schema.memory.kinds[kind] ?? { requiredSections: [], maxLines: DEFAULT_MAX_LINES };
  const isDefaultBudget = kindRule.maxLines === DEFAULT_MAX_LINES;
  const rule: ResolvedMemoryRule = {
    requiredSections: kindRule.requiredSections,
    maxLines: kindRule.maxLines,
    requiredSectionsFrom: `memory.${kind}.requiredSections in ${PROJECT_SCHEMA_PATH}`,
    maxLinesFrom: isDefaultBudget ? 'the default budget' : `memory.${kind}.maxLines in ${PROJECT_SCHEMA_PATH}`,
  };
  for (const fileRule of schema.memory.files) {
    if (!globMatcher(fileRule.glob)(relativePath)) continue;
    const where = `memory.files["${fileRule.glob}"]`;
    if (fileRule.requiredSections) {
      rule.requiredSections = fileRule.requiredSections;
      rule.requiredSectionsFrom = `${where}.requiredSections in ${PROJECT_SCHEMA_PATH}`;
    }
    if (fileRule.maxLines !== undefined) {
      rule.maxLines = fileRule.maxLines;
      rule.maxLinesFrom = `${where}.maxLines in ${PROJECT_SCHEMA_PATH}`;
    }
  }
  return rule;
}
