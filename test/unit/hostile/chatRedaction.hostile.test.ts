/**
 * Hostile input for the chat's credential redaction (core/chat/credentials.ts),
 * which runs on every message before anything else: generated pathological
 * text up to the protocol's 100,000 characters (long runs of token-ish
 * characters, key prefixes without keys, many `@`, `:` and `//`, key headers
 * without bodies or ends) held to a time and memory bound per input, so a
 * regex that backtracks (quadratic or worse) fails here; and the properties
 * the chat relies on: a planted credential never survives, redaction is
 * idempotent, and text without credentials comes back unchanged.
 */
import './exposeGc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED_MARK, redactCredentials } from '../../../extension/src/core/chat/credentials';
import { isPlaceholderSecret } from '../../../extension/src/core/secretPatterns';
import { expectWithin } from './bounds';

/** ~100 KB (the most a chat/send may carry): linear work takes milliseconds, quadratic work seconds. */
const TEXT_BOUND = { ms: 200, heapMb: 24 };
// Each bounded run also costs two garbage collections: ~60 runs keep the file to seconds.
const BOUNDED_RUNS = { numRuns: 60, endOnFailure: true };

const run = (motif: string, chars: number) => motif.repeat(Math.max(1, Math.ceil(chars / motif.length)));

const MOTIFS = [
  'a', 'A', '0', '_', '-', '/', '+', '=', '.', '~', '@', ':', '//', '://', 'a:', ':@', 'a@', '@a:', 'https://', 'https://a', 'https://a:b',
  'https://a:b@', 'http://x:', ' ', '\n', '\\n', '"', "'", '`', '%', '$', '[', ']', 'sk-', 'sk-ant-', 'sk-ant-a', 'sk-proj-', 'AKIA', 'ASIA',
  'ghp_', 'gh', 'github_pat_', 'xoxb-', 'xox', 'aws_secret_access_key', 'aws_secret_access_key=', 'aws_secret_access_key =  ', 'password',
  'password=', 'password:', 'password="', '"password": "', 'token', 'token=', 'DB_PASSWORD=', 'secret_key=', 'api_key:', 'Bearer ', 'bearer\t',
  'Bearer a1', 'Authorization: Basic ', '-----', '-----BEGIN ', '-----BEGIN A ', '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----\n',
  'PRIVATE KEY', '-----END ', '-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA', 'Proc-Type:', REDACTED_MARK, '[redacted',
];

/** One run of one to three motifs together, 20–100 KB, optionally around a word. */
const hostileText = fc
  .record({
    motif: fc.array(fc.constantFrom(...MOTIFS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
    chars: fc.integer({ min: 20_000, max: 100_000 }),
    before: fc.constantFrom('', 'x', 'https://', 'password=', '-----BEGIN RSA PRIVATE KEY-----\n', 'Bearer '),
    after: fc.constantFrom('', ' end', '@host', '\n-----END RSA PRIVATE KEY-----', '"'),
  })
  .map(({ motif, chars, before, after }) => `${before}${run(motif, chars - before.length - after.length)}${after}`);

describe('redaction of hostile text', () => {
  it('stays linear on generated pathological text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const result = expectWithin(`redact ${JSON.stringify(text.slice(0, 60))}… (${text.length} chars)`, TEXT_BOUND, () => redactCredentials(text));
        expect(result.text.length).toBeLessThan(text.length * REDACTED_MARK.length + 1);
      }),
      BOUNDED_RUNS,
    );
  });

  it.each([
    ['a key prefix before a run one character short of every shape', 'sk-ant-' + run('a', 31) + ' '],
    ['authorities full of @ and :', run('https://a:b@', 8) + run('@:', 50)],
    ['key headers with bodies and no END line', '-----BEGIN RSA PRIVATE KEY-----\n' + run('MIIEowIBAAKCAQEA', 64) + '\n'],
    ['key headers without bodies', '-----BEGIN RSA PRIVATE KEY-----'],
    ['assignments of long values', 'password=' + run('Q7vK2mX9pL4wR8tZ', 40) + ' '],
    ['a bearer before long whitespace', 'Bearer' + run(' ', 5000) + 'x'],
    ['a whole message of one token-ish run', 'sk-ant-' + run('a_-', 100_000)],
  ])('%s, repeated to 100 KB, within the bound', (_what, motif) => {
    const text = run(motif, 100_000).slice(0, 100_000);
    const once = expectWithin(`redact ${JSON.stringify(motif.slice(0, 40))}…`, TEXT_BOUND, () => redactCredentials(text));
    expect(redactCredentials(once.text)).toEqual({ text: once.text, removed: [] });
  });

  it('is idempotent on hostile text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const once = redactCredentials(text).text;
        expect(redactCredentials(once)).toEqual({ text: once, removed: [] });
      }),
      { numRuns: 60 },
    );
  });
});

