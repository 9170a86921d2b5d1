/**
 * Fetches one design-reference resource (a page or a stylesheet) over
 * node:http(s) with the checks an untrusted URL needs: http(s) only, every
 * resolved address public, the connection pinned to the checked address (a
 * DNS-rebinding server cannot answer the check with a public address and the
 * connect with a private one), redirects followed by hand and re-checked,
 * body size and time bounded. No cookies are sent or kept.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import { bareHostname, blockedAddressReason, blockedHostnameReason } from './addressPolicy';
import type { FetchBudget } from './fetchBudget';
import { decodeBody } from './bodyDecoding';
import { ReferenceError, type FetchLimits, type HostLookup, type ResolvedAddress } from './referenceTypes';

export const USER_AGENT = 'OrchardStudio/0.1 (design reference fetcher)';

export type ResourceKind = 'html' | 'css';

const ACCEPTED_TYPES: Record<ResourceKind, readonly string[]> = {
  html: ['text/html', 'application/xhtml+xml'],
  css: ['text/css'],
};
const KIND_WORDS: Record<ResourceKind, string> = { html: 'an HTML page', css: 'a CSS stylesheet' };
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchContext {
  budget: FetchBudget;
  limits: FetchLimits;
  lookup: HostLookup;
  /** Tests only: replaces the public-address policy. */
  allowAddress?: (address: string) => boolean;
}

export interface FetchedText {
  finalUrl: string;
  text: string;
  /** Bytes of the (decompressed) body. */
  bytes: number;
}

export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Fetches `url` as `kind`, following redirects; every failure is a ReferenceError naming `url` (without credentials). */
export async function fetchText(url: string, kind: ResourceKind, ctx: FetchContext): Promise<FetchedText> {
  let current = parseHttpUrl(url, url, '');
  const shown = displayUrl(current);
  for (let redirects = 0; ; redirects++) {
    const via = redirects === 0 ? '' : `redirected to ${displayUrl(current)}, `;
    const pinned = await resolveChecked(current, shown, via, ctx);
    const response = await request(current, pinned, shown, via, kind, ctx);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECT_STATUSES.has(status) && location) {
      response.destroy();
      if (redirects >= ctx.limits.maxRedirects) {
        throw new ReferenceError(shown, 'redirects', `${via}gave up after ${ctx.limits.maxRedirects} redirects`);
      }
      current = parseHttpUrl(location, shown, via, current);
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw new ReferenceError(shown, 'http-status', `${via}the server answered HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd());
    }
    const contentType = response.headers['content-type'] ?? '';
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    if (!ACCEPTED_TYPES[kind].includes(mediaType)) {
      response.destroy();
      const got = mediaType === '' ? 'no content type' : mediaType;
      throw new ReferenceError(shown, 'content-type', `${via}the server sent ${got}, not ${KIND_WORDS[kind]}`);
    }
    const maxBytes = kind === 'html' ? ctx.limits.maxHtmlBytes : ctx.limits.maxCssBytes;
    const body = await readBody(response, maxBytes, shown, via, kind, ctx);
    return { finalUrl: displayUrl(current), text: decodeBody(body, contentType, kind), bytes: body.length };
  }
}

/**
 * The URL as messages, logs and blueprints show it: without `user:password@`.
 * Credentials in a pasted URL are never sent either (requests are built from
 * host and path only).
 */
export function displayUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function parseHttpUrl(href: string, original: string, via: string, base?: URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(href, base);
  } catch {
    const what = base === undefined ? 'not a valid URL' : `the server redirected to an invalid URL (${href.slice(0, 200)})`;
    throw new ReferenceError(original, 'scheme', `${via}${what}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const target = base === undefined ? '' : `redirected to ${displayUrl(parsed)}, `;
    throw new ReferenceError(base === undefined ? displayUrl(parsed) : original, 'scheme', `${target}refused — only http and https URLs are fetched, not ${parsed.protocol.replace(/:$/, '')}`);
  }
  return parsed;
}

/** Resolves the URL's host and checks every address; returns them, all checked, for the connection. */
async function resolveChecked(url: URL, original: string, via: string, ctx: FetchContext): Promise<ResolvedAddress[]> {
  const host = bareHostname(url);
  const refuse = (detail: string) => new ReferenceError(original, 'private-address', `${via}refused — ${detail}`);
  const literalFamily = isIP(host);
  if (literalFamily === 0) {
    const nameReason = blockedHostnameReason(host);
    if (nameReason !== null) throw refuse(nameReason);
  }
  let addresses: ResolvedAddress[];
  if (literalFamily !== 0) {
    addresses = [{ address: host, family: literalFamily }];
  } else {
    try {
      addresses = await ctx.budget.race(ctx.lookup(host), original);
    } catch (error) {
      if (error instanceof ReferenceError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ReferenceError(original, 'dns', `${via}the host ${host} could not be resolved (${code})`);
    }
    if (addresses.length === 0) throw new ReferenceError(original, 'dns', `${via}the host ${host} has no address`);
  }
  for (const { address } of addresses) {
    const reason = addressRefusal(address, ctx);
    if (reason === null) continue;
    const subject = literalFamily !== 0 ? `${address} is` : `it resolves to ${address},`;
    throw refuse(`${subject} ${reason}`);
  }
  return addresses;
}

function addressRefusal(address: string, ctx: FetchContext): string | null {
  if (ctx.allowAddress) return ctx.allowAddress(address) ? null : 'an address the test policy refuses';
  return blockedAddressReason(address);
}

function request(
  url: URL,
  pinned: readonly ResolvedAddress[],
  original: string,
  via: string,
  kind: ResourceKind,
  ctx: FetchContext,
): Promise<http.IncomingMessage> {
  // Node asks `lookup` for one address or, with autoSelectFamily, for all; either way it
  // gets only addresses that passed the check, never a second answer from DNS.
  const pinnedLookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, pinned.map(({ address, family }) => ({ address, family })));
    else callback(null, pinned[0]!.address, pinned[0]!.family);
  }) as unknown as LookupFunction;
  const transport = url.protocol === 'https:' ? https : http;
  // An agent of our own, not `agent: false`: VS Code's proxy support replaces the agent of
  // every request, and for a direct connection it uses the request's own agent when there is
  // one (`agent: false` gets a fresh default agent that may not see `lookup`). Agent options
  // override request options, so the pinned lookup holds either way. Through a configured
  // proxy, the proxy resolves the name: the address check above is then the only guard.
  const agent = new transport.Agent({ keepAlive: false, lookup: pinnedLookup });
  const options: https.RequestOptions = {
    protocol: url.protocol,
    hostname: bareHostname(url),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    agent,
    lookup: pinnedLookup,
    signal: ctx.budget.signal,
    headers: {
      'user-agent': USER_AGENT,
      accept: kind === 'html' ? 'text/html,application/xhtml+xml;q=0.9' : 'text/css',
      'accept-encoding': 'gzip, deflate, br',
    },
  };
  return new Promise((resolve, reject) => {
    if (ctx.budget.aborted) return reject(ctx.budget.abortError(original));
    const req = transport.request(options, resolve);
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (ctx.budget.aborted) return reject(ctx.budget.abortError(original));
      reject(new ReferenceError(original, 'network', `${via}the connection failed (${error.code ?? error.message})`));
    });
    req.end();
  });
}

