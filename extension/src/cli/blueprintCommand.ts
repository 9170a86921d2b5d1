/**
 * `orchard blueprint <list|show|history|save|restore|diff>`: the blueprint
 * store from a terminal or a script. Root folder = the current folder, or
 * `--cwd`. Everything the store refuses (invalid file, unknown revision,
 * not a git repository) is reported before anything is written.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isValidSlug, slugify } from '../core/blueprint/blueprint';
import { formatDiff } from '../core/blueprint/blueprintDiff';
import { BLUEPRINTS_DIR, parseBlueprintText, serializeBlueprint } from '../core/blueprint/blueprintFile';
import { BlueprintStore, type Revision, type SaveResult } from '../store/blueprintStore';
import { BlueprintFileNotFoundError, BlueprintValidationError } from '../store/blueprintStoreErrors';
import { parseCommandLine, UsageError, type CliCommand, type CliIo } from './registry';

interface Subcommand {
  usage: string;
  summary: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  /** Exact number of positional arguments. */
  positionals: number;
  run(positionals: string[], values: Record<string, string | boolean | undefined>, store: BlueprintStore, io: CliIo): Promise<void>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: {
    usage: 'orchard blueprint list',
    summary: 'the blueprints of the folder (files and histories)',
    positionals: 0,
    async run(_, __, store, io) {
      for (const slug of await store.list()) io.out(`${slug}\n`);
    },
  },
  show: {
    usage: 'orchard blueprint show <slug> [--rev N]',
    summary: 'print a blueprint as JSON: the file, or revision N',
    options: { rev: { type: 'string' } },
    positionals: 1,
    async run([slug], values, store, io) {
      const name = checkSlug(slug!, 'show');
      if (values.rev !== undefined) {
        const { blueprint } = await store.show(name, parseRev(String(values.rev), 'show'));
        io.out(serializeBlueprint(blueprint));
        return;
      }
      const file = path.posix.join(BLUEPRINTS_DIR, `${name}.json`);
      const text = await fsp.readFile(store.fileOf(name), 'utf8').catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        const revisions = store.gitAvailable ? (await store.history(name)).length : 0;
        if (revisions === 0) throw new BlueprintFileNotFoundError(file);
        throw new Error(`there is no blueprint file ${file}; its history has ${revisions} revision${revisions === 1 ? '' : 's'} (show one with --rev ${revisions})`);
      });
      const parsed = parseBlueprintText(text);
      if (!parsed.ok) throw new BlueprintValidationError(file, parsed.problems);
      io.out(serializeBlueprint(parsed.blueprint));
    },
  },
  history: {
    usage: 'orchard blueprint history <slug> [--format text|json]',
    summary: 'the revisions of a blueprint, oldest first',
    options: { format: { type: 'string' } },
    positionals: 1,
    async run([slug], values, store, io) {
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be "text" or "json", not "${String(format)}"`, help('history'));
      const revisions = await store.history(checkSlug(slug!, 'history'));
      if (format === 'json') io.out(`${JSON.stringify(revisions, null, 2)}\n`);
      else for (const r of revisions) io.out(`${formatRevision(r)}\n`);
    },
  },
  save: {
    usage: 'orchard blueprint save <file.json> [--slug S] [--message M]',
    summary: 'validate a blueprint file, write it to .orchard/blueprints/<slug>.json, record a revision',
    options: { slug: { type: 'string' }, message: { type: 'string', short: 'm' } },
    positionals: 1,
    async run([input], values, store, io) {
      if (values.slug !== undefined) checkSlug(String(values.slug), 'save');
      const source = path.resolve(io.cwd, input!);
      const shown = path.relative(io.cwd, source) || source;
      const text = await fsp.readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(error.code === 'ENOENT' ? `there is no file ${shown}` : `cannot read ${shown}: ${error.message}`);
      });
      const parsed = parseBlueprintText(text);
      if (!parsed.ok) throw new BlueprintValidationError(shown, parsed.problems);
      const base = path.basename(source).replace(/\.json$/i, '');
      const slug = values.slug !== undefined ? String(values.slug) : isValidSlug(base) ? base : slugify(parsed.blueprint.featureName);
      const result = await store.save(slug, parsed.blueprint, { message: values.message === undefined ? 'save' : String(values.message) });
      io.out(`${savedLine(store, result)}\n`);
    },
  },
  restore: {
    usage: 'orchard blueprint restore <slug> <rev>',
    summary: 'make revision N current again (recorded as a new revision)',
    positionals: 2,
    async run([slug, rev], _, store, io) {
      const n = parseRev(rev!, 'restore');
      const result = await store.restore(checkSlug(slug!, 'restore'), n);
      io.out(`Restored ${result.slug} to r${n}: ${savedLine(store, result)}\n`);
    },
  },
  diff: {
    usage: 'orchard blueprint diff <slug> <revA> <revB>',
    summary: 'what changed between two revisions',
    positionals: 3,
    async run([slug, a, b], _, store, io) {
      const [revA, revB] = [parseRev(a!, 'diff'), parseRev(b!, 'diff')];
      const diff = await store.diff(checkSlug(slug!, 'diff'), revA, revB);
      io.out(`${slug} r${revA} -> r${revB}: ${diff.summary}\n`);
      if (diff.changes.length > 0) io.out(`${formatDiff(diff)}\n`);
    },
  },
};

export const blueprintCommand: CliCommand = {
  name: 'blueprint',
  summary: 'list, show, save, restore and compare blueprints and their history',
  async run(args, io) {
    const [name, ...rest] = args;
    if (name === undefined || name === '--help' || name === '-h') {
      if (name !== undefined) {
        io.out(groupHelp());
        return 0;
      }
      io.err(groupHelp());
      return 2;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`unknown blueprint command "${name}"`, 'orchard blueprint --help');
    const { values, positionals } = parseCommandLine(
      rest,
      { ...sub.options, cwd: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      help(name),
    );
    if (values.help) {
      io.out(`Usage: ${sub.usage} [--cwd DIR]\n\n${sub.summary}.\n`);
      return 0;
    }
    if (positionals.length !== sub.positionals) {
      throw new UsageError(`expected ${sub.usage.replace(/^orchard blueprint /, '')}, got ${positionals.length ? positionals.map((p) => `"${p}"`).join(' ') : 'no arguments'}`, help(name));
    }
    const root = path.resolve(io.cwd, typeof values.cwd === 'string' ? values.cwd : '.');
    const stat = await fsp.stat(root).catch(() => undefined);
    if (!stat?.isDirectory()) throw new UsageError(`--cwd: ${root} is not a folder`, help(name));
    await sub.run(positionals, values, await BlueprintStore.open(root), io);
    return 0;
  },
};

function groupHelp(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length));
  return [
    'Usage: orchard blueprint <command> [options] [--cwd DIR]',
    '',
    ...Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(width)}  ${s.summary}\n  ${' '.repeat(width)}  ${s.usage}`),
    '',
    'The root folder is the current folder, or --cwd DIR. Exit codes: 0 done, 1 failed (nothing changed), 2 wrong command line.',
    '',
  ].join('\n');
}

function help(sub: string): string {
  return `orchard blueprint ${sub} --help`;
}

function checkSlug(slug: string, sub: string): string {
  if (!isValidSlug(slug)) {
    throw new UsageError(`"${slug}" is not a valid blueprint name: use lowercase letters, digits, "-", "_" and inner "."`, help(sub));
  }
  return slug;
}

/** "3" or "r3". */
function parseRev(text: string, sub: string): number {
  const m = /^r?([1-9]\d{0,8})$/.exec(text);
  if (!m) throw new UsageError(`"${text}" is not a revision number (1, 2, ... or r1, r2, ...)`, help(sub));
  return Number(m[1]);
}

function formatRevision(r: Revision): string {
  return `r${r.rev}  ${r.time}  ${r.commit.slice(0, 10)}  ${r.message}`;
}

function savedLine(store: BlueprintStore, result: SaveResult): string {
  const file = path.relative(store.workspaceRoot, result.file);
  if (!result.revision) return `Saved ${file} (not a git repository, so no revision was recorded; run "git init" to keep history)`;
  if (!result.created) return `${file} is unchanged since r${result.revision.rev}`;
  return `Saved ${file} as r${result.revision.rev} (${result.revision.commit.slice(0, 10)})`;
}
