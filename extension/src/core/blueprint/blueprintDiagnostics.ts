/**
 * Blueprint problems as editor diagnostics: each schema problem is placed on
 * the JSON node its path names (or the nearest existing parent), so the
 * squiggle sits on `"status": "done"` and not on the whole file.
 * Pure: the language server maps offsets to positions.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { lineStartOffsets } from '../diagnostics/lineIndex';
import { parseBlueprintText } from './blueprintFile';

export interface BlueprintDiagnostic {
  /** Offsets into the text: [start, end). */
  start: number;
  end: number;
  message: string;
  /** Stable code, documented in CLAUDE.md. */
  code: 'blueprint/json-syntax' | 'blueprint/schema';
}

/** `$.sections.dataModel.entities[0]["odd key"]` -> ['sections', 'dataModel', 'entities', 0, 'odd key'] */
export function pathSegments(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else if (m[3] !== undefined) segments.push(JSON.parse(m[3]) as string);
  }
  return segments;
}

function nodeFor(root: Node, segments: Array<string | number>): Node {
  for (let n = segments.length; n > 0; n--) {
    const node = findNodeAtLocation(root, segments.slice(0, n));
    if (node) {
      // An unknown key is reported at the key itself, not its value.
      const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      return n === segments.length && key && node.type !== 'object' && node.type !== 'array' ? node : (key ?? node);
    }
  }
  return root;
}

export function blueprintDiagnostics(text: string): BlueprintDiagnostic[] {
  const result = parseBlueprintText(text);
  if (result.ok) return [];
  // Syntax problems carry their position (and the text may nest too deeply for parseTree); schema problems need the tree.
  const syntaxOnly = result.problems.every((p) => p.line !== undefined);
  const root = syntaxOnly ? undefined : parseTree(text);
  const lineStarts = lineStartOffsets(text);
  return result.problems.map((p) => {
    if (p.message.startsWith('JSON syntax error') || !root) {
      const offset = offsetOf(text, lineStarts, p.line ?? 1, p.column ?? 1);
      return { start: offset, end: Math.min(text.length, offset + 1), message: p.message, code: 'blueprint/json-syntax' as const };
    }
    const segments = pathSegments(p.path);
    const node = nodeFor(root, segments);
    // A whole-file problem (missing featureName at `$`) marks just the opening brace.
    const whole = node === root;
    return {
      start: node.offset,
      end: whole ? node.offset + 1 : node.offset + node.length,
      message: `${p.path}: ${p.message}`,
      code: 'blueprint/schema' as const,
    };
  });
}

/** 1-based line and column -> offset. */
function offsetOf(text: string, lineStarts: readonly number[], line: number, column: number): number {
  const start = lineStarts[line - 1];
  return start === undefined ? text.length : Math.min(text.length, start + column - 1);
}
