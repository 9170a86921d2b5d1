/**
 * Reading a blueprint file's text into either a valid blueprint or a list of
 * problems that name the JSON path and, where known, the line and column.
 * Pure: the caller does the I/O.
 */
import { parse as parseJsonc, printParseErrorCode, visit as visitJson, type ParseError } from 'jsonc-parser';
import type * as z from 'zod/mini';
import { lineStartOffsets, positionIn } from '../diagnostics/lineIndex';
import { jsonTooDeep, tooDeepMessage } from '../diagnostics/nestingDepth';
import { Blueprint, isValidSlug, MAX_SLUG_LENGTH } from './blueprint';

export interface BlueprintProblem {
  /** JSON path such as `$.sections.dataModel.status`; `$` for the whole file. */
  path: string;
  message: string;
  /** 1-based position of a syntax error, when the problem is one. */
  line?: number;
  column?: number;
}

export type BlueprintParseResult =
  | { ok: true; blueprint: Blueprint }
  | { ok: false; problems: BlueprintProblem[] };

export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function problemsFromZod(error: z.core.$ZodError): BlueprintProblem[] {
  return error.issues.map((issue) => {
    // An unknown key is reported on the parent object; name the key itself so
    // the user can find it.
    if (issue.code === 'unrecognized_keys') {
      return {
        path: jsonPath([...issue.path, issue.keys[0] ?? '']),
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    }
    return { path: jsonPath(issue.path), message: issue.message };
  });
}

/** 1-based line and column of each offset, lines ending as the editor ends them (`\n`, `\r\n`, `\r`). */
function positionsIn(text: string): (offset: number) => { line: number; column: number } {
  const starts = lineStartOffsets(text);
  return (offset) => {
    const position = positionIn(starts, Math.min(offset, text.length));
    return { line: position.line + 1, column: position.character + 1 };
  };
}

/**
 * Syntax errors reported per file: one stray character can make every later
 * token an error (200,000 commas made 400,000), and past the first few they
 * say nothing new; one more problem counts the rest.
 */
const MAX_SYNTAX_PROBLEMS = 100;
/** Strict JSON: no comments, no trailing commas, as other tools will read it too. */
const STRICT_JSON = { allowTrailingComma: false, disallowComments: true } as const;

/** Thrown out of jsonc-parser's visitor to stop at the error after the last one reported. */
const ENOUGH = Symbol('enough syntax errors');

/** The first MAX_SYNTAX_PROBLEMS + 1 syntax errors: the scan stops there, so their count bounds its work. */
function syntaxErrors(text: string): ParseError[] {
  const errors: ParseError[] = [];
  try {
    visitJson(
      text,
      {
        onError: (error, offset, length) => {
          errors.push({ error, offset, length });
          if (errors.length > MAX_SYNTAX_PROBLEMS) throw ENOUGH;
        },
      },
      STRICT_JSON,
    );
  } catch (stop) {
    if (stop !== ENOUGH) throw stop;
  }
  return errors;
}

export function parseBlueprintText(text: string): BlueprintParseResult {
  if (text.trim() === '') return { ok: false, problems: [{ path: '$', message: 'the file is empty' }] };
  // jsonc-parser recurses once per level: `[[[[…` 100,000 deep would overflow the stack.
  const tooDeep = jsonTooDeep(text);
  if (tooDeep) {
    return { ok: false, problems: [{ path: '$', message: `JSON syntax error: ${tooDeepMessage(tooDeep.limit)}`, ...positionsIn(text)(tooDeep.offset) }] };
  }
  const errors = syntaxErrors(text);
  if (errors.length > 0) {
    const positionOf = positionsIn(text);
    const problems: BlueprintProblem[] = errors.slice(0, MAX_SYNTAX_PROBLEMS).map((e) => ({
      path: '$',
      message: `JSON syntax error: ${printParseErrorCode(e.error)}`,
      ...positionOf(e.offset),
    }));
    if (errors.length > MAX_SYNTAX_PROBLEMS) {
      problems.push({
        path: '$',
        message: `JSON syntax error: more errors after the first ${MAX_SYNTAX_PROBLEMS} are not listed (later ones often follow from an earlier one: fix those first)`,
        ...positionOf(errors[MAX_SYNTAX_PROBLEMS]!.offset),
      });
    }
    return { ok: false, problems };
  }
  const data: unknown = parseJsonc(text, [], STRICT_JSON);
  const result = Blueprint.safeParse(data);
  return result.success ? { ok: true, blueprint: result.data } : { ok: false, problems: problemsFromZod(result.error) };
}

/** Pretty-printed with a stable key order (the schema's), ending in a newline. */
export function serializeBlueprint(bp: Blueprint): string {
  return JSON.stringify(Blueprint.parse(bp), null, 2) + '\n';
}

/** Where blueprint files live, relative to the workspace folder. */
export const BLUEPRINTS_DIR = '.orchard/blueprints';

/** The slug of a blueprint file name (`todo-sharing.json` -> `todo-sharing`), or undefined if it is not one. */
export function slugOfFileName(fileName: string): string | undefined {
  return fileName.endsWith('.json') ? fileName.slice(0, -'.json'.length) : undefined;
}

export type FileEntry =
  | { ok: true; slug: string; file: string; blueprint: Blueprint }
  | { ok: false; slug: string; file: string; problems: BlueprintProblem[] };

/**
 * One blueprint file as the Plan pane shows it. `file` is the path relative to
 * the workspace folder, used in messages so the user can find the file.
 */
export function blueprintEntry(slug: string, text: string): FileEntry {
  const file = `${BLUEPRINTS_DIR}/${slug}.json`;
  if (!isValidSlug(slug)) {
    return {
      ok: false,
      slug,
      file,
      problems: [
        {
          path: '$',
          message: `the file name "${slug}.json" is not a valid blueprint name: use lowercase letters, digits, "-" and "_" (at most ${MAX_SLUG_LENGTH} characters)`,
        },
      ],
    };
  }
  const parsed = parseBlueprintText(text);
  return parsed.ok ? { ok: true, slug, file, blueprint: parsed.blueprint } : { ok: false, slug, file, problems: parsed.problems };
}
