// Where the real Claude Code CLI (the devDependency @anthropic-ai/claude-code) lives in node_modules:
// its platform package's native binary (what its postinstall links to bin/claude.exe), else the bin link.
// One place for the backend tests and the CLI build test, so they cannot drift apart.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function claudeCodeBinary() {
  const native = path.join(root, 'node_modules', '@anthropic-ai', `claude-code-${process.platform}-${process.arch}`, process.platform === 'win32' ? 'claude.exe' : 'claude');
  return existsSync(native) ? native : path.join(root, 'node_modules', '.bin', 'claude');
}
