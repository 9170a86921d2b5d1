import { describe, expect, it } from 'vitest';
import { validateMemory } from '../../../extension/src/core/memory/memoryService';
import { abs, workspace } from './memoryTestFs';

// Built at run time so that no file of the repository holds anything a secret scanner would flag.
const RANDOM = 'Q7vK2mX9pL4wR8tZ3nB6yH1cF5dJ0sG';
const fake = {
  anthropic: ['sk', 'ant', 'api03', RANDOM + RANDOM + 'AA'].join('-'),
  openai: ['sk', 'proj', RANDOM + 'Tq' + RANDOM].join('-'),
  awsKeyId: ['AK', 'IA', 'Z7Q4XK2M9PL3W8TR'].join(''),
  awsSecret: 'aws_secret_access_key = ' + 'q7vK2mX9/pL4wR8tZ3nB6yH1+cF5dJ0sGa8Mk3Lp',
  github: ['gh', 'p_', RANDOM, 'x8Y2z'].join(''),
  githubPat: ['github', 'pat', '11ABCDEFG0' + RANDOM + '_' + RANDOM].join('_'),
  pem: ['-----BEGIN ', 'RSA PRIVATE KEY-----'].join('') + '\nMIIEowIBAAKCAQEA' + RANDOM + RANDOM + '\n-----END RSA PRIVATE KEY-----',
};

function validate(text: string) {
  return validateMemory(abs('CLAUDE.md'), text, workspace({ 'CLAUDE.md': text }));
}

describe('memory/secret', () => {
  it.each([
    ['anthropic', 'an Anthropic API key (sk-ant-…)'],
    ['openai', 'an OpenAI API key (sk-…)'],
    ['awsKeyId', 'an AWS access key id (AKIA…)'],
    ['github', 'a GitHub token (ghp_…)'],
    ['githubPat', 'a GitHub fine-grained token (github_pat_…)'],
  ] as const)('reports %s at the exact range without repeating the value', (name, label) => {
    const secret = fake[name];
    const text = `# Setup\nexport KEY=${secret} # do not commit\n`;
    const diagnostics = validate(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.code).toBe('memory/secret');
    expect(diagnostics[0]?.severity).toBe('error');
    expect(diagnostics[0]?.range).toEqual({ start: { line: 1, character: 11 }, end: { line: 1, character: 11 + secret.length } });
    expect(diagnostics[0]?.message.startsWith(`${label} is written here`)).toBe(true);
    expect(diagnostics[0]?.message).not.toContain(secret.slice(8));
  });

  it('reports an AWS secret access key at its value, and a PEM private key at its header', () => {
    const text = `config:\n${fake.awsSecret}\n\n${fake.pem}\n`;
    const diagnostics = validate(text);
    expect(diagnostics.map((d) => [d.message.split(' (')[0], d.range])).toEqual([
      ['an AWS secret access key', { start: { line: 1, character: 24 }, end: { line: 1, character: 64 } }],
      ['a private key', { start: { line: 3, character: 0 }, end: { line: 3, character: 31 } }],
    ]);
  });

  it('finds secrets inside code spans and fenced blocks too', () => {
    expect(validate('```sh\nexport ANTHROPIC_API_KEY=' + fake.anthropic + '\n```\n').map((d) => d.code)).toEqual(['memory/secret']);
  });

  it('leaves placeholders and documented examples alone', () => {
    const text = [
      'ANTHROPIC_API_KEY=sk-ant-...',
      'OPENAI_API_KEY=sk-xxxx',
      'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'sk-proj-YOUR_KEY_HERE_YOUR_KEY_HERE_YOUR_KEY_HERE',
      'AWS documents AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY:',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'ghp_000000000000000000000000000000000000',
      'A key file starts with -----BEGIN PRIVATE KEY----- and is never pasted here.',
      'task-skeleton sk-learn risk-free',
    ].join('\n');
    expect(validate(text)).toEqual([]);
  });
});
