/**
 * Credentials typed or pasted into the chat, removed before the message names
 * a blueprint, is stored (the transcript in git, the studio DB), logged or
 * sent to the model: a key pasted "so the Architect can use it" would
 * otherwise live on in the repository's history.
 *
 * What counts: the token shapes the memory-file check knows
 * (core/secretPatterns.ts), a private key block with its key material, a
 * password in a URL (`https://user:password@host`, removed with its `@` so the
 * URL still works as a design reference), and credentials whose context says
 * what they are: `Bearer <token>`, `Authorization: Basic <…>`,
 * `password=<value>` and `"token": "<value>"`. A maintainer would reject a
 * redaction of ordinary words, so prose such as "password: at least 8
 * characters" is left alone, as are placeholders (`sk-ant-...`, `<your key>`).
 *
 * Every scan is linear in the text (see the hostile tests): regexes without
 * nested ambiguity, a bounded window for the end of a key block, one pass over
 * each URL authority.
 */
import { isPlaceholderSecret, pemBodyEnd, PRIVATE_KEY_HEADER, SECRET_PATTERNS } from '../secretPatterns';

/** What replaces a credential in the text. Itself never a credential: redaction is idempotent. */
export const REDACTED_MARK = '[redacted credential]';

export interface Redaction {
  /** The text with every credential replaced by REDACTED_MARK (a URL's `user:password@` removed). */
  text: string;
  /** What was removed, in order, in words ("an Anthropic API key"); never the value. */
  removed: string[];
}

interface Span {
  start: number;
  end: number;
  label: string;
  replacement: string;
}

/** A key block's END line is looked for this far after its header (an 8192-bit RSA key is ~6.5 KB). */
const MAX_KEY_BLOCK = 16_384;
/** At most this many passes; a second one finds nothing unless removing one credential revealed another. */
const MAX_PASSES = 3;

const BEARER = /\bbearer[ \t]+([A-Za-z0-9\-._~+/]{20,}=*)/gi;
const BASIC_AUTH = /\bauthorization[ \t]*:[ \t]*basic[ \t]+([A-Za-z0-9+/]{8,}={0,2})/gi;
const KEY_END = /-----END (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)?-----/y;
const KEY_LINE = /[ \t]*(?:\r?\n|(?:\\r)?\\n)[ \t]*[A-Za-z0-9+/=]{16,}/y;

/** Names a setting holds a secret under; the value must follow `=` or `:` at once, or be quoted. */
const SECRET_NAME = String.raw`(pass(?:word|wd|phrase)|pwd|secret(?:[_-]?key)?|client[_-]?secret|token|api[_-]?key|access[_-]?key|private[_-]?key)`;
/**
 * `password=hunter2`, `DB_PASSWORD=…`, `?token=…&`, `password:s3cret`: no space after `=` or `:`, so
 * prose ("the password = field", "password: required") stays. After `:` a plain word is not
 * taken either: `/token:refresh`, `secret:read` are API paths and scopes.
 */
const ASSIGNED = new RegExp(`${SECRET_NAME}([=:])(?![=>:])([^\\s"'\`<>&;,()\\[\\]{}\\\\]{3,})`, 'gi');
/** `"password": "hunter2"`, `token = 'abc'`: a quoted value without spaces (an error message in quotes has them). */
const QUOTED = new RegExp(`${SECRET_NAME}["'\`]?[ \\t]*[:=][ \\t]*(["'\`])([^"'\`\\s\\\\]{1,200})\\2`, 'gi');

/** Values that name a type, a default or a reference, not a secret. */
const NOT_A_SECRET = /^(?:string|number|boolean|bool|int|text|str|bearer|basic|password|passwd|pass|secret|token|required|optional|hidden|null|nil|none|true|false|undefined|empty|env|changeme)$/i;
/** `$PASSWORD`, `${{ secrets.X }}`, `%s`, `%PASS%`, `@file`, `process.env.X`; `%40…` is a percent-encoded value, not one. */
const REFERENCE = /^(?:\$|%[A-Za-z_]|@|\{\{|process\.env|os\.environ|env\.)/i;

function plausibleValue(value: string): boolean {
  return !NOT_A_SECRET.test(value) && !REFERENCE.test(value) && !isPlaceholderSecret(value);
}

const NAME_LABELS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:pass|pwd)/i, 'a password'],
  [/^token/i, 'a token'],
  [/^api/i, 'an API key'],
  [/^access/i, 'an access key'],
  [/^private/i, 'a private key'],
];

function labelOfName(name: string): string {
  return NAME_LABELS.find(([re]) => re.test(name))?.[1] ?? 'a secret';
}

export function redactCredentials(text: string): Redaction {
  let current = text;
  const removed: string[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const spans = merge(findCredentials(current));
    if (spans.length === 0) break;
    let out = '';
    let at = 0;
    for (const span of spans) {
      out += current.slice(at, span.start) + span.replacement;
      at = span.end;
      removed.push(span.label);
    }
    current = out + current.slice(at);
  }
  return { text: current, removed };
}

