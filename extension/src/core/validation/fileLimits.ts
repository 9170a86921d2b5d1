/**
 * How large a file Orchard checks, per kind, shared by both hosts so that the
 * editor and `orchard validate` refuse the same files with the same words.
 * Every validator is linear, but its constant differs: the memory scans take
 * about 0.3 µs a byte, the `yaml` package 3–8 µs a byte on hostile input. A
 * file past its limit gets one diagnostic saying why it was not checked,
 * instead of holding up the language server on every keystroke.
 */
import type { OrchardDiagnostic } from '../diagnostics/diagnostic';

export type FileKind = 'blueprint' | 'project-schema' | 'tree' | 'memory';

const MIB = 1024 * 1024;

/**
 * memory: an agent reads the file whole into its context, and 1 MiB (~250,000
 * tokens) is more than any model's window; real ones are tens of KB, and agents
 * are given 16 KiB of each. tree: the tree service is built and benchmarked for
 * 20,000 steps (2.7 MB, `bench:lsp`), and 4 MiB is what the hosts already read
 * of any file. blueprint: the Architect's JSON, sent to the model every turn.
 * project-schema: a few hundred lines at most.
 */
export const MAX_CHECKED_BYTES: Readonly<Record<FileKind, number>> = Object.freeze({
  memory: MIB,
  blueprint: MIB,
  'project-schema': MIB,
  tree: 4 * MIB,
});

/** Other files a validator reads (imports, package.json, a linked file shown on hover): larger ones count as unreadable. */
export const MAX_READ_BYTES = 4 * MIB;

export const FILE_TOO_LARGE_CODE = 'orchard/file-too-large';
export const FILE_UNREADABLE_CODE = 'orchard/file-unreadable';

const KIND_LABELS: Readonly<Record<FileKind, string>> = {
  memory: 'memory file',
  blueprint: 'blueprint',
  'project-schema': '.orchard/schema.yaml',
  tree: 'cookbook tree',
};

/** UTF-8 length without an encoder (core has no Buffer): a lone surrogate counts 3, as TextEncoder writes U+FFFD. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return `${+(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

const AT_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The diagnostic for a file over its kind's limit; the CLI passes the size on disk, the server the text it has. */
export function fileTooLarge(kind: FileKind, bytes: number): OrchardDiagnostic {
  const limit = MAX_CHECKED_BYTES[kind];
  return {
    range: AT_START,
    severity: 'error',
    code: FILE_TOO_LARGE_CODE,
    message: `not checked: this ${KIND_LABELS[kind]} is ${formatBytes(bytes)}, more than the ${formatBytes(limit)} Orchard checks (a larger one would hold up the editor on every edit)`,
  };
}

/** The text's size problem, or undefined when it is within its limit (measured only when it could be over). */
export function sizeProblem(kind: FileKind, text: string): OrchardDiagnostic | undefined {
  const limit = MAX_CHECKED_BYTES[kind];
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: most texts are decided by their length alone.
  if (text.length * 3 <= limit) return undefined;
  const bytes = utf8ByteLength(text);
  return bytes > limit ? fileTooLarge(kind, bytes) : undefined;
}

/** The diagnostic for a file the CLI could not read (permissions, a file that vanished); `reason` is the system's words. */
export function fileUnreadable(reason: string): OrchardDiagnostic {
  return { range: AT_START, severity: 'error', code: FILE_UNREADABLE_CODE, message: `not checked: the file cannot be read (${reason})` };
}

/**
 * The editor is sent at most this many diagnostics per file: VS Code shows no
 * more (its own limit per file is 1,000), and a hostile file with a hundred
 * thousand broken links would otherwise cost a message of tens of megabytes
 * on every edit. `orchard validate` reports them all.
 */
export const MAX_PUBLISHED_DIAGNOSTICS = 1000;
export const MORE_PROBLEMS_CODE = 'orchard/more-problems';

const SEVERITY_RANK = { error: 0, warning: 1, information: 2, hint: 3 } as const;

/** What the server publishes: the most severe first when there are too many, and one line saying how many were left out. */
export function publishedDiagnostics(all: readonly OrchardDiagnostic[], max: number = MAX_PUBLISHED_DIAGNOSTICS): OrchardDiagnostic[] {
  if (all.length <= max) return [...all];
  const kept = [...all].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]).slice(0, max - 1);
  const left = all.length - kept.length;
  return [
    ...kept,
    {
      range: AT_START,
      severity: 'information',
      code: MORE_PROBLEMS_CODE,
      message: `${left.toLocaleString('en-US')} more problems in this file are not shown (the editor gets the first ${max.toLocaleString('en-US')}, errors first); orchard validate lists them all`,
    },
  ];
}
