/**
 * Which network addresses a design reference may be fetched from: public
 * unicast only. A URL pasted in the chat must not make the extension talk to
 * the developer's router, a service on localhost or the cloud metadata
 * endpoint (169.254.169.254) — the classic server-side request forgery
 * targets. The check runs on every address a name resolves to, and the
 * connection is then pinned to the checked address (see urlFetcher.ts).
 */
import { BlockList, isIP } from 'node:net';

const IPV4_BLOCKED: ReadonlyArray<readonly [string, number, string]> = [
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

const IPV6_BLOCKED: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  // Deprecated IPv4-compatible addresses (::a.b.c.d): nothing public uses them.
  ['::', 96, 'an IPv4-compatible IPv6 address'],
  ['fc00::', 7, 'a private-network (unique local) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
  ['100::', 64, 'a discard-only address'],
  // RFC 8215: translated by a translator of the local network, to anything it likes.
  ['64:ff9b:1::', 48, 'a local-use NAT64 address'],
  // Teredo carries an IPv4 server and (obfuscated) client address; no site is hosted on one.
  ['2001::', 32, 'a Teredo tunnelling address'],
  ['2001:2::', 48, 'a benchmarking-network address'],
  ['2001:10::', 28, 'an ORCHID address'],
  ['2001:20::', 28, 'an ORCHID address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['3fff::', 20, 'a documentation address'],
  ['5f00::', 16, 'an SRv6 segment identifier'],
];

interface BlockedRange {
  list: BlockList;
  reason: string;
}

function ranges(table: ReadonlyArray<readonly [string, number, string]>, family: 'ipv4' | 'ipv6'): BlockedRange[] {
  return table.map(([network, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, reason };
  });
}

const IPV4_RANGES = ranges(IPV4_BLOCKED, 'ipv4');
const IPV6_RANGES = ranges(IPV6_BLOCKED, 'ipv6');

/** Host names that name this machine or its network without DNS saying so. */
const LOCAL_NAME = /(^|\.)(localhost|localdomain|local|internal|home\.arpa|lan)$/i;

/**
 * Why an address may not be fetched from, in words ("a private-network
 * address"), or null when it is public. IPv4 addresses inside IPv6 (mapped
 * ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4
 * address they carry, and so are IPv4-translated ones (::ffff:0:a.b.c.d,
 * RFC 2765). Ranges are matched on the parsed 128 bits (BlockList), so every
 * spelling of an address gets one answer. A string that is not an IP address
 * is refused.
 */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return ipv4Reason(address);
  if (family !== 6) return 'not an IP address';
  const embedded = embeddedIpv4(address);
  if (embedded !== null) {
    const inner = ipv4Reason(embedded);
    return inner === null ? null : `${inner} (as ${embedded} inside IPv6)`;
  }
  return IPV6_RANGES.find((range) => range.list.check(address, 'ipv6'))?.reason ?? null;
}

function ipv4Reason(address: string): string | null {
  return IPV4_RANGES.find((range) => range.list.check(address, 'ipv4'))?.reason ?? null;
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

/** The IPv4 address an IPv6 address carries (mapped, translated, NAT64, 6to4), or null. */
function embeddedIpv4(address: string): string | null {
  const words = expandIpv6(address);
  if (words === null) return null;
  const zeroUntil = (n: number) => words.slice(0, n).every((w) => w === 0);
  const fromWords = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  if (zeroUntil(5) && words[5] === 0xffff) return fromWords(words[6]!, words[7]!);
  if (zeroUntil(4) && words[4] === 0xffff && words[5] === 0) return fromWords(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) {
    return fromWords(words[6]!, words[7]!);
  }
  if (words[0] === 0x2002) return fromWords(words[1]!, words[2]!);
  return null;
}

/** Eight 16-bit words of a valid IPv6 address (as net.isIP accepts it), or null. */
function expandIpv6(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  const missing = 8 - first.length - last.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const words = [...first, ...new Array<number>(missing).fill(0), ...last];
  return words.some((w) => Number.isNaN(w)) ? null : words;
}
