/**
 * Credential redaction of chat text (core/chat/credentials.ts): each shape,
 * URL userinfo, what is deliberately left alone, and idempotence. Secret-looking
 * values are built at run time so that no file of the repository holds
 * anything a secret scanner would flag.
 */
import { describe, expect, it } from 'vitest';
import { credentialsRemovedLine, credentialsRemovedNotice, REDACTED_MARK, redactCredentials } from '../../../extension/src/core/chat/credentials';
import { validateMemory } from '../../../extension/src/core/memory/memoryService';
import { SECRET_PATTERNS } from '../../../extension/src/core/secretPatterns';
import { abs, workspace } from '../memory/memoryTestFs';

const RANDOM = 'Q7vK2mX9pL4wR8tZ3nB6yH1cF5dJ0sG';
const M = REDACTED_MARK;
export const fake = {
  anthropic: ['sk', 'ant', 'api03', RANDOM + RANDOM + 'AA'].join('-'),
  openai: ['sk', 'proj', RANDOM + 'Tq' + RANDOM].join('-'),
  awsKeyId: ['AK', 'IA', 'Z7Q4XK2M9PL3W8TR'].join(''),
  awsSecretValue: 'q7vK2mX9/pL4wR8tZ3nB6yH1+cF5dJ0sGa8Mk3Lp',
  github: ['gh', 'p_', RANDOM, 'x8Y2z'].join(''),
  githubPat: ['github', 'pat', '11ABCDEFG0' + RANDOM + '_' + RANDOM].join('_'),
  slack: ['xo', 'xb-', '123456789012-1234567890123-', RANDOM.slice(0, 24)].join(''),
  pemBody: 'MIIEowIBAAKCAQEA' + RANDOM + RANDOM,
  jwtish: 'eyJhbGciOiJIUzI1NiJ9.' + RANDOM + '.' + RANDOM.slice(3),
};
const pemHeader = ['-----BEGIN ', 'RSA PRIVATE KEY-----'].join('');
const pem = `${pemHeader}\n${fake.pemBody}\n${fake.pemBody.slice(0, 40)}\n-----END RSA PRIVATE KEY-----`;

