/**
 * Which network addresses a design reference may be fetched from: public
 * unicast only. A URL pasted in the chat must not make the extension talk to
 * the developer's router, a service on localhost or the cloud metadata
 * endpoint (169.254.169.254) — the classic server-side request forgery
 * targets. The check runs on every address a name resolves to, and the
 * connection is then pinned to the checked address (see urlFetcher.ts).
 *
 * An address is parsed once into its bits (32 or 128) and classified by
 * prefix against one table, so every spelling of an address (`::ffff:7f00:1`,
 * `0:0:0:0:0:ffff:127.0.0.1`, upper case, zero-padded) gets the same answer.
 * IPv6 is an allow-list at the top: only global unicast (2000::/3) may be
 * fetched, less the special-purpose ranges of IANA's registry; anything else
 * is refused unless the table says it carries an IPv4 address, which is then
 * judged instead (IPv4-mapped and -translated, well-known NAT64, 6to4).
 */
import { isIP } from 'node:net';

/** Dotted decimal without leading zeros, as net.isIP accepts it. */
const IPV4_TEXT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_WORD = /^[0-9a-f]{1,4}$/i;

/** Refused, allowed, or judged by the IPv4 address at this bit offset. */
type Rule = { refuse: string } | { allow: true } | { ipv4At: number };

interface Range {
  network: bigint;
  length: number;
  rule: Rule;
}

/** First match wins; no two IPv4 ranges overlap. */
const IPV4_TABLE: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private-network address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT (shared) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address (cloud metadata lives there)'],
  ['172.16.0.0', 12, 'a private-network address'],
  ['192.0.0.0', 24, 'an IETF protocol-assignment address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private-network address'],
  ['198.18.0.0', 15, 'a benchmarking-network address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved or broadcast address'],
];

const refuse = (reason: string): Rule => ({ refuse: reason });
const ALLOW: Rule = { allow: true };

/** First match wins, so a more specific range comes before the one that holds it. */
const IPV6_TABLE: ReadonlyArray<readonly [string, number, Rule]> = [
  ['::', 128, refuse('the unspecified address')],
  ['::1', 128, refuse('a loopback address')],
  ['::ffff:0:0', 96, { ipv4At: 96 }], // IPv4-mapped
  ['::ffff:0:0:0', 96, { ipv4At: 96 }], // IPv4-translated (RFC 2765)
  // Deprecated IPv4-compatible addresses (::a.b.c.d): nothing public uses them.
  ['::', 96, refuse('an IPv4-compatible IPv6 address')],
  // RFC 6052: the well-known prefix never stands for a non-global IPv4 address, so judge the one it carries.
  ['64:ff9b::', 96, { ipv4At: 96 }],
  // RFC 8215: translated by a translator of the local network, to anything it likes.
  ['64:ff9b:1::', 48, refuse('a local-use NAT64 address')],
  ['100::', 64, refuse('a discard-only address')],
  // Teredo carries an IPv4 server and (obfuscated) client address; no site is hosted on one.
  ['2001::', 32, refuse('a Teredo tunnelling address')],
  // The globally reachable assignments inside 2001::/23: anycast services, AMT, AS112.
  ['2001:1::1', 128, ALLOW],
  ['2001:1::2', 128, ALLOW],
  ['2001:1::3', 128, ALLOW],
  ['2001:3::', 32, ALLOW],
  ['2001:4:112::', 48, ALLOW],
  ['2001:2::', 48, refuse('a benchmarking-network address')],
  // Identifiers (ORCHID, DRIP entity tags), not locators: nothing answers there.
  ['2001:10::', 28, refuse('an ORCHID address')],
  ['2001:20::', 28, refuse('an ORCHID address')],
  ['2001:30::', 28, refuse('a DRIP entity tag')],
  ['2001::', 23, refuse('an IETF protocol-assignment address')],
  ['2001:db8::', 32, refuse('a documentation address')],
  ['2002::', 16, { ipv4At: 16 }], // 6to4
  ['3fff::', 20, refuse('a documentation address')],
  ['2000::', 3, ALLOW],
  // Outside 2000::/3 all is refused; these ranges are named so the refusal says what they are.
  ['5f00::', 16, refuse('an SRv6 segment identifier')],
  ['fc00::', 7, refuse('a private-network (unique local) address')],
  ['fe80::', 10, refuse('a link-local address')],
  ['fec0::', 10, refuse('a site-local address')],
  ['ff00::', 8, refuse('a multicast address')],
];

