/**
 * The SDK loads with the first request, not when the agents bundle loads or a
 * provider is created. Bundled like esbuild.mjs bundles the host (cjs, node20) but
 * with the SDK left external, so a child process can see when `require` reaches it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '../../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-lazy-sdk-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('lazy SDK', () => {
  it('is not required until the first stream', async () => {
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(entry, `
      import { createProvider } from ${JSON.stringify(path.join(repoRoot, 'extension/src/agents/providers/createProvider'))};
      import { estimateCostUsd, DEFAULT_MODEL } from ${JSON.stringify(path.join(repoRoot, 'extension/src/agents/providers/models'))};
      import { startFakeAnthropic } from ${JSON.stringify(path.join(repoRoot, 'test/support/fakeAnthropic.mjs'))};
      const sdkLoaded = () => Object.keys(require.cache).some((file) => file.includes('@anthropic-ai'));
      (async () => {
        const steps: Record<string, boolean> = { atStart: sdkLoaded() };
        estimateCostUsd(DEFAULT_MODEL, { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 });
        const fake = await startFakeAnthropic();
        const provider = createProvider({ kind: 'anthropic', apiKey: 'sk-ant-lazy', baseUrl: fake.url, model: DEFAULT_MODEL });
        steps.afterCreate = sdkLoaded();
        for await (const _ of provider.stream({ model: DEFAULT_MODEL, system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [], maxTokens: 16 }, new AbortController().signal)) { /* drain */ }
        steps.afterStream = sdkLoaded();
        await fake.close();
        process.stdout.write(JSON.stringify(steps));
      })();
    `);
    const outfile = path.join(dir, 'entry.cjs');
    await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], external: ['@anthropic-ai/sdk'],
      // import() as require(), so the child resolves the external SDK through NODE_PATH like the bundled host would find it inline.
      supported: { 'dynamic-import': false }, logLevel: 'error', nodePaths: [path.join(repoRoot, 'node_modules')] });
    const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') }, timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ atStart: false, afterCreate: false, afterStream: true });
  });
});
