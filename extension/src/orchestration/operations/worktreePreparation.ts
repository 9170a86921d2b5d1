/**
 * What a new worktree needs before the agent starts: the project's commands
 * (for the command policy and the agent's first message) and the project's
 * own preparation script, run sandboxed with the network it needs.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
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
