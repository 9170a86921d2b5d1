/**
 * The shapes of well-known credentials, for the chat's credential redaction
 * (core/chat/credentials.ts) and the memory-file secret check
 * (core/memory/secrets.ts): one list, so a shape added for one is known to
 * both. Only shapes that are unmistakable on their own are here;
 * the chat adds the ones that need context (a URL's `user:password@`, `password=…`).
 *
 * Every regex is linear: a fixed prefix, then one greedy character class with
 * nothing ambiguous after it, so a long run of token-ish characters cannot make
 * a match attempt backtrack over the run again and again.
 *
 * Placeholders (`sk-ant-...`, `sk-xxxx…`, AWS's documented
 * `AKIAIOSFODNN7EXAMPLE`) are not secrets: a warning must be right, and a
 * redaction of an example is noise.
 */

export interface SecretPattern {
  /** What it is, in words: "an Anthropic API key". */
  label: string;
  /** Shown instead of the value: just enough to find it. */
  shape: string;
  /** Global. */
  regex: RegExp;
  /** The capture group holding the secret value (0 = the whole match). */
  group: number;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { label: 'an Anthropic API key', shape: 'sk-ant-…', regex: /\bsk-ant-[A-Za-z0-9_-]{32,}/g, group: 0 },
  { label: 'an OpenAI API key', shape: 'sk-…', regex: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}/g, group: 0 },
  { label: 'an AWS access key id', shape: 'AKIA…', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, group: 0 },
  {
    label: 'an AWS secret access key',
    shape: 'aws_secret_access_key = …',
    regex: /\baws_?secret_?access_?key\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
  },
  { label: 'a GitHub token', shape: 'ghp_…', regex: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, group: 0 },
  { label: 'a GitHub fine-grained token', shape: 'github_pat_…', regex: /\bgithub_pat_[A-Za-z0-9_]{50,}\b/g, group: 0 },
  // Bot, user, app-level, configuration and refresh tokens: xoxb-123…-456…-AbC…. Digits come first
  // after the prefix in every real one, so a word such as "xoxo-hugs-and-kisses" is not taken.
  { label: 'a Slack token', shape: 'xoxb-…', regex: /\bxox[abposre]-\d+-[A-Za-z0-9-]{10,}/g, group: 0 },
];

/**
 * A PEM private key header. It is a secret only when key material follows
 * (`pemBodyFollows`): a header quoted in prose is not. The words between
 * BEGIN and PRIVATE are bounded so the match cannot backtrack far.
 */
export const PRIVATE_KEY_HEADER: SecretPattern = {
  label: 'a private key',
  shape: '-----BEGIN … PRIVATE KEY-----',
  regex: /-----BEGIN (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)?-----/g,
  group: 0,
};

/** Cheap pre-check: most lines of most texts contain none of the shapes above. */
export const ANY_SECRET_HINT = /sk-|AKIA|ASIA|ABIA|ACCA|secret|gh[pousr]_|github_pat_|xox[abposre]-|PRIVATE KEY/i;

const PLACEHOLDER_WORDS = /example|xxxx|\.\.\.|…|your|placeholder|redacted|dummy|fake|sample|<|>|\*\*\*/i;
const KNOWN_PREFIX = /^(?:sk-ant-[a-z]+\d*-|sk-(?:proj-|svcacct-|admin-)?|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[abposre]-)/;

/** A value that is a placeholder, not a key: placeholder words, or too few distinct characters to be random. */
export function isPlaceholderSecret(value: string): boolean {
  if (PLACEHOLDER_WORDS.test(value)) return true;
  const body = value.replace(KNOWN_PREFIX, '');
  const distinct = new Set(body).size;
  return distinct < Math.min(10, Math.floor(body.length / 3));
}

/** How far after a header its base64 body is looked for. */
const PEM_BODY_LOOKAHEAD = 400;

/**
 * Where the key material after a PEM header ends, or -1 when none follows
 * (a bare header in prose, or placeholder text). Escaped newlines count, as a
 * key pasted from a JSON string has them.
 */
export function pemBodyEnd(text: string, headerEnd: number): number {
  const after = text.slice(headerEnd, headerEnd + PEM_BODY_LOOKAHEAD);
  const body = /^(?:[\s"']|\\[nr])*(?:Proc-Type:[^\n\\]*(?:\n|\\n)(?:DEK-Info:[^\n\\]*(?:\n|\\n))?(?:\s|\\[nr])*)?([A-Za-z0-9+/=]{40,})/.exec(after);
  if (body === null || isPlaceholderSecret(body[1] ?? '')) return -1;
  return headerEnd + body[0].length;
}

export function pemBodyFollows(text: string, headerEnd: number): boolean {
  return pemBodyEnd(text, headerEnd) >= 0;
}
