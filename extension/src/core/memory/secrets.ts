/**
 * Secrets written into memory files, which agents read and which are usually
 * committed. Placeholders (`sk-ant-...`, `sk-xxxx…`, AWS's documented
 * `AKIAIOSFODNN7EXAMPLE`) are not secrets: a warning must be right. Messages
 * never repeat the secret, since diagnostics end up in logs and CI output.
 */
import type { OrchardDiagnostic } from '../diagnostics/diagnostic';
import type { LineIndex } from '../diagnostics/lineIndex';

interface SecretPattern {
  label: string;
  /** Shown instead of the value: just enough to find it. */
  shape: string;
  regex: RegExp;
  /** The capture group holding the secret value (0 = the whole match). */
  group: number;
}

const PATTERNS: SecretPattern[] = [
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
  { label: 'a private key', shape: '-----BEGIN … PRIVATE KEY-----', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, group: 0 },
];

/** Cheap pre-check: most lines of most files contain none of these. */
const ANY_SECRET_HINT = /sk-|AKIA|ASIA|ABIA|ACCA|secret|gh[pousr]_|github_pat_|PRIVATE KEY/i;

const PLACEHOLDER_WORDS = /example|xxxx|\.\.\.|…|your|placeholder|redacted|dummy|fake|sample|<|>|\*\*\*/i;

/** A value that is a placeholder, not a key: placeholder words, or too few distinct characters to be random. */
export function isPlaceholderSecret(value: string): boolean {
  if (PLACEHOLDER_WORDS.test(value)) return true;
  const body = value.replace(/^(?:sk-ant-[a-z]+\d*-|sk-(?:proj-|svcacct-|admin-)?|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_)/, '');
  const distinct = new Set(body).size;
  return distinct < Math.min(10, Math.floor(body.length / 3));
}

/** A PEM header is a secret only when key material follows (a bare header in prose is not). */
function pemBodyFollows(text: string, headerEnd: number): boolean {
  const after = text.slice(headerEnd, headerEnd + 400).replace(/\\n|\\r/g, '\n');
  const body = /^[\s"']*(?:Proc-Type:[^\n]*\n(?:DEK-Info:[^\n]*\n)?\s*)?([A-Za-z0-9+/=]{40,})/.exec(after);
  return body !== null && !isPlaceholderSecret(body[1] ?? '');
}

export function secretDiagnostics(text: string, lines: LineIndex): OrchardDiagnostic[] {
  if (!ANY_SECRET_HINT.test(text)) return [];
  const diagnostics: OrchardDiagnostic[] = [];
  for (const pattern of PATTERNS) {
    pattern.regex.lastIndex = 0;
    for (let match = pattern.regex.exec(text); match; match = pattern.regex.exec(text)) {
      const value = match[pattern.group] ?? '';
      const start = match.index + (pattern.group === 0 ? 0 : match[0].lastIndexOf(value));
      const isPem = pattern.shape.startsWith('-----');
      if (isPem ? !pemBodyFollows(text, match.index + match[0].length) : isPlaceholderSecret(value)) continue;
      diagnostics.push({
        range: lines.rangeOf(start, start + value.length),
        severity: 'error',
        code: 'memory/secret',
        message: `${pattern.label} (${pattern.shape}) is written here: remove it and rotate it; agents read this file and it is usually committed. Keep keys in VS Code's SecretStorage or the environment.`,
      });
    }
  }
  return diagnostics;
}
