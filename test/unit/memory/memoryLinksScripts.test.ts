import { describe, expect, it } from 'vitest';
import { memoryDependencies, validateMemory } from '../../../extension/src/core/memory/memoryService';
import { abs, workspace } from './memoryTestFs';

function validate(files: Record<string, string>, file = 'CLAUDE.md') {
  return validateMemory(abs(file), files[file] ?? '', workspace(files));
}

describe('memory/link-not-found', () => {
  it('reports a relative link to a missing file at the path (not its #fragment), with a create fix for Markdown', () => {
    const files = { 'CLAUDE.md': '# Docs\nSee [the guide](docs/guide.md#setup) first.\n' };
    expect(validate(files)).toEqual([
      {
        range: { start: { line: 1, character: 16 }, end: { line: 1, character: 29 } },
        severity: 'warning',
        code: 'memory/link-not-found',
        message: 'link target "docs/guide.md" does not exist',
        fixes: [{ title: 'Create docs/guide.md', fixes: 'memory/link-not-found', createFiles: [{ path: abs('docs/guide.md'), content: '# Guide\n' }] }],
      },
    ]);
  });

  it('accepts existing files and folders, URL-encoded names, angle brackets, titles, root-relative and reference links', () => {
    const files = {
      'CLAUDE.md': [
        '[a](docs/guide.md#setup) [b](docs/) [c](docs/My%20Notes.md) [d](<docs/My Notes.md>)',
        '[e](docs/guide.md "The guide") [f](/docs/guide.md) ![img](media/logo.png)',
        '[g]: docs/guide.md',
        '[h](docs/guide.md?plain=1)',
      ].join('\n'),
      'docs/guide.md': '# Guide',
      'docs/My Notes.md': '# Notes',
      'media/logo.png': 'png',
    };
    expect(validate(files)).toEqual([]);
  });

  it('ignores URLs, mail links, anchors, placeholders, footnotes, links out of the workspace and links in code', () => {
    const text = [
      '[site](https://example.com/a.md) [mail](mailto:me@example.com) [top](#map) [vs](vscode:extension/x)',
      '[tpl](<{{ path }}>) [[wiki]] [^1]: footnote text',
      '`[code](docs/missing.md)`',
      '```',
      '[fenced](docs/missing.md)',
      '```',
      '[proto](//cdn.example.com/x.js) [issues](../../issues) on GitHub',
    ].join('\n');
    expect(validate({ 'CLAUDE.md': text })).toEqual([]);
  });

  it('reads Cursor mdc: links from the workspace root', () => {
    const files = { '.cursor/rules/api.mdc': '---\ndescription: API\n---\nFollow [this](mdc:src/api.ts) and [that](mdc:src/gone.ts).\n', 'src/api.ts': '' };
    const diagnostics = validate(files, '.cursor/rules/api.mdc');
    expect(diagnostics.map((d) => [d.code, d.range.start.character, d.range.end.character, d.message])).toEqual([
      ['memory/link-not-found', 41, 56, 'link target "src/gone.ts" does not exist'],
    ]);
  });
});

