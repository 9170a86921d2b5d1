/** Random edits of tree texts for the property tests: characters, lines, ids, indentation. */
import * as fc from 'fast-check';

export type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'deleteLine'; line: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'rename'; from: number; to: string };

const fragments = ['{{', '}}', ' .vars.', '.outputs.', ':', '- ', '[', ']', '"', "'", '\n', '  ', '#', 'step-1', 'depends_on: ', 'action: api\n', '&a ', '*a', '<<: *a\n    ', '\t', '---\n'];

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('deleteLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('rename' as const), from: fc.nat(), to: fc.constantFrom('step-0', 'step-2', 'x', 'step-1-b', 'create-project', '') }),
);

export function applyMutation(text: string, m: Mutation): string {
  const lines = text.split('\n');
  switch (m.kind) {
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'delete': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'deleteLine':
      lines.splice(m.line % lines.length, 1);
      return lines.join('\n');
    case 'duplicateLine': {
      const line = m.line % lines.length;
      lines.splice(line, 0, lines[line]!);
      return lines.join('\n');
    }
    case 'indent': {
      const line = m.line % lines.length;
      const current = lines[line]!;
      lines[line] = m.by >= 0 ? ' '.repeat(m.by) + current : current.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'rename': {
      const ids = [...text.matchAll(/step-\d+|create-project|start-blueprint|build|publish/g)].map((x) => x[0]);
      if (ids.length === 0) return text;
      const from = ids[m.from % ids.length]!;
      return text.split(from).join(m.to);
    }
  }
}