const NOT_GLOBAL = 'not a global unicast address (IPv6 outside 2000::/3)';

function compile<T>(table: ReadonlyArray<readonly [string, number, T]>, parse: (s: string) => bigint | null, toRule: (t: T) => Rule): Range[] {
  return table.map(([text, length, value]) => {
    const network = parse(text);
    if (network === null) throw new Error(`addressPolicy: bad network ${text}`);
    return { network, length, rule: toRule(value) };
  });
}

const IPV4_RANGES = compile(IPV4_TABLE, parseIpv4, refuse);
const IPV6_RANGES = compile(IPV6_TABLE, parseIpv6, (rule) => rule);

function find(ranges: readonly Range[], value: bigint, bits: number): Range | undefined {
  return ranges.find((range) => value >> BigInt(bits - range.length) === range.network >> BigInt(bits - range.length));
}

/** Host names that name this machine or its network without DNS saying so. */
const LOCAL_NAME = /(^|\.)(localhost|localdomain|local|internal|home\.arpa|lan)$/i;

/**
 * Why an address may not be fetched from, in words ("a private-network
 * address"), or null when it is public. An IPv4 address inside IPv6 is judged
 * by that IPv4 address ("a loopback address (as 127.0.0.1 inside IPv6)"). A
 * string that is not an IP address is refused.
 */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    const value = parseIpv4(address);
    return value === null ? 'not an IP address' : ipv4Reason(value);
  }
  if (family !== 6) return 'not an IP address';
  const value = parseIpv6(address);
  // net.isIP accepted it and our parser did not: refuse rather than guess.
  if (value === null) return 'not an IP address';
  const rule = find(IPV6_RANGES, value, 128)?.rule ?? refuse(NOT_GLOBAL);
  if ('refuse' in rule) return rule.refuse;
  if ('allow' in rule) return null;
  const embedded = (value >> BigInt(128 - rule.ipv4At - 32)) & 0xffff_ffffn;
  const inner = ipv4Reason(embedded);
  return inner === null ? null : `${inner} (as ${formatIpv4(embedded)} inside IPv6)`;
}

function ipv4Reason(value: bigint): string | null {
  const rule = find(IPV4_RANGES, value, 32)?.rule;
  return rule && 'refuse' in rule ? rule.refuse : null;
}

/** Why a URL host name is refused before any DNS lookup, or null. */
export function blockedHostnameReason(hostname: string): string | null {
  const bare = hostname.replace(/\.$/, '');
  if (bare === '') return 'an empty host name';
  if (LOCAL_NAME.test(bare)) return `"${bare}" names this machine or a local network`;
  return null;
}

/** The URL's host without IPv6 brackets: `[::1]` -> `::1`. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** The 32 bits of a dotted-quad IPv4 address, or null. */
export function parseIpv4(text: string): bigint | null {
  const parts = IPV4_TEXT.exec(text);
  if (parts === null) return null;
  return parts.slice(1).reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/**
 * The 128 bits of an IPv6 address in any RFC 4291 spelling (`::` for a run of
 * zero words, an IPv4 dotted quad as the last 32 bits, a `%zone` suffix), or null.
 */
export function parseIpv6(input: string): bigint | null {
  const text = input.replace(/%.*$/s, '');
  const words: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(':');
  const tailWords: number[] = [];
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tailWords.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    // Keep a `::` right before the dotted quad; drop a single separating `:`.
    body = text.endsWith('::', lastColon + 1) ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const split = (part: string) => (part === '' ? [] : part.split(':'));
  const head = split(halves[0]!);
  const tail = halves.length === 2 ? split(halves[1]!) : [];
  if (![...head, ...tail].every((w) => HEX_WORD.test(w))) return null;
  const given = head.length + tail.length + tailWords.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return null;
  words.push(...head.map((w) => parseInt(w, 16)), ...new Array<number>(8 - given).fill(0), ...tail.map((w) => parseInt(w, 16)), ...tailWords);
  return words.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}
