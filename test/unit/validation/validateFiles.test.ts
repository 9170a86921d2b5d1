/**
 * The dispatcher both hosts use: which validator owns which path, settings
 * that make no sense, the workspace's schema.yaml, and what each kind of file
 * depends on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_GLOBS, DEFAULT_TREE_GLOBS } from '../../../extension/src/core/memory/memoryService';
import {
  checkGlobs,
  DEFAULT_GLOBS,
  FileClassifier,
  fileDependencies,
  INTERNAL_ERROR_CODE,
  loadProjectSchema,
  relativeToRoot,
  validateFile,
  type ValidationContext,
} from '../../../extension/src/core/validation/validateFiles';
import { memoryFs } from './memoryFs';

const ROOT = '/ws';

function context(files: Record<string, string>, classifier = new FileClassifier()): ValidationContext {
  const fs = memoryFs(files);
  return { root: ROOT, fs, schema: loadProjectSchema(ROOT, fs).schema, classifier };
}

describe('FileClassifier', () => {
  it('gives each path the validator the default globs select', () => {
    const c = new FileClassifier();
    const cases: [string, string | undefined][] = [
      ['CLAUDE.md', 'memory'],
      ['packages/api/AGENTS.md', 'memory'],
      ['.claude/rules/testing/api.md', 'memory'],
      ['.cursor/rules/style.mdc', 'memory'],
      ['context/CURRENT_STATUS.md', 'memory'],
      ['cookbooks/trees/release.yaml', 'tree'],
      ['.orchard/trees/nightly.yml', 'tree'],
      ['.orchard/schema.yaml', 'project-schema'],
      ['.orchard/blueprints/todo.json', 'blueprint'],
      ['.orchard/blueprints/old/todo.json', undefined],
      ['cookbooks/trees/nested/x.yaml', undefined],
      ['README.md', undefined],
      ['docs/guide.md', undefined],
    ];
    for (const [path, kind] of cases) expect(c.kindOf(path), path).toBe(kind);
  });

  it('follows custom globs, and an empty list turns a kind off', () => {
    const c = new FileClassifier({ memory: ['notes/**/*.md'], trees: [] });
    expect(c.kindOf('notes/team/a.md')).toBe('memory');
    expect(c.kindOf('CLAUDE.md')).toBeUndefined();
    expect(c.kindOf('cookbooks/trees/release.yaml')).toBeUndefined();
    // Blueprints and schema.yaml are not a matter of settings.
    expect(c.kindOf('.orchard/schema.yaml')).toBe('project-schema');
  });

  it('relativeToRoot only answers inside the root', () => {
    expect(relativeToRoot('/ws', '/ws/a/b.md')).toBe('a/b.md');
    expect(relativeToRoot('/ws/', '/ws/a.md')).toBe('a.md');
    expect(relativeToRoot('/ws', '/wsx/a.md')).toBeUndefined();
    expect(relativeToRoot('/ws', '/ws')).toBeUndefined();
  });
});

describe('checkGlobs', () => {
  it('keeps valid lists and replaces what is not a list', () => {
    expect(checkGlobs('orchard.trees.globs', undefined, DEFAULT_TREE_GLOBS)).toEqual({ globs: DEFAULT_TREE_GLOBS, problems: [] });
    expect(checkGlobs('orchard.trees.globs', ['flows/*.yaml'], DEFAULT_TREE_GLOBS)).toEqual({ globs: ['flows/*.yaml'], problems: [] });
    expect(checkGlobs('orchard.trees.globs', { a: 1 }, DEFAULT_TREE_GLOBS)).toEqual({
      globs: DEFAULT_TREE_GLOBS,
      problems: ['orchard.trees.globs must be a list of globs, not a object; using the defaults'],
    });
  });

  it('drops entries that are not glob strings, or not valid globs, and says which', () => {
    const { globs, problems } = checkGlobs('orchard.memory.globs', ['CLAUDE.md', 7, '  ', 'src/[abc', 'docs/{a,b'], DEFAULT_MEMORY_GLOBS);
    expect(globs).toEqual(['CLAUDE.md']);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe('orchard.memory.globs[1] must be a non-empty glob string, not a number; ignored');
    expect(problems[2]).toMatch(/^orchard\.memory\.globs\[3\] "src\/\[abc" is not a valid glob \(.+\); ignored$/);
  });
});

