/**
 * Secrets written into memory files, which agents read and which are usually
 * committed. The shapes are the ones the chat removes from messages
 * (core/secretPatterns.ts), so a shape added for one is known to both.
 * Placeholders (`sk-ant-...`, `sk-xxxx…`, AWS's documented
 * `AKIAIOSFODNN7EXAMPLE`) are not secrets: a warning must be right. Messages
 * never repeat the secret, since diagnostics end up in logs and CI output.
 */
import type { OrchardDiagnostic } from '../diagnostics/diagnostic';
import type { LineIndex } from '../diagnostics/lineIndex';
import { ANY_SECRET_HINT, isPlaceholderSecret, pemBodyFollows, PRIVATE_KEY_HEADER, SECRET_PATTERNS, type SecretPattern } from '../secretPatterns';

export { isPlaceholderSecret };

const PATTERNS: readonly SecretPattern[] = [...SECRET_PATTERNS, PRIVATE_KEY_HEADER];

export function secretDiagnostics(text: string, lines: LineIndex): OrchardDiagnostic[] {
  if (!ANY_SECRET_HINT.test(text)) return [];
  const diagnostics: OrchardDiagnostic[] = [];
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern.regex)) {
      const value = match[pattern.group] ?? '';
      const start = match.index + (pattern.group === 0 ? 0 : match[0].lastIndexOf(value));
      const isPem = pattern === PRIVATE_KEY_HEADER;
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