function findCredentials(text: string): Span[] {
  const spans: Span[] = [];
  const mark = (start: number, end: number, label: string) => spans.push({ start, end, label, replacement: REDACTED_MARK });
  for (const pattern of SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern.regex)) {
      const value = match[pattern.group] ?? '';
      if (isPlaceholderSecret(value)) continue;
      const start = match.index + (pattern.group === 0 ? 0 : match[0].lastIndexOf(value));
      mark(start, start + value.length, pattern.label);
    }
  }
  spans.push(...privateKeyBlocks(text));
  for (const [regex, label] of [[BEARER, 'a bearer token'], [BASIC_AUTH, 'basic authentication credentials']] as const) {
    for (const match of text.matchAll(regex)) {
      const value = match[1] ?? '';
      if (label === 'a bearer token' && !(/\d/.test(value) && /[A-Za-z]/.test(value))) continue;
      if (isPlaceholderSecret(value)) continue;
      const start = match.index + match[0].length - value.length;
      mark(start, start + value.length, label);
    }
  }
  for (const [regex, group] of [[ASSIGNED, 3], [QUOTED, 3]] as const) {
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match; match = regex.exec(text)) {
      const value = match[group] ?? '';
      const rejected = !plausibleValue(value) || (regex === ASSIGNED && match[2] === ':' && /^[A-Za-z]+$/.test(value));
      if (rejected) {
        // A quoted value may itself be a name with a secret after it (`token = "password": "hunter2"`):
        // look again right after this name. Quoted values are at most 200 characters, so this stays
        // linear; an unquoted value runs to the next space and is not looked into again (that would not).
        if (regex === QUOTED) regex.lastIndex = match.index + (match[1]?.length ?? 1);
        continue;
      }
      const start = match.index + match[0].length - value.length - (regex === QUOTED ? 1 : 0);
      mark(start, start + value.length, labelOfName(match[1] ?? ''));
    }
  }
  spans.push(...urlUserinfo(text, spans));
  return spans;
}

/** Header, key material and END line of each private key block (a bare header in prose is not one). */
function privateKeyBlocks(text: string): Span[] {
  const spans: Span[] = [];
  const header = new RegExp(PRIVATE_KEY_HEADER.regex.source, 'g');
  // The next END at or after a position: headers come in order, so the search only moves forward.
  let nextEnd = -2;
  for (let match = header.exec(text); match; match = header.exec(text)) {
    const headerEnd = match.index + match[0].length;
    const bodyEnd = pemBodyEnd(text, headerEnd);
    if (bodyEnd < 0) continue;
    if (nextEnd !== -1 && nextEnd < bodyEnd) nextEnd = text.indexOf('-----END ', bodyEnd);
    let end = bodyEnd;
    KEY_END.lastIndex = nextEnd;
    if (nextEnd >= 0 && nextEnd - match.index <= MAX_KEY_BLOCK && KEY_END.test(text)) {
      end = KEY_END.lastIndex;
    } else {
      // No END line near: the key was cut short. Its remaining lines of key material go too.
      KEY_LINE.lastIndex = end;
      while (end - match.index < MAX_KEY_BLOCK && KEY_LINE.test(text)) end = KEY_LINE.lastIndex;
    }
    spans.push({ start: match.index, end, label: PRIVATE_KEY_HEADER.label, replacement: REDACTED_MARK });
    header.lastIndex = end;
  }
  return spans;
}

/** Characters that end a URL's authority (WHATWG: `/ ? # \`), or the URL itself in text. */
const AUTHORITY_END = /[\s/?#\\<>"'`]/;

/**
 * `scheme://user:password@host`: the userinfo and its `@` are removed, so
 * what remains is the URL the reference fetcher would use anyway. A user name
 * alone (`ssh://git@host`) is not a credential unless a token shape is in it
 * (`https://ghp_…@github.com`).
 */
function urlUserinfo(text: string, found: readonly Span[]): Span[] {
  const tokens = [...found].sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    const start = i + 3;
    let end = start;
    let at = -1;
    // An authority ends at the `/` of the next `://`, so each character is scanned at most twice.
    while (end < text.length && !AUTHORITY_END.test(text[end]!)) {
      if (text[end] === '@') at = end;
      end++;
    }
    if (at <= start) continue;
    const userinfo = text.slice(start, at);
    const colon = userinfo.indexOf(':');
    const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
    const inner = tokenWithin(tokens, start, at);
    if (inner || (password !== '' && plausibleValue(password))) {
      spans.push({ start, end: at + 1, label: inner?.label ?? 'a password in a URL', replacement: '' });
    }
  }
  return spans;
}

/** A found credential lying inside [start, end), from spans sorted by start. */
function tokenWithin(sorted: readonly Span[], start: number, end: number): Span | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  // Only the spans that start inside this authority are looked at; authorities barely overlap.
  for (let k = lo; k < sorted.length && sorted[k]!.start < end; k++) if (sorted[k]!.end <= end) return sorted[k];
  return undefined;
}

/**
 * Sorted, overlaps joined: a span inside another goes with it, a partial
 * overlap becomes one marker. A URL's removed userinfo takes what starts in
 * it (`https://x-access-token:ghp_…@host`): what runs on past its `@` is the
 * host, not the credential.
 */
function merge(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const span of spans) {
    const last = out.at(-1);
    if (!last || span.start >= last.end) {
      out.push({ ...span });
    } else if (span.end > last.end && last.replacement !== '') {
      last.end = span.end;
      last.replacement = REDACTED_MARK;
    }
  }
  return out;
}

/** The line under a user message the host redacted. */
export function credentialsRemovedLine(count: number): string {
  return `${count} credential${count === 1 ? '' : 's'} removed before this message was saved or sent`;
}

/** The notice for the user who sent it: what went, and where it is not. */
export function credentialsRemovedNotice(removed: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of removed) counts.set(label, (counts.get(label) ?? 0) + 1);
  const what = [...counts].map(([label, n]) => (n === 1 ? label : `${n} × ${label.replace(/^an? /, '')}`));
  const list = what.length === 1 ? what[0]! : `${what.slice(0, -1).join(', ')} and ${what.at(-1)!}`;
  return `Removed ${list} from your message before it was saved or sent: it is not in the conversation, the blueprint's history, the log or the request to the model.`;
}