describe('memory/unknown-script', () => {
  const pkg = JSON.stringify({ scripts: { build: 'tsc', test: 'vitest', 'test:unit': 'vitest run' }, devDependencies: { eslint: '9' } });

  it('reports `npm run X` naming no script of the nearest package.json, at the script name', () => {
    const files = { 'CLAUDE.md': '# Commands\n- `npm run biuld` builds\n', 'package.json': pkg };
    expect(validate(files)).toEqual([
      {
        range: { start: { line: 1, character: 11 }, end: { line: 1, character: 16 } },
        severity: 'warning',
        code: 'memory/unknown-script',
        message: '"biuld" is not a script of package.json; did you mean "build"? (scripts: build, test, test:unit)',
        fixes: [
          {
            title: 'Change to "build"',
            fixes: 'memory/unknown-script',
            isPreferred: true,
            edits: [{ path: abs('CLAUDE.md'), edits: [{ range: { start: { line: 1, character: 11 }, end: { line: 1, character: 16 } }, newText: 'build' }] }],
          },
        ],
      },
    ]);
  });

  it('puts the range on the script word even when it also occurs in the command', () => {
    const files = { 'CLAUDE.md': '`npm run u`\n', 'package.json': pkg };
    expect(validate(files).map((d) => [d.range.start.character, d.range.end.character])).toEqual([[9, 10]]);
  });

  it('uses the nearest package.json, not the root one', () => {
    const files = {
      'packages/web/CLAUDE.md': '`npm run build` and `npm run dev`\n',
      'packages/web/package.json': JSON.stringify({ scripts: { dev: 'vite' } }),
      'package.json': pkg,
    };
    expect(validate(files, 'packages/web/CLAUDE.md').map((d) => [d.range.start.character, d.message])).toEqual([
      [9, '"build" is not a script of packages/web/package.json (scripts: dev)'],
    ]);
  });

  it('checks pnpm and yarn shorthand and `npm test` in code, against scripts and installed binaries', () => {
    const files = {
      'CLAUDE.md': '```sh\npnpm build\npnpm lint\nyarn test:unit\nyarn eslint .\npnpm vitest\nnpm test\n```\n',
      'package.json': JSON.stringify({ scripts: { build: 'tsc', 'test:unit': 'vitest' }, devDependencies: { eslint: '9' } }),
      'node_modules/.bin/vitest': '',
    };
    expect(validate(files).map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.message])).toEqual([
      [2, 5, 9, '"lint" is not a script of package.json (scripts: build, test:unit)'],
      [6, 4, 8, '"test" is not a script of package.json (scripts: build, test:unit)'],
    ]);
  });

  it('does not check without a package.json, for built-ins, flags that change folder, placeholders, prose shorthand or other languages', () => {
    const noPackage = { 'CLAUDE.md': '`npm run anything` and `pnpm whatever`\n' };
    expect(validate(noPackage)).toEqual([]);
    const text = [
      '`pnpm install` `pnpm add zod` `yarn add -D x` `npm install` `npm ci` `npm start` `yarn` `pnpm dlx tsx`',
      '`npm run <script>` `npm run $TASK` `npm run --workspace web build` `pnpm --filter web build` `pnpm -C web dev`',
      'We use pnpm workspaces and yarn berry in prose.',
      '`cd web && npm run dev`',
      '```json',
      '{ "scripts": { "all": "npm run nothing-here" } }',
      '```',
      '```bash',
      'cd packages/web',
      'npm run dev',
      '```',
      '`npm --prefix web run dev`',
    ].join('\n');
    expect(validate({ 'CLAUDE.md': text, 'package.json': pkg })).toEqual([]);
  });

  it('in a workspace root, accepts a script of any workspace package (npm, yarn and pnpm workspaces)', () => {
    const text = '`npm run dev` in packages/web, `npm run migrate` in apps/api-server, `npm run nowhere`\n';
    const packages = {
      'packages/web/package.json': JSON.stringify({ scripts: { dev: 'vite' } }),
      'apps/api-server/package.json': JSON.stringify({ scripts: { migrate: 'prisma migrate' } }),
      'apps/other/package.json': JSON.stringify({ scripts: { nowhere: 'x' } }),
    };
    const npmRoot = { 'CLAUDE.md': text, 'package.json': JSON.stringify({ workspaces: ['packages/*', 'apps/api-*'] }), ...packages };
    expect(validate(npmRoot).map((d) => d.message.split(' (')[0])).toEqual(['"nowhere" is not a script of package.json']);
    const yarnRoot = { ...npmRoot, 'package.json': JSON.stringify({ workspaces: { packages: ['packages/**', 'apps/*'] } }) };
    expect(validate(yarnRoot)).toEqual([]);
    const pnpmRoot = { ...npmRoot, 'package.json': '{}', 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n  - apps/api-server\n' };
    expect(validate(pnpmRoot).map((d) => d.message.split(' (')[0])).toEqual(['"nowhere" is not a script of package.json']);
    expect(memoryDependencies(abs('CLAUDE.md'), text, workspace(pnpmRoot))).toEqual(
      expect.arrayContaining([abs('pnpm-workspace.yaml'), abs('packages/web/package.json'), abs('apps/api-server/package.json')]),
    );
  });

  it('skips pnpm/yarn shorthand when no node_modules/.bin exists to tell scripts from binaries', () => {
    const files = { 'CLAUDE.md': '`pnpm tsc`\n`pnpm run tsc`\n', 'package.json': pkg };
    expect(validate(files).map((d) => [d.range.start.line, d.message.split(' (')[0]])).toEqual([[1, '"tsc" is not a script of package.json']]);
  });
});

describe('what plans and prose may say', () => {
  it('does not check scripts in Orchard plans, which describe what is still to be built', () => {
    const files = { '.orchard/plans/lint.md': '# Plan\nAdd `npm run lint`.\n', 'package.json': '{"scripts":{}}' };
    expect(validate(files, '.orchard/plans/lint.md')).toEqual([]);
  });

  it('checks a quoted command in prose', () => {
    const files = { 'CLAUDE.md': 'Run "npm run lnt" before pushing.\n', 'package.json': '{"scripts":{"lint":"eslint"}}' };
    expect(validate(files).map((d) => [d.range.start.character, d.message])).toEqual([[13, '"lnt" is not a script of package.json; did you mean "lint"? (scripts: lint)']]);
  });
});