const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];
/** Random-looking key material: distinct characters (as a real key's), never a placeholder. */
const keyMaterial = (min: number, max: number) =>
  fc
    .shuffledSubarray(ALNUM, { minLength: min, maxLength: max })
    .map((chars) => chars.join(''))
    .filter((value) => !isPlaceholderSecret(value) && /\d/.test(value) && /[A-Za-z]/.test(value));

/** A credential, and the part of it that must not survive. */
const planted = fc.oneof(
  keyMaterial(40, 60).map((k) => ({ text: `sk-ant-api03-${k}`, secret: k })),
  keyMaterial(40, 60).map((k) => ({ text: `sk-proj-${k}`, secret: k })),
  keyMaterial(36, 50).map((k) => ({ text: `ghp_${k}`, secret: k })),
  keyMaterial(50, 62).map((k) => ({ text: `github_pat_${k}`, secret: k })),
  keyMaterial(16, 16).map((k) => ({ text: `AKIA${k.toUpperCase()}`, secret: k.toUpperCase() })),
  keyMaterial(20, 40).map((k) => ({ text: `xoxb-1234-${k}`, secret: k })),
  keyMaterial(24, 48).map((k) => ({ text: `Authorization: Bearer ${k}`, secret: k })),
  keyMaterial(8, 30).map((k) => ({ text: `https://alice:${k}@staging.example.com/login`, secret: k })),
  keyMaterial(8, 30).map((k) => ({ text: `postgres://app:${k}@db:5432/app`, secret: k })),
  keyMaterial(8, 30).map((k) => ({ text: `DB_PASSWORD=${k}`, secret: k })),
  keyMaterial(8, 30).map((k) => ({ text: `"password": "${k}"`, secret: k })),
  keyMaterial(40, 60).map((k) => ({ text: `-----BEGIN PRIVATE KEY-----\n${k}\n${k}\n-----END PRIVATE KEY-----`, secret: k })),
);

/** Ordinary words, punctuation and URLs: everything but a credential (with `@`, `:` and `//` in it). */
const WORDS = [
  'the', 'password', 'token', 'secret', 'must', 'be', 'at', 'least', '8', 'characters', 'Bearer', 'Basic', 'key', 'sk-learn', 'AKIA', 'ghp_',
  'alice@example.com', '10:30', 'a//b', 'https://example.com/path', 'ssh://git@github.com/o/r', 'https://user:@host', 'git@github.com:o/r.git',
  'https://medium.com/@alice', 'user:pass@host', 'max_tokens', 'ratio', '3:2', '@', ':', '//', '=', 'sk-ant-...', 'xoxb-your-token', '-----BEGIN',
  'PRIVATE', 'KEY-----', 'Ünïcödé', '日本語', '🔑',
];
const SEPARATORS = [' ', '\n', ', ', '. ', ': ', ' = ', ' (', ') '];
const cleanText = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 60 })
  .map((parts) => parts.map(([word, separator]) => word + separator).join(''));

describe('redaction properties', () => {
  it('a planted credential never survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(cleanText, planted, cleanText, fc.constantFrom(' ', '\n', ' (', '. '), (before, credential, after, separator) => {
        const { text, removed } = redactCredentials(`${before}${separator}${credential.text}${separator}${after}`);
        expect(text).not.toContain(credential.secret);
        expect(removed.length).toBeGreaterThan(0);
        expect(removed.join(' ')).not.toContain(credential.secret);
      }),
      { numRuns: 500 },
    );
  });

  it('redacting twice is redacting once', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(cleanText, planted.map((p) => p.text), fc.string({ maxLength: 40 })), { maxLength: 8 }), (parts) => {
        const once = redactCredentials(parts.join(' ')).text;
        expect(redactCredentials(once)).toEqual({ text: once, removed: [] });
      }),
      { numRuns: 500 },
    );
  });

  it('text without credentials comes back unchanged', () => {
    fc.assert(
      fc.property(cleanText, (text) => {
        expect(redactCredentials(text)).toEqual({ text, removed: [] });
      }),
      { numRuns: 500 },
    );
  });
});
