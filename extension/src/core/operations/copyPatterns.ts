/**
 * Which of the user's files a build copies into its new worktree
 * (`orchard.build.copyFiles`, `orchard build --copy`): files git does not
 * hold, such as `.env.local`, that the project needs to run its checks. A
 * pattern is a folder written out (no wildcards, inside the repository, not
 * `.git`) and a file-name glob: `.env*`, `apps/web/.env.local`,
 * `config/*.local.json`. The folder part is literal so that a copy never
 * walks the repository (node_modules, build output) looking for matches.
 */
import picomatch from 'picomatch/posix';

export interface CopyPattern {
  /** The folder, relative to the repository root, '' for the root itself. */
  dir: string;
  /** Whether a file name in that folder matches. */
  matches(name: string): boolean;
  source: string;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** The pattern, or the reason it is refused, in words that name it. */
export function parseCopyPattern(source: string): CopyPattern | { problem: string } {
  const pattern = source.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (pattern === '') return { problem: 'an empty pattern' };
  if (pattern.startsWith('/') || /^[A-Za-z]:/.test(pattern)) return { problem: `"${source}" is absolute: write it relative to the repository` };
  const parts = pattern.split('/');
  const name = parts.pop()!;
  if (name === '') return { problem: `"${source}" names a folder: end it with a file name or glob, e.g. ${pattern}*.env` };
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') return { problem: `"${source}" has an empty, "." or ".." folder` };
    if (part === '.git') return { problem: `"${source}" is inside .git` };
    if (GLOB_CHARS.test(part)) return { problem: `"${source}": only the file name may hold wildcards, not the folder "${part}"` };
  }
  if (name === '..' || name === '.') return { problem: `"${source}" is not a file name` };
  if (parts.length === 0 && name === '.git') return { problem: `"${source}" is .git` };
  const isMatch = picomatch(name, { dot: true });
  return { dir: parts.join('/'), matches: (candidate) => candidate !== '.git' && isMatch(candidate), source };
}