describe('validateFile', () => {
  it('answers undefined for files no validator owns', () => {
    expect(validateFile(`${ROOT}/README.md`, '@nothing.md', context({}))).toBeUndefined();
    expect(validateFile('/elsewhere/CLAUDE.md', '@nothing.md', context({}))).toBeUndefined();
  });

  it('places blueprint problems at line and character', () => {
    const text = '{\n  "featureName": "Todo",\n  "status": "done"\n}\n';
    const result = validateFile(`${ROOT}/.orchard/blueprints/todo.json`, text, context({}))!;
    expect(result.kind).toBe('blueprint');
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'blueprint/schema', severity: 'error', range: { start: { line: 2, character: 12 }, end: { line: 2, character: 18 } } }),
    ]);
  });

  it('uses the actions .orchard/schema.yaml adds, and validates schema.yaml itself', () => {
    const tree = 'name: ship\nsteps:\n  deploy:\n    action: deploy\n    target: production\n';
    const treePath = `${ROOT}/cookbooks/trees/ship.yaml`;
    expect(validateFile(treePath, tree, context({}))!.diagnostics.map((d) => d.code)).toContain('tree/unknown-action');
    const schema = 'version: 1\ntrees:\n  actions:\n    deploy:\n      required: [target]\n';
    const withSchema = context({ [`${ROOT}/.orchard/schema.yaml`]: schema });
    expect(validateFile(treePath, tree, withSchema)!.diagnostics).toEqual([]);
    expect(validateFile(`${ROOT}/.orchard/schema.yaml`, 'version: 1\nmemroy: {}\n', withSchema)!.diagnostics.map((d) => d.code)).toEqual(['schema/unknown-key']);
  });

  it('falls back to the defaults when schema.yaml is broken', () => {
    const loaded = loadProjectSchema(ROOT, memoryFs({ [`${ROOT}/.orchard/schema.yaml`]: 'version: [1\n' }));
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['schema/yaml-syntax']);
    expect(loaded.schema.trees.actions).toEqual({});
  });

  it('hands the previous parse of a tree back for the next version', () => {
    const ctx = context({});
    const path = `${ROOT}/cookbooks/trees/t.yaml`;
    const first = validateFile(path, 'name: t\nsteps:\n  a:\n    action: shell\n    run: ls\n', ctx)!;
    expect(first.tree).toBeDefined();
    const second = validateFile(path, 'name: t\nsteps:\n  a:\n    action: shell\n    run: pwd\n', ctx, first.tree)!;
    expect(second.diagnostics).toEqual([]);
  });

  it('lists what a memory file depends on: imports (existing or not) and package.json', () => {
    const ctx = context({ [`${ROOT}/package.json`]: '{"scripts":{"test":"x"}}', [`${ROOT}/docs/a.md`]: '@b.md\n' });
    const deps = fileDependencies(`${ROOT}/CLAUDE.md`, '@docs/a.md\n\nRun `npm test`.\n', ctx);
    expect(deps).toEqual(expect.arrayContaining([`${ROOT}/docs/a.md`, `${ROOT}/docs/b.md`, `${ROOT}/package.json`]));
    expect(fileDependencies(`${ROOT}/cookbooks/trees/t.yaml`, 'name: t\n', ctx)).toEqual([]);
  });

  it('never lets a validator exception escape', () => {
    const ctx = context({});
    const throwing = { ...ctx, fs: { ...ctx.fs, exists: () => { throw new Error('disk on fire'); }, readText: () => { throw new Error('disk on fire'); } } };
    const result = validateFile(`${ROOT}/CLAUDE.md`, '@docs/a.md\n', throwing)!;
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: INTERNAL_ERROR_CODE, severity: 'error' })]);
    expect(result.diagnostics[0]!.message).toMatch(/The memory validator failed on this file: disk on fire/);
  });
});

describe('package.json', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  const properties = manifest.contributes.configuration.properties;

  it('contributes the globs settings with the validators’ defaults', () => {
    expect(properties['orchard.memory.globs'].default).toEqual(DEFAULT_GLOBS.memory);
    expect(properties['orchard.trees.globs'].default).toEqual(DEFAULT_GLOBS.trees);
    for (const key of ['orchard.memory.globs', 'orchard.trees.globs']) {
      expect(properties[key]).toMatchObject({ type: 'array', items: { type: 'string' }, scope: 'resource' });
      expect(properties[key].markdownDescription.length).toBeGreaterThan(40);
    }
  });

  it('activates on the files the server validates, never at startup', () => {
    expect(manifest.activationEvents).toEqual(expect.arrayContaining(['onLanguage:markdown', 'onLanguage:yaml', 'workspaceContains:.orchard/blueprints/*.json']));
    expect(manifest.scripts['bench:lsp']).toBe('node test/bench/lsp.mjs');
    expect(manifest.scripts.schemas).toBe('node scripts/generate-schemas.mjs');
  });
});
