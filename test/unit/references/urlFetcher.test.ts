import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchReference } from '../../../extension/src/agents/references/designReferences';
import { ReferenceError, type FetchReferenceOptions } from '../../../extension/src/agents/references/referenceTypes';
import { USER_AGENT } from '../../../extension/src/agents/references/urlFetcher';
import { allowLoopbackOnly, css, html, redirect, startLoopbackServer, type LoopbackServer } from './loopbackServer';

let server: LoopbackServer;
beforeEach(async () => {
  server = await startLoopbackServer();
});
afterEach(async () => {
  await server.close();
});

const PAGE = '<!doctype html><title>Test page</title><h1>Hello</h1>';
const testPolicy: FetchReferenceOptions = { allowAddress: allowLoopbackOnly };

async function failure(promise: Promise<unknown>): Promise<ReferenceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReferenceError);
  return error as ReferenceError;
}

describe('fetchReference over a loopback server (test address policy)', () => {
  it('fetches the page and its stylesheets, plain User-Agent, no cookies', async () => {
    let headers: Record<string, unknown> = {};
    server.route('/', (req, res) => {
      headers = req.headers;
      res.setHeader('content-type', 'text/html');
      res.setHeader('set-cookie', 'session=1');
      res.end('<title>Acme</title><link rel="stylesheet" href="/site.css"><h1>Plans</h1>');
    });
    server.route('/site.css', css('body { background: #fafafa; color: #222; font-family: Inter, sans-serif }'));
    const digest = await fetchReference(`${server.origin}/`, testPolicy);
    expect(digest.title).toBe('Acme');
    expect(digest.finalUrl).toBe(`${server.origin}/`);
    expect(server.requests).toEqual(['/', '/site.css']);
    expect(headers['user-agent']).toBe(USER_AGENT);
    expect(headers.cookie).toBeUndefined();
    expect(digest.tokens.colors.map((c) => c.value)).toEqual(['#fafafa', '#222222']);
    expect(digest.text).toMatch(/^Automatic digest of the design reference/);
  });

  it('stops reading a body past the HTML limit and names the limit', async () => {
    // Loopback socket buffers hold a few megabytes: offer far more than that, so a fetcher that
    // read everything would be caught.
    const TOTAL = 48 * 1024 * 1024;
    let written = 0;
    let closed = false;
    server.route('/', (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.on('close', () => (closed = true));
      const chunk = `<p>${'x'.repeat(1020)}</p>`;
      const pump = () => {
        // No Content-Length: the fetcher must count the bytes itself.
        while (!closed && written < TOTAL && res.write(chunk)) written += chunk.length;
        if (!closed && written < TOTAL) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    const error = await failure(fetchReference(`${server.origin}/`, { ...testPolicy, limits: { maxHtmlBytes: 16 * 1024 } }));
    expect(error.reason).toBe('too-large');
    expect(error.message).toBe(`${server.origin}/: the body is larger, more than the 16 KB limit for an HTML page`);
    await expect.poll(() => closed).toBe(true);
    expect(written).toBeLessThan(TOTAL / 3);
  });

  it('refuses a body whose announced length is over the limit without reading it', async () => {
    server.route('/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(3 * 1024 * 1024) });
      res.write('<p>');
    });
    const error = await failure(fetchReference(`${server.origin}/`, testPolicy));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('the server announced 3 MB, more than the 2 MB limit');
  });

  it('gives up on a server that never answers, within the time limit', async () => {
    server.route('/', () => {
      // Never answers.
    });
    const started = Date.now();
    const error = await failure(fetchReference(`${server.origin}/`, { ...testPolicy, limits: { timeoutMs: 300 } }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(`${server.origin}/: gave up — no complete answer within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up on a body that trickles past the time limit', async () => {
    server.route('/', (_req, res) => {
      res.setHeader('content-type', 'text/html');
      const timer = setInterval(() => res.write('<p>slow</p>'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(fetchReference(`${server.origin}/`, { ...testPolicy, limits: { timeoutMs: 400 } }));
    expect(error.reason).toBe('timeout');
  });

  it('refuses a response that is not HTML', async () => {
    server.route('/', html('{"a":1}', 'application/json'));
    const error = await failure(fetchReference(`${server.origin}/`, testPolicy));
    expect(error.reason).toBe('content-type');
    expect(error.message).toBe(`${server.origin}/: the server sent application/json, not an HTML page`);
  });

  it('reports an HTTP error status', async () => {
    const error = await failure(fetchReference(`${server.origin}/missing`, testPolicy));
    expect(error.reason).toBe('http-status');
    expect(error.message).toBe(`${server.origin}/missing: the server answered HTTP 404 Not Found`);
  });

  it('follows five redirects and refuses the sixth', async () => {
    for (let i = 0; i < 10; i++) server.route(`/r${i}`, redirect(`/r${i + 1}`, i % 2 === 0 ? 301 : 307));
    server.route('/r5', html(PAGE));
    const fine = await fetchReference(`${server.origin}/r0`, testPolicy);
    expect(fine.finalUrl).toBe(`${server.origin}/r5`);

    server.route('/r5', redirect('/r6'));
    server.requests.length = 0;
    const error = await failure(fetchReference(`${server.origin}/r0`, testPolicy));
    expect(error.reason).toBe('redirects');
    expect(error.message).toBe(`${server.origin}/r0: redirected to ${server.origin}/r5, gave up after 5 redirects`);
    expect(server.requests).toEqual(['/r0', '/r1', '/r2', '/r3', '/r4', '/r5']);
  });

  it('refuses a redirect to a private address, by literal or by name', async () => {
    server.route('/to-literal', redirect('http://10.0.0.5/admin'));
    const literal = await failure(fetchReference(`${server.origin}/to-literal`, testPolicy));
    expect(literal.reason).toBe('private-address');
    expect(literal.message).toContain('redirected to http://10.0.0.5/admin, refused');

    server.route('/to-name', redirect('http://intranet.example.com/'));
    const lookup = async () => [{ address: '192.168.1.20', family: 4 }];
    const named = await failure(fetchReference(`${server.origin}/to-name`, { ...testPolicy, lookup }));
    expect(named.reason).toBe('private-address');
    expect(named.message).toContain('it resolves to 192.168.1.20');
  });

  it('refuses a redirect to another scheme', async () => {
    server.route('/', redirect('file:///etc/passwd'));
    const error = await failure(fetchReference(`${server.origin}/`, testPolicy));
    expect(error.reason).toBe('scheme');
    expect(error.message).toContain('only http and https URLs are fetched, not file');
  });

  it('fetches at most four stylesheets and notes the rest and the failures', async () => {
    const links = [1, 2, 3, 4, 5, 6].map((n) => `<link rel=stylesheet href="/s${n}.css">`).join('');
    server.route('/', html(`<title>Many</title>${links}`));
    server.route('/s1.css', css('body { color: #111111 }'));
    server.route('/s2.css', (_req, res) => {
      // Written in parts, so no Content-Length: the fetcher must stop at the limit while reading.
      res.setHeader('content-type', 'text/css');
      res.write('body { color: #222222 }');
      res.end(`/* ${'x'.repeat(4096)} */`);
    });
    server.route('/s3.css', html('<p>not css</p>'));
    server.route('/s4.css', css('h1 { color: #444444 }'));
    const digest = await fetchReference(`${server.origin}/`, { ...testPolicy, limits: { maxCssBytes: 1024 } });
    expect([...server.requests].sort()).toEqual(['/', '/s1.css', '/s2.css', '/s3.css', '/s4.css']);
    const values = digest.tokens.colors.map((c) => c.value);
    expect(values).toContain('#111111');
    expect(values).toContain('#444444');
    expect(values).not.toContain('#222222');
    expect(digest.text).toContain(`Note: stylesheet skipped — ${server.origin}/s2.css: the body is larger, more than the 1 KB limit for a CSS stylesheet`);
    expect(digest.text).toContain(`Note: stylesheet skipped — ${server.origin}/s3.css: the server sent text/html, not a CSS stylesheet`);
    expect(digest.text).toContain('Note: 2 more stylesheets not fetched (at most 4 per reference)');
  });

  it('follows @import within the stylesheet budget', async () => {
    server.route('/', html('<link rel=stylesheet href="/css/main.css">'));
    server.route('/css/main.css', css('@import url("theme.css"); body { margin: 8px }'));
    server.route('/css/theme.css', css(':root { --brand: #ff5500 } a { color: var(--brand) }'));
    const digest = await fetchReference(`${server.origin}/`, testPolicy);
    expect(server.requests).toContain('/css/theme.css');
    expect(digest.tokens.colors.find((c) => c.value === '#ff5500')?.name).toBe('brand');
  });

  it('resolves stylesheet links against <base href> and drops non-http ones', async () => {
    server.route('/page/', html('<base href="/theme/"><link rel=stylesheet href="main.css"><link rel=stylesheet href="data:text/css,a{}">'));
    server.route('/theme/main.css', css('body { color: #0a0a0a }'));
    const digest = await fetchReference(`${server.origin}/page/`, testPolicy);
    expect(server.requests).toEqual(['/page/', '/theme/main.css']);
    expect(digest.tokens.colors).toEqual([{ name: 'text', value: '#0a0a0a', role: 'text' }]);
  });

  it('decodes gzip bodies and the declared charset', async () => {
    server.route('/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1', 'content-encoding': 'gzip' });
      res.end(gzipSync(Buffer.from('<title>Caf\xe9 cr\xe8me</title>', 'latin1')));
    });
    const digest = await fetchReference(`${server.origin}/`, testPolicy);
    expect(digest.title).toBe('Café crème');
  });

  it('pins the connection to the address its lookup returned and keeps the host name', async () => {
    server.route('/', html(PAGE));
    const lookedUp: string[] = [];
    const lookup = async (host: string) => {
      lookedUp.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const digest = await fetchReference(`http://design.example.test:${server.port}/`, { ...testPolicy, lookup });
    expect(digest.title).toBe('Test page');
    expect(lookedUp).toEqual(['design.example.test']);
    expect(server.hosts).toEqual([`design.example.test:${server.port}`]);
  });

  it('never sends, shows or records credentials written in the URL', async () => {
    let authorization: string | undefined = 'not seen';
    server.route('/', (req, res) => {
      authorization = req.headers.authorization;
      res.setHeader('content-type', 'text/html');
      res.end(PAGE);
    });
    const digest = await fetchReference(`http://alice:s3cret@127.0.0.1:${server.port}/`, testPolicy);
    expect(authorization).toBeUndefined();
    expect(digest.url).toBe(`${server.origin}/`);
    expect(digest.text).not.toContain('s3cret');

    server.route('/gone', (_req, res) => {
      res.statusCode = 410;
      res.end();
    });
    const error = await failure(fetchReference(`http://alice:s3cret@127.0.0.1:${server.port}/gone`, testPolicy));
    expect(error.url).toBe(`${server.origin}/gone`);
    expect(error.message).toBe(`${server.origin}/gone: the server answered HTTP 410 Gone`);
  });

  it('reports a redirect to an invalid URL', async () => {
    server.route('/', redirect('http://[bad'));
    const error = await failure(fetchReference(`${server.origin}/`, testPolicy));
    expect(error.message).toBe(`${server.origin}/: the server redirected to an invalid URL (http://[bad)`);
  });

  it('verifies TLS against the URL host name while connecting to the pinned address', async () => {
    const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
    const serverNames: string[] = [];
    const tlsServer = https.createServer({
      key: fixture('test-only-selfsigned.key.pem'),
      cert: fixture('test-only-selfsigned.cert.pem'),
      SNICallback: (name, done) => {
        serverNames.push(name);
        done(null, undefined);
      },
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = tlsServer.address() as AddressInfo;
      const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
      const error = await failure(fetchReference(`https://design.example.test:${port}/`, { ...testPolicy, lookup }));
      // The self-signed certificate is refused: verification is on, and it ran for design.example.test.
      expect(error.reason).toBe('network');
      expect(error.message).toBe(`https://design.example.test:${port}/: the connection failed (DEPTH_ZERO_SELF_SIGNED_CERT)`);
      expect(serverNames).toEqual(['design.example.test']);
    } finally {
      tlsServer.close();
    }
  });

  it('stops when the caller cancels', async () => {
    server.route('/', () => {
      // Never answers.
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(fetchReference(`${server.origin}/`, { ...testPolicy, signal: controller.signal }));
    expect(error.message).toBe(`${server.origin}/: fetch cancelled`);
  });
});

describe('fetchReference with the default address policy', () => {
  it.each([
    ['http://127.0.0.1:{port}/', '127.0.0.1 is a loopback address'],
    ['http://[::1]:{port}/', '::1 is a loopback address'],
    ['http://10.1.2.3/', '10.1.2.3 is a private-network address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address (cloud metadata lives there)'],
    ['http://localhost:{port}/', '"localhost" names this machine or a local network'],
    ['http://[::ffff:127.0.0.1]:{port}/', '::ffff:7f00:1 is a loopback address (as 127.0.0.1 inside IPv6)'],
    ['http://0x7f.1:{port}/', '127.0.0.1 is a loopback address'],
  ])('refuses %s before connecting', async (template, detail) => {
    server.route('*', html(PAGE));
    const url = template.replace('{port}', String(server.port));
    const error = await failure(fetchReference(url));
    expect(error.reason).toBe('private-address');
    // The URL as parsed: `0x7f.1` shows as the 127.0.0.1 it means.
    expect(error.url).toBe(new URL(url).href);
    expect(error.message.endsWith(`refused — ${detail}`)).toBe(true);
    expect(server.requests).toEqual([]);
  });

  it.each(['file:///etc/passwd', 'ftp://ftp.example.com/pub/', 'javascript:alert(1)', 'data:text/html,<h1>x</h1>'])(
    'refuses the scheme of %s',
    async (url) => {
      const error = await failure(fetchReference(url));
      expect(error.reason).toBe('scheme');
      expect(error.message).toMatch(/refused — only http and https URLs are fetched, not (file|ftp|javascript|data)$/);
    },
  );

  it('refuses a public-looking name that resolves to a private address (DNS rebinding)', async () => {
    const lookup = async () => [{ address: '10.0.0.5', family: 4 }];
    const error = await failure(fetchReference('https://x.test/', { lookup }));
    expect(error.message).toBe('https://x.test/: refused — it resolves to 10.0.0.5, a private-network address');
  });

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: 'fd00::1', family: 6 },
    ];
    const error = await failure(fetchReference('https://mixed.example/', { lookup }));
    expect(error.reason).toBe('private-address');
    expect(error.message).toContain('it resolves to fd00::1, a private-network (unique local) address');
  });

  it('reports a name that does not resolve', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    };
    const error = await failure(fetchReference('https://nowhere.invalid/', { lookup }));
    expect(error.reason).toBe('dns');
    expect(error.message).toBe('https://nowhere.invalid/: the host nowhere.invalid could not be resolved (ENOTFOUND)');
  });
});
