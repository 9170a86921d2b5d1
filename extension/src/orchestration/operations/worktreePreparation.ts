/**
 * What a new worktree needs before the agent starts: the project's commands
 * (for the command policy and the agent's first message), the files the user
 * asked to copy in (core/operations/copyPatterns.ts), and the project's own
 * preparation script, run sandboxed with the network it needs.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parseCopyPattern } from '../../core/operations/copyPatterns';
import { chunkText, type NewOperationEvent } from '../../core/operations/operationEvents';
import { detectProjectCommands } from '../../core/operations/projectCommands';
import { resolveInside } from '../../platform/confinedPath';
import { runSandboxed } from '../../platform/sandboxedCommand';

export async function projectCommandsIn(worktree: string): Promise<string[]> {
  const names = new Set(await fsp.readdir(worktree));
  const read = (name: string) => (names.has(name) ? fsp.readFile(path.join(worktree, name), 'utf8').catch(() => undefined) : Promise.resolve(undefined));
  const [packageJson, makefile] = await Promise.all([read('package.json'), read('Makefile')]);
  return detectProjectCommands({ rootNames: names, ...(packageJson !== undefined ? { packageJson } : {}), ...(makefile !== undefined ? { makefile } : {}) });
}

/** A copied file larger than this is left out (a secrets file is small; a database dump is not what this is for). */
export const MAX_COPY_BYTES = 1024 * 1024;

/**
 * Copies the user's files that match `patterns` from the checkout into the
 * worktree, before setup runs: regular files only (a symlink is not
 * followed), each read through the checkout's confinement and written
 * through the worktree's, never over a file the worktree already has (the
 * commit's version stays). Returns what was copied and what was left out, why.
 */
export async function copyIntoWorktree(repoRoot: string, worktree: string, patterns: readonly string[]): Promise<{ copied: string[]; skipped: string[] }> {
  const copied: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const source of patterns) {
    const pattern = parseCopyPattern(source);
    if ('problem' in pattern) {
      skipped.push(pattern.problem);
      continue;
    }
    const from = await resolveInside(repoRoot, pattern.dir || '.').catch(() => undefined);
    const names = from ? await fsp.readdir(from).catch(() => [] as string[]) : [];
    for (const name of names.filter(pattern.matches).sort()) {
      const relative = pattern.dir ? `${pattern.dir}/${name}` : name;
      if (seen.has(relative)) continue; // matched by an earlier pattern too
      seen.add(relative);
      const stat = await fsp.lstat(path.join(from!, name)).catch(() => undefined);
      if (!stat?.isFile()) {
        if (stat?.isSymbolicLink()) skipped.push(`${relative}: a symbolic link, not copied`);
        continue;
      }
      if (stat.size > MAX_COPY_BYTES) {
        skipped.push(`${relative}: larger than 1 MB, not copied`);
        continue;
      }
      try {
        const target = await resolveInside(worktree, relative);
        await fsp.mkdir(path.dirname(target), { recursive: true });
        // wx: a file the commit holds stays as committed.
        await fsp.writeFile(target, await fsp.readFile(await resolveInside(repoRoot, relative)), { flag: 'wx', mode: stat.mode & 0o777 });
        copied.push(relative);
      } catch (error) {
        skipped.push(`${relative}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'the commit has it already' : error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { copied, skipped };
}

/**
 * The files of `root` that the copy patterns name: in the worktree, what must
 * never be committed (the user's copied files, or files of the same names
 * the agent made: a secrets file is not the agent's to commit).
 */
export async function filesMatching(root: string, patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const source of patterns) {
    const pattern = parseCopyPattern(source);
    if ('problem' in pattern) continue;
    const dir = await resolveInside(root, pattern.dir || '.').catch(() => undefined);
    for (const name of dir ? await fsp.readdir(dir).catch(() => [] as string[]) : []) {
      if (pattern.matches(name) && (await fsp.lstat(path.join(dir!, name)).catch(() => undefined))?.isFile()) found.add(pattern.dir ? `${pattern.dir}/${name}` : name);
    }
  }
  return [...found].sort();
}

/** The project's own preparation of a new worktree, committed with it. */
export const SETUP_SCRIPT = '.orchard/setup.sh';
export const SETUP_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs the worktree's `.orchard/setup.sh` (typically `npm ci`: a worktree has
 * no node_modules) in the sandbox, with the network it needs to download, its
 * output as events. Only a regular file inside the worktree is run.
 */
export async function setupWorktree(worktree: string, tempDir: string, emit: (event: NewOperationEvent) => void, signal: AbortSignal) {
  const script = await resolveInside(worktree, SETUP_SCRIPT).catch(() => undefined);
  const stat = script ? await fsp.lstat(script).catch(() => undefined) : undefined;
  if (!stat?.isFile()) return { ok: true as const };
  const callId = 'setup';
  emit({ type: 'tool-call', callId, tool: 'setup', input: `sh ${SETUP_SCRIPT}` });
  const result = await runSandboxed({
    command: `sh ${SETUP_SCRIPT}`,
    cwd: worktree,
    tempDir,
    timeoutMs: SETUP_TIMEOUT_MS,
    network: true,
    signal,
    onOutput: (stream, text) => {
      for (const piece of chunkText(text)) emit({ type: 'command-output', callId, stream, text: piece });
    },
  });
  emit({ type: 'command-exit', callId, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut });
  if (result.exitCode === 0) return { ok: true as const };
  const how = result.timedOut ? `timed out after ${SETUP_TIMEOUT_MS / 60_000} minutes` : `failed (exit ${result.exitCode ?? result.signal})`;
  return { ok: false as const, reason: `${SETUP_SCRIPT} ${how}: the worktree could not be prepared (its output is in the log).` };
}