async function readBody(
  response: http.IncomingMessage,
  maxBytes: number,
  original: string,
  via: string,
  kind: ResourceKind,
  ctx: FetchContext,
): Promise<Buffer> {
  const tooLarge = (detail: string) =>
    new ReferenceError(original, 'too-large', `${via}${detail}, more than the ${formatBytes(maxBytes)} limit for ${KIND_WORDS[kind]}`);
  const declared = Number(response.headers['content-length']);
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (Number.isFinite(declared) && declared > maxBytes && encoding === 'identity') {
    response.destroy();
    throw tooLarge(`the server announced ${formatBytes(declared)}`);
  }
  const body = decompressed(response, encoding);
  if (body === null) {
    response.destroy();
    throw new ReferenceError(original, 'network', `${via}the server used an unknown content encoding "${encoding}"`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      // Stop reading at the limit: a huge (or endless, or decompression-bomb) body is never held in memory.
      if (total > maxBytes) throw tooLarge('the body is larger');
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof ReferenceError) throw error;
    if (ctx.budget.aborted) throw ctx.budget.abortError(original);
    const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ReferenceError(original, 'network', `${via}reading the body failed (${detail})`);
  } finally {
    response.destroy();
    if (body !== response) body.destroy();
  }
  return Buffer.concat(chunks, total);
}

function decompressed(response: http.IncomingMessage, encoding: string): Readable | null {
  switch (encoding) {
    case 'identity':
    case '':
      return response;
    // pipeline, not pipe: an aborted response must end the decompressor too, or reading it waits forever.
    case 'gzip':
    case 'x-gzip':
      return pipeline(response, createGunzip(), ignoreError);
    case 'deflate':
      return pipeline(response, createInflate(), ignoreError);
    case 'br':
      return pipeline(response, createBrotliDecompress(), ignoreError);
    default:
      return null;
  }
}

/** The error reaches the reader through the last stream; pipeline only insists on a callback. */
function ignoreError(): void {}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