describe('redactCredentials', () => {
  it.each([
    ['an Anthropic API key', `my key is ${fake.anthropic}, use it`, `my key is ${M}, use it`],
    ['an OpenAI API key', `OPENAI=${fake.openai}`, `OPENAI=${M}`],
    ['an AWS access key id', `id ${fake.awsKeyId} here`, `id ${M} here`],
    ['an AWS secret access key', `aws_secret_access_key = ${fake.awsSecretValue}`, `aws_secret_access_key = ${M}`],
    ['a GitHub token', `token ${fake.github}.`, `token ${M}.`],
    ['a GitHub fine-grained token', fake.githubPat, M],
    ['a Slack token', `slack: ${fake.slack}`, `slack: ${M}`],
    ['a private key', `here:\n${pem}\nthanks`, `here:\n${M}\nthanks`],
    ['a bearer token', `Authorization: Bearer ${fake.jwtish}`, `Authorization: Bearer ${M}`],
    ['basic authentication credentials', 'Authorization: Basic YWxpY2U6aHVudGVyMg==', `Authorization: Basic ${M}`],
    ['a password', 'DB_PASSWORD=hunter2 psql', `DB_PASSWORD=${M} psql`],
    ['a password', 'mysql --password=s3cr3t! -u root', `mysql --password=${M} -u root`],
    ['a password', 'login admin password:s3cr3t', `login admin password:${M}`],
    ['a token', 'https://example.com/reset?token=9f8e7d6c5b&next=1', `https://example.com/reset?token=${M}&next=1`],
    ['a password', '{"user": "alice", "password": "hunter2"}', `{"user": "alice", "password": "${M}"}`],
    ['a secret', "client_secret = 'c0ffee-f00d'", `client_secret = '${M}'`],
    ['an API key', 'const API_KEY = "abc123xyz"', `const API_KEY = "${M}"`],
    // Found by the generated runs: the rejected value "password" is itself the name of the secret.
    ['a password', 'xoxb-your-token =  "password": "zqDxu28l" ', `xoxb-your-token =  "password": "${M}" `],
  ])('removes %s', (label, text, expected) => {
    expect(redactCredentials(text)).toEqual({ text: expected, removed: [label] });
  });

  it('removes the password of a URL with its @, so the URL still names the page', () => {
    expect(redactCredentials('see https://alice:hunter2@staging.example.com/login?x=1 now')).toEqual({
      text: 'see https://staging.example.com/login?x=1 now',
      removed: ['a password in a URL'],
    });
    expect(redactCredentials('postgres://app:pa%40ss@db.internal:5432/app').text).toBe('postgres://db.internal:5432/app');
    expect(redactCredentials('redis://:s3cr3t@cache:6379').text).toBe('redis://cache:6379');
    // The last @ of the authority ends the userinfo, as for the URL parser.
    expect(redactCredentials('https://a:b@c@host/p').text).toBe('https://host/p');
    expect(redactCredentials('[page](https://u:p4ss@example.com/x)').text).toBe('[page](https://example.com/x)');
  });

  it('removes a user name that is a token, and a token in the password, with the whole userinfo', () => {
    expect(redactCredentials(`git clone https://${fake.github}@github.com/o/r.git`)).toEqual({
      text: 'git clone https://github.com/o/r.git',
      removed: ['a GitHub token'],
    });
    expect(redactCredentials(`https://x-access-token:${fake.github}@github.com/o/r`).text).toBe('https://github.com/o/r');
  });

  it('removes a key block without its END line, and one pasted from a JSON string', () => {
    expect(redactCredentials(`${pemHeader}\n${fake.pemBody}\n${fake.pemBody}\n\nIs this right?`).text).toBe(`${M}\n\nIs this right?`);
    const json = `{"private_key": "${pemHeader}\\n${fake.pemBody}\\n-----END RSA PRIVATE KEY-----\\n"}`;
    const { text } = redactCredentials(json);
    expect(text).not.toContain(fake.pemBody);
    expect(text).toBe(`{"private_key": "${M}\\n"}`);
  });

  it('names every credential once, in order, and never its value', () => {
    const { text, removed } = redactCredentials(`${fake.anthropic} and ${fake.awsKeyId} and https://u:pw1234@h.example`);
    expect(text).toBe(`${M} and ${M} and https://h.example`);
    expect(removed).toEqual(['an Anthropic API key', 'an AWS access key id', 'a password in a URL']);
  });

  it.each([
    'The password must be at least 8 characters and a token expires after an hour.',
    'Fields: password: required, min 8; token: optional',
    'password: string; token: number',
    'const password = getPassword(); if (token==null) return;',
    '{"password": "must be 8 characters"}',
    'max_tokens=1000 tokens=5 passwordless=true token_count=3',
    'password=$DB_PASSWORD token=${{ secrets.TOKEN }} secret=%s pwd=@file.txt',
    'password=true token=null secret=changeme password=****',
    'Use a Bearer token in the Authorization header; bearer authentication is fine.',
    'A key file starts with -----BEGIN PRIVATE KEY----- and is never pasted here.',
    'ANTHROPIC_API_KEY=sk-ant-... OPENAI_API_KEY=sk-xxxx sk-proj-YOUR_KEY_HERE_YOUR_KEY_HERE_YOUR_KEY_HERE',
    'AWS documents AKIAIOSFODNN7EXAMPLE; ghp_000000000000000000000000000000000000',
    'task-skeleton sk-learn risk-free xoxb-your-token-here xoxo-hugs-and-kisses-from-berlin',
    'ssh://git@github.com/o/r git@github.com:o/r.git https://alice@example.com mail alice@example.com',
    'https://medium.com/@alice and http://localhost:3000/@scope/pkg and https://user:@host',
    'postgres://user:password@localhost/db and https://user:<password>@host and mysql://root:pass@db',
    'user:pass@host without a scheme, 10:30@office, ratio 3:2',
    '<input type="password" name="token"> and password="" and token=""',
    'https://example.com/@user:matrix.org',
    'POST https://api.example.com/v1/token:refresh with the secret:read scope',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactCredentials(text)).toEqual({ text, removed: [] });
  });

  it('is idempotent: redacting the redacted text changes nothing', () => {
    const texts = [
      `all of them: ${Object.values(fake).join(' ')} ${pem} https://a:b1@h DB_PASSWORD=x9y8z7 "token": "t0k3n"`,
      `password=${fake.anthropic} and https://u:${fake.github}@host and "password": "${fake.openai}"`,
      `https://token:abc@host/x https://${fake.slack}@h`,
    ];
    for (const text of texts) {
      const once = redactCredentials(text);
      expect(once.removed.length).toBeGreaterThan(0);
      expect(redactCredentials(once.text)).toEqual({ text: once.text, removed: [] });
    }
  });

  it('a marker is itself never taken for a credential', () => {
    for (const text of [M, `password=${M}`, `"password": "${M}"`, `Bearer ${M}`, `https://${M}@host`]) {
      expect(redactCredentials(text)).toEqual({ text, removed: [] });
    }
  });
});

describe('what the user is told', () => {
  it('a line under the message, with the count', () => {
    expect(credentialsRemovedLine(1)).toBe('1 credential removed before this message was saved or sent');
    expect(credentialsRemovedLine(3)).toBe('3 credentials removed before this message was saved or sent');
  });

  it('a notice naming what went, never the value', () => {
    expect(credentialsRemovedNotice(['an Anthropic API key'])).toBe(
      'Removed an Anthropic API key from your message before it was saved or sent: it is not in the conversation, the blueprint\u2019s history, the log or the request to the model.'.replace('\u2019', "'"),
    );
    expect(credentialsRemovedNotice(['a password in a URL', 'a GitHub token', 'a password in a URL'])).toMatch(/^Removed 2 × password in a URL and a GitHub token from your message/);
  });
});

describe('one list of token shapes', () => {
  // core/memory/secrets.ts reads core/secretPatterns.ts: the memory check finds what the chat removes.
  it.each(['anthropic', 'openai', 'awsKeyId', 'github', 'githubPat'] as const)('the memory-file check reports %s too', (name) => {
    const text = `# Setup\nexport KEY=${fake[name]}\n`;
    expect(validateMemory(abs('CLAUDE.md'), text, workspace({ 'CLAUDE.md': text })).map((d) => d.code)).toEqual(['memory/secret']);
    expect(redactCredentials(text).removed).toHaveLength(1);
  });

  it('every shared shape is anchored and global (matchAll needs /g)', () => {
    for (const pattern of SECRET_PATTERNS) expect(pattern.regex.flags).toContain('g');
  });
});
