/** Helpers for the tree service tests: run the service on a text, read a range back out of it. */
import type { OrchardDiagnostic, Range } from '../../../extension/src/core/diagnostics/diagnostic';
import { parseTree, validateTree, type TreeOptions } from '../../../extension/src/core/trees/treeService';

export const PATH = '/projects/acme/cookbooks/trees/t.yaml';
export const NO_EXTRA: TreeOptions = { extraActions: {} };

export function diagnose(text: string, options: TreeOptions = NO_EXTRA): OrchardDiagnostic[] {
  return validateTree(parseTree(PATH, text), options);
}

/** The text a range covers. */
export function textAt(text: string, range: Range): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line]!.slice(range.start.character, range.end.character);
  const parts = [lines[range.start.line]!.slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l]!);
  parts.push(lines[range.end.line]!.slice(0, range.end.character));
  return parts.join('\n');
}

/** The diagnostics with one code, as [covered text, message, line]. */
export function found(text: string, code: string, options: TreeOptions = NO_EXTRA): [string, string, number][] {
  return diagnose(text, options)
    .filter((d) => d.code === code)
    .map((d) => [textAt(text, d.range), d.message, d.range.start.line]);
}

/** Applies a quick fix's edits (all in the one file) to the text. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: Range['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** A small valid tree the tests edit: two steps and a teardown. */
export const SMALL = `name: small
vars:
  base: "https://example.test"
steps:
  build:
    action: shell
    run: "make build {{ .vars.base }}"
    outputs:
      - artifact: .path
  publish:
    depends_on: [build]
    action: api
    method: POST
    endpoint: "/publish/{{ .outputs.build.artifact }}"
teardown:
  - action: shell
    run: "rm -rf {{ .outputs.build.artifact }}"
`;
