/**
 * The executor's file tools: read_file, write_file, edit_file and list_files,
 * each confined to the operation's worktree (worktreePath.ts). A refused or
 * failed call is a ToolInputError: its words go back to the model, which can
 * try another path or read the file again, and the operation goes on.
 *
 * Bounds: a read returns at most MAX_READ_CHARS (with an offset to page on), a
 * write takes at most MAX_WRITE_BYTES, a listing at most MAX_LIST_ENTRIES, so
 * no call can flood the context or the disk.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import '../../core/zodLocale';
import { ensureFolderInside } from '../../platform/confinedPath';
import { ToolInputError, type AgentTool } from '../loop/tools';
import { resolveWorktreePath, WorktreePathError } from './worktreePath';

export const MAX_READ_CHARS = 100_000;
export const MAX_WRITE_BYTES = 2 * 1024 * 1024;
export const MAX_LIST_ENTRIES = 1000;

const PathInput = z.string().check(z.minLength(1), z.maxLength(4096));

/** A refusal or an I/O failure, in words the model can act on. */
async function inWorktree<T>(requested: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorktreePathError || error instanceof ToolInputError) throw error instanceof ToolInputError ? error : new ToolInputError([error.message]);
    const code = (error as NodeJS.ErrnoException).code;
    const words: Record<string, string> = {
      ENOENT: 'no such file or folder',
      EISDIR: 'it is a folder, not a file',
      ENOTDIR: 'a part of the path is a file, not a folder',
      EACCES: 'permission denied',
      ENOSPC: 'the disk is full',
    };
    throw new ToolInputError([`${JSON.stringify(requested)}: ${(code && words[code]) ?? (error instanceof Error ? error.message : String(error))}`]);
  }
}

/** Text of a file, or a refusal for one that is not text (a NUL byte in its first 8 KiB). */
async function readText(file: string, requested: string): Promise<string> {
  const bytes = await fsp.readFile(file);
  if (bytes.subarray(0, 8192).includes(0)) throw new ToolInputError([`${JSON.stringify(requested)}: a binary file (${bytes.length} bytes), not read`]);
  return bytes.toString('utf8');
}

/** Writes through a temporary file in the same folder, so a reader never sees half a file. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.orchard-${randomBytes(4).toString('hex')}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fsp.stat(file)).mode & 0o777;
  } catch {
    // A new file: the default mode.
  }
  try {
    await fsp.writeFile(temp, content, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    await fsp.rename(temp, file);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

export function fileTools(worktreeRoot: string): AgentTool<any>[] {
  const readFile: AgentTool<{ path: string; offset?: number }> = {
    name: 'read_file',
    description: `Reads a text file of the worktree (path relative to its root). At most ${MAX_READ_CHARS} characters per call; pass "offset" to read on.`,
    input: z.strictObject({ path: PathInput, offset: z.optional(z.int().check(z.nonnegative())) }),
    effect: 'read',
    activity: 'Reading a file…',
    run: ({ path: requested, offset = 0 }) =>
      inWorktree(requested, async () => {
        const { real, relative } = await resolveWorktreePath(worktreeRoot, requested);
        const text = await readText(real, requested);
        const part = text.slice(offset, offset + MAX_READ_CHARS);
        const end = offset + part.length;
        return end < text.length ? `${part}\n\n[${relative}: characters ${offset}–${end} of ${text.length}; read on with offset ${end}]` : part;
      }),
  };

  const writeFile: AgentTool<{ path: string; content: string }> = {
    name: 'write_file',
    description: 'Creates or replaces a file of the worktree with the given content (folders are created as needed).',
    input: z.strictObject({ path: PathInput, content: z.string() }),
    effect: 'write',
    activity: 'Writing a file…',
    run: ({ path: requested, content }) =>
      inWorktree(requested, async () => {
        const bytes = Buffer.byteLength(content, 'utf8');
        if (bytes > MAX_WRITE_BYTES) throw new ToolInputError([`${JSON.stringify(requested)}: ${bytes} bytes is more than the ${MAX_WRITE_BYTES} a write may hold`]);
        const { real, relative } = await resolveWorktreePath(worktreeRoot, requested);
        // The folders are made inside the worktree only, checked again after each is made.
        await ensureFolderInside(worktreeRoot, path.dirname(relative));
        await writeAtomically(real, content);
        return `Wrote ${relative} (${bytes} bytes).`;
      }),
  };

  const editFile: AgentTool<{ path: string; old: string; new: string }> = {
    name: 'edit_file',
    description: 'Replaces one exact, unique occurrence of "old" with "new" in a file of the worktree. Include enough surrounding text for "old" to be unique.',
    input: z.strictObject({ path: PathInput, old: z.string().check(z.minLength(1)), new: z.string() }),
    effect: 'write',
    activity: 'Editing a file…',
    run: ({ path: requested, old, new: replacement }) =>
      inWorktree(requested, async () => {
        const { real, relative } = await resolveWorktreePath(worktreeRoot, requested);
        const text = await readText(real, requested);
        const first = text.indexOf(old);
        if (first < 0) throw new ToolInputError([`${relative}: "old" was not found; read the file again, it may differ from what you expect (whitespace, line endings)`]);
        const again = text.indexOf(old, first + 1);
        if (again >= 0) throw new ToolInputError([`${relative}: "old" occurs more than once (at least at characters ${first} and ${again}); include more surrounding text`]);
        const edited = text.slice(0, first) + replacement + text.slice(first + old.length);
        if (Buffer.byteLength(edited, 'utf8') > MAX_WRITE_BYTES) throw new ToolInputError([`${relative}: the edited file would be larger than ${MAX_WRITE_BYTES} bytes`]);
        await writeAtomically(real, edited);
        return `Edited ${relative}.`;
      }),
  };

  const listFiles: AgentTool<{ path?: string }> = {
    name: 'list_files',
    description: `Lists a folder of the worktree (default: its root); folders end with "/". At most ${MAX_LIST_ENTRIES} entries; .git is not listed.`,
    input: z.strictObject({ path: z.optional(PathInput) }),
    effect: 'read',
    activity: 'Listing files…',
    run: ({ path: requested = '.' }) =>
      inWorktree(requested, async () => {
        const { real, relative } = await resolveWorktreePath(worktreeRoot, requested);
        const entries = (await fsp.readdir(real, { withFileTypes: true }))
          .filter((e) => e.name.toLowerCase() !== '.git')
          .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
          .sort();
        const shown = entries.slice(0, MAX_LIST_ENTRIES);
        const more = entries.length - shown.length;
        const header = `${relative === '.' ? 'The worktree root' : relative} (${entries.length} entries)`;
        return [header, ...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
      }),
  };

  return [readFile, writeFile, editFile, listFiles];
}
