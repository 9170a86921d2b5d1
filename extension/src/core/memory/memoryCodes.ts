/** Every diagnostic code the memory validator emits -> its one-line meaning (listed in CLAUDE.md). */
export const MEMORY_DIAGNOSTIC_CODES: Record<string, string> = {
  'memory/import-not-found': 'an `@path` import names a file that does not exist (quick fix: create it).',
  'memory/import-cycle': 'an `@path` import leads back to this file; the message spells out the cycle.',
  'memory/import-too-deep': 'an import chain goes past 5 hops from this file; Claude Code does not load what lies beyond.',
  'memory/link-not-found': 'a Markdown link (or Cursor `mdc:` link) points to a workspace file or folder that does not exist.',
  'memory/unknown-script': '`npm run X`, `pnpm X` or `yarn X` names no script of the nearest package.json.',
  'memory/secret': 'an API key, token or private key is written in the file (Anthropic, OpenAI, AWS, GitHub, PEM).',
  'memory/front-matter-syntax': 'the front matter cannot be read, or is opened with `---` and never closed.',
  'memory/front-matter-field': 'a front-matter field has the wrong type or value for this file kind.',
  'memory/front-matter-unknown-key': 'a front-matter key this file kind does not know, close to one it does (a likely typo).',
  'memory/invalid-glob': 'a glob in front matter (`paths`, `globs`, `applyTo`) cannot be parsed.',
  'memory/missing-section': 'a section required by .orchard/schema.yaml has no heading in the file.',
  'memory/too-long': 'the file is longer than its line budget (default 200, set per kind or file in .orchard/schema.yaml).',
  'memory/duplicate-heading': 'the same heading appears twice at the same level under the same parent section.',
  'memory/status-no-date': 'context/CURRENT_STATUS.md has no "Last Updated" line with a date.',
};
