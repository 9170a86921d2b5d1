/** The live preview's command (the setting, else the dev script) and the address a dev server printed. */
import { describe, expect, it } from 'vitest';
import { findServedUrl, previewCommand, SCANNED_OUTPUT_CHARS, stripAnsi, withPort } from '../../../extension/src/core/preview/previewCommand';

const names = (...n: string[]) => new Set(n);
const scripts = (s: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'app', ...extra, scripts: s });
const fromSetting = (setting: string) => previewCommand({ setting, rootNames: names(), packageJson: undefined });

describe('previewCommand', () => {
  it('the setting wins over the scripts, split into arguments with $PORT left for the server', () => {
    expect(previewCommand({ setting: '  npm run dev -- --port $PORT ', rootNames: names('package.json'), packageJson: scripts({ dev: 'vite' }) })).toEqual({
      argv: ['npm', 'run', 'dev', '--', '--port', '$PORT'],
      source: 'setting',
      display: 'npm run dev -- --port $PORT',
    });
    expect(fromSetting('python3 -m http.server ${PORT}')).toMatchObject({ argv: ['python3', '-m', 'http.server', '${PORT}'] });
  });

  it('a blank setting falls back to the dev script, then start, with the package manager the project uses', () => {
    const both = scripts({ start: 'node server.js', dev: 'vite' });
    expect(previewCommand({ setting: '   ', rootNames: names('package.json', 'package-lock.json'), packageJson: both })).toEqual({
      argv: ['npm', 'run', 'dev'],
      source: 'script',
      script: 'dev',
      display: 'npm run dev',
    });
    expect(previewCommand({ setting: undefined, rootNames: names('pnpm-lock.yaml'), packageJson: both })).toMatchObject({ argv: ['pnpm', 'run', 'dev'] });
    expect(previewCommand({ setting: undefined, rootNames: names('yarn.lock'), packageJson: both })).toMatchObject({ argv: ['yarn', 'dev'], display: 'yarn dev' });
    expect(previewCommand({ setting: undefined, rootNames: names('bun.lockb'), packageJson: both })).toMatchObject({ argv: ['bun', 'run', 'dev'] });
    expect(previewCommand({ setting: undefined, rootNames: names('bun.lock'), packageJson: both })).toMatchObject({ argv: ['bun', 'run', 'dev'] });
    // corepack's field says it outright, over the lockfile.
    expect(previewCommand({ setting: undefined, rootNames: names('package-lock.json'), packageJson: scripts({ dev: 'vite' }, { packageManager: 'pnpm@9.1.0' }) })).toMatchObject({
      argv: ['pnpm', 'run', 'dev'],
    });
    // No dev script (or a blank one): start.
    expect(previewCommand({ setting: undefined, rootNames: names(), packageJson: scripts({ dev: '  ', start: 'next start' }) })).toEqual({
      argv: ['npm', 'run', 'start'],
      source: 'script',
      script: 'start',
      display: 'npm run start',
    });
  });

  it('nothing to run, a missing or a broken package.json: a problem in words', () => {
    expect(previewCommand({ setting: undefined, rootNames: names('package.json'), packageJson: scripts({ build: 'tsc', test: 'vitest' }) })).toEqual({
      problem: 'No app to preview: package.json has no dev or start script, and orchard.preview.command is not set.',
    });
    expect(previewCommand({ setting: '', rootNames: names(), packageJson: JSON.stringify({ name: 'x' }) })).toHaveProperty('problem', expect.stringContaining('no dev or start script'));
    expect(previewCommand({ setting: undefined, rootNames: names(), packageJson: undefined })).toEqual({
      problem: 'No app to preview: the worktree has no package.json with a dev or start script, and orchard.preview.command is not set.',
    });
    expect(previewCommand({ setting: undefined, rootNames: names(), packageJson: '{ "scripts": ' })).toHaveProperty('problem', expect.stringMatching(/^No app to preview: package\.json is not valid JSON \(/));
    expect(previewCommand({ setting: undefined, rootNames: names(), packageJson: '[1]' })).toHaveProperty('problem', expect.stringContaining('package.json'));
    expect(previewCommand({ setting: undefined, rootNames: names(), packageJson: JSON.stringify({ scripts: { dev: 42 } }) })).toHaveProperty('problem');
  });

  it('quotes and escapes as a shell splits words', () => {
    expect(fromSetting(`python3 -c 'print("a | b; c")' "two words" ""`)).toMatchObject({ argv: ['python3', '-c', 'print("a | b; c")', 'two words', ''] });
    expect(fromSetting(`node "say \\"hi\\" \\\\ \\$PORT" it\\'s a\\ b`)).toMatchObject({ argv: ['node', 'say "hi" \\ $PORT', "it's", 'a b'] });
    expect(fromSetting(`node --title='$HOME stays' x"y"z`)).toMatchObject({ argv: ['node', '--title=$HOME stays', 'xyz'] });
    expect(fromSetting('C:\\tools\\serve.exe --port=$PORT')).toMatchObject({ argv: ['C:\\tools\\serve.exe', '--port=$PORT'] });
    expect(fromSetting('npm   run\tdev')).toMatchObject({ argv: ['npm', 'run', 'dev'] });
    expect(fromSetting(`npm run "dev`)).toEqual({ problem: 'orchard.preview.command has an unterminated double quote.' });
    expect(fromSetting(`npm run 'dev`)).toEqual({ problem: 'orchard.preview.command has an unterminated single quote.' });
    expect(fromSetting(`"" run`)).toEqual({ problem: 'orchard.preview.command names no program to run.' });
  });

  it('refuses what only a shell could run, naming the setting and the character', () => {
    const cases: [string, string][] = [
      ['npm run build | tee log', '"|"'],
      ['npm run build && npm run preview', '"&&"'],
      ['npm run dev &', '"&"'],
      ['npm install; npm run dev', '";"'],
      ['npm run dev > out.log', '">"'],
      ['npm run dev >> out.log', '">>"'],
      ['serve < input', '"<"'],
      ['serve --root `pwd`', '"`"'],
      ['serve --root $(pwd)', '"$("'],
      ['serve --root "$(pwd)"', '"$("'],
      ['npm run dev\nnpm run other', 'a line break'],
    ];
    for (const [setting, what] of cases) {
      const result = fromSetting(setting);
      expect(result, setting).toHaveProperty('problem');
      const problem = (result as { problem: string }).problem;
      expect(problem, setting).toContain(`orchard.preview.command cannot contain ${what}`);
      expect(problem, setting).toContain('without a shell');
    }
    expect(fromSetting('serve --root $HOME')).toEqual({
      problem: 'orchard.preview.command uses "$HOME", but only $PORT is replaced: the command runs without a shell, so other variables are not expanded.',
    });
    expect(fromSetting('serve "${NODE_ENV}"')).toHaveProperty('problem', expect.stringContaining('"${NODE_ENV}"'));
    expect(fromSetting('serve --port $PORTAL')).toHaveProperty('problem', expect.stringContaining('"$PORTAL"'));
    expect(fromSetting('PORT=3000 npm run dev')).toHaveProperty('problem', expect.stringMatching(/^orchard\.preview\.command starts with "PORT=3000": setting a variable .* needs a shell/));
    // A lone `$` or `$5` names no variable: kept as written.
    expect(fromSetting('echo $ $5')).toMatchObject({ argv: ['echo', '$', '$5'] });
  });
});

describe('withPort', () => {
  it('replaces $PORT and ${PORT} wherever they stand, and nothing that only starts like them', () => {
    expect(withPort(['serve', '--port', '$PORT', '--listen=127.0.0.1:${PORT}', '$PORTAL', 'plain'], 5173)).toEqual(['serve', '--port', '5173', '--listen=127.0.0.1:5173', '$PORTAL', 'plain']);
  });
});

describe('findServedUrl', () => {
  it('Vite, with its colours (the port in bold), skipping the Network line', () => {
    const vite = [
      '',
      '  \x1b[32m\x1b[1mVITE\x1b[22m v5.2.11\x1b[39m  \x1b[2mready in \x1b[0m\x1b[1m312\x1b[22m\x1b[2m\x1b[0m ms\x1b[22m',
      '',
      '  \x1b[32m➜\x1b[39m  \x1b[1mNetwork\x1b[22m: \x1b[36mhttp://192.168.1.4:\x1b[1m5173\x1b[22m/\x1b[39m',
      '  \x1b[32m➜\x1b[39m  \x1b[1mLocal\x1b[22m:   \x1b[36mhttp://localhost:\x1b[1m5173\x1b[22m/\x1b[39m',
      '  \x1b[32m➜\x1b[39m  \x1b[2m\x1b[1mpress \x1b[22m\x1b[1mh + enter\x1b[22m\x1b[2m to show help\x1b[22m',
    ].join('\n');
    expect(findServedUrl(vite)).toBe('http://localhost:5173/');
    expect(stripAnsi('\x1b[36mhttp://localhost:\x1b[1m5173\x1b[22m/\x1b[39m')).toBe('http://localhost:5173/');
  });

  it('Next.js, python http.server, webpack-dev-server, Astro, SvelteKit and plain servers', () => {
    expect(findServedUrl('  ▲ Next.js 14.2.3\n  - Local:        http://localhost:3000\n  - Environments: .env\n\n ✓ Ready in 1454ms\n')).toBe('http://localhost:3000/');
    expect(findServedUrl('Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...\n')).toBe('http://localhost:8000/');
    expect(findServedUrl('Serving HTTP on :: port 8000 (http://[::]:8000/) ...\n')).toBe('http://localhost:8000/');
    expect(
      findServedUrl(
        '<i> [webpack-dev-server] Project is running at:\n<i> [webpack-dev-server] Loopback: http://localhost:8080/, http://[::1]:8080/\n<i> [webpack-dev-server] On Your Network (IPv4): http://10.0.0.5:8080/\n',
      ),
    ).toBe('http://localhost:8080/');
    expect(findServedUrl('\n \x1b[42m\x1b[30m astro \x1b[39m\x1b[49m \x1b[32mv4.8.6\x1b[39m \x1b[2mready in\x1b[22m 210 ms\n\n┃ Local    \x1b[1m\x1b[36mhttp://localhost:4321/\x1b[39m\x1b[22m\n┃ Network  \x1b[2muse --host to expose\x1b[22m\n')).toBe(
      'http://localhost:4321/',
    );
    expect(findServedUrl('  VITE v5.0.0  ready in 800 ms\n\n  ➜  Local:   http://localhost:5173/my-app/\n')).toBe('http://localhost:5173/my-app/');
    expect(findServedUrl('Listening on http://127.0.0.1:4000')).toBe('http://localhost:4000/');
    expect(findServedUrl('server started at http://[::]:3000.')).toBe('http://localhost:3000/');
    expect(findServedUrl('Ready on https://127.0.0.1:8443/app?x=1, press Ctrl+C')).toBe('https://localhost:8443/app?x=1');
    expect(findServedUrl('bound to http://127.0.1.1:9000/')).toBe('http://127.0.1.1:9000/');
    expect(findServedUrl('Docs: https://vitejs.dev/guide/ then Local: http://LOCALHOST:3000/')).toBe('http://localhost:3000/');
  });

  it('nothing on loopback printed: undefined', () => {
    expect(findServedUrl('  ➜  Network: http://192.168.1.4:5173/\n')).toBeUndefined();
    expect(findServedUrl('compiling…\nwebpack compiled successfully\n')).toBeUndefined();
    expect(findServedUrl('see http://localhost.example.com/ and http://localhost:99999/')).toBeUndefined();
    expect(findServedUrl('')).toBeUndefined();
  });

  it('reads only the last 64 KiB of the output', () => {
    const url = 'Local: http://localhost:5173/\n';
    const filler = 'x'.repeat(79) + '\n';
    const old = url + filler.repeat(Math.ceil(SCANNED_OUTPUT_CHARS / filler.length));
    expect(findServedUrl(old)).toBeUndefined();
    expect(findServedUrl(old + url)).toBe('http://localhost:5173/');
    expect(findServedUrl(filler.repeat(100) + url + filler.repeat(100))).toBe('http://localhost:5173/');
  });
});
