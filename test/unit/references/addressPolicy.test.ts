import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockedAddressReason, blockedHostnameReason, parseIpv6 } from '../../../extension/src/agents/references/addressPolicy';

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['0.0.0.0', 'a "this network" address'],
    ['10.0.0.5', 'a private-network address'],
    ['172.16.0.1', 'a private-network address'],
    ['172.31.255.255', 'a private-network address'],
    ['192.168.1.1', 'a private-network address'],
    ['169.254.169.254', 'a link-local address (cloud metadata lives there)'],
    ['100.64.0.1', 'a carrier-grade NAT (shared) address'],
    ['100.127.255.254', 'a carrier-grade NAT (shared) address'],
    ['224.0.0.251', 'a multicast address'],
    ['255.255.255.255', 'a reserved or broadcast address'],
    ['::', 'the unspecified address'],
    ['::1', 'a loopback address'],
    ['fc00::1', 'a private-network (unique local) address'],
    ['fd12:3456::1', 'a private-network (unique local) address'],
    ['fe80::1', 'a link-local address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address (as 127.0.0.1 inside IPv6)'],
    ['::ffff:a00:5', 'a private-network address (as 10.0.0.5 inside IPv6)'],
    ['::ffff:169.254.169.254', 'a link-local address (cloud metadata lives there) (as 169.254.169.254 inside IPv6)'],
    ['64:ff9b::c0a8:101', 'a private-network address (as 192.168.1.1 inside IPv6)'],
    ['2002:7f00:1::', 'a loopback address (as 127.0.0.1 inside IPv6)'],
    ['::7f00:1', 'an IPv4-compatible IPv6 address'],
    ['not-an-ip', 'not an IP address'],
    // Each once got through (the hardening review): local-use NAT64, IPv4-translated, Teredo.
    ['64:ff9b:1::a00:1', 'a local-use NAT64 address'],
    ['64:ff9b:1::808:808', 'a local-use NAT64 address'],
    ['::ffff:0:7f00:1', 'a loopback address (as 127.0.0.1 inside IPv6)'],
    ['0:0:0:0:ffff:0:a00:5', 'a private-network address (as 10.0.0.5 inside IPv6)'],
    ['::ffff:0:0:0', 'a "this network" address (as 0.0.0.0 inside IPv6)'],
    ['0:0:0:0:0:ffff:7f00:1', 'a loopback address (as 127.0.0.1 inside IPv6)'],
    ['2001::1', 'a Teredo tunnelling address'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'a Teredo tunnelling address'],
    ['2001:db8::1', 'a documentation address'],
    ['3fff::1', 'a documentation address'],
    ['2001:2::1', 'a benchmarking-network address'],
    ['192.0.2.1', 'a documentation address'],
    ['198.51.100.7', 'a documentation address'],
    ['203.0.113.9', 'a documentation address'],
  ])('refuses %s as %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:93.184.216.34', '64:ff9b::5db8:d822', '::ffff:0:5db8:d822', '2001:4860:4860::8888'])(
    'allows the public address %s',
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );
});

describe('IPv6 is classified by its parsed 128 bits, global unicast only', () => {
  // Each got through while the policy was a list of refused ranges: reserved space outside
  // 2000::/3, the rest of 64:ff9b::/32 and 100::/8, unassigned IETF protocol assignments.
  it.each([
    ['1::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['::1:0:0:0', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['::ffff:1:0:0:0', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['4000::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['8000::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['e000::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['fe00::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['64::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['64:ff9b:0:0:1::7f00:1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['64:ff9b:2::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['100:0:0:1::1', 'not a global unicast address (IPv6 outside 2000::/3)'],
    ['2001:100::1', 'an IETF protocol-assignment address'],
    ['2001:1::4', 'an IETF protocol-assignment address'],
    ['2001:30::1', 'a DRIP entity tag'],
    ['5f00::1', 'an SRv6 segment identifier'],
  ])('refuses %s as %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each(['2001:1::1', '2001:3::1', '2001:4:112::1', '2620:4f:8000::1', '2a00:1450:4001::200e', '2001:200::1'])(
    'allows the globally reachable %s',
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  it.each([
    // IPv4-mapped, every textual form.
    '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '0:0:0:0:0:ffff:127.0.0.1', '::FFFF:7F00:0001',
    '0000:0000:0000:0000:0000:ffff:7f00:0001', '0::ffff:7f00:1', '::0:ffff:7f00:1', '::ffff:7f00:1%eth0',
    // IPv4-translated, well-known NAT64, 6to4.
    '::ffff:0:7f00:1', '::ffff:0:127.0.0.1', '0:0:0:0:ffff:0:7f00:1', '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b:0:0:0:0:7f00:1',
    '2002:7f00:1::', '2002:7f00:0001:0:0:0:0:0',
  ])('%s carries the loopback address and is refused as such', (address) => {
    expect(blockedAddressReason(address)).toBe('a loopback address (as 127.0.0.1 inside IPv6)');
  });

  it.each([
    ['10.0.0.5', 'a private-network address'],
    ['169.254.169.254', 'a link-local address (cloud metadata lives there)'],
    ['100.64.0.1', 'a carrier-grade NAT (shared) address'],
    ['192.0.2.1', 'a documentation address'],
    ['93.184.216.34', null],
  ])('every IPv4-carrying form judges %s as IPv4 does', (v4, reason) => {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    const hi = ((a << 8) | b).toString(16);
    const lo = ((c << 8) | d).toString(16);
    const expected = reason === null ? null : `${reason} (as ${v4} inside IPv6)`;
    for (const address of [`::ffff:${v4}`, `::ffff:${hi}:${lo}`, `::ffff:0:${hi}:${lo}`, `64:ff9b::${hi}:${lo}`, `64:ff9b::${v4}`, `2002:${hi}:${lo}::1`]) {
      expect(blockedAddressReason(address), address).toBe(expected);
    }
    // Local-use NAT64 and Teredo carry IPv4 too, but are refused whatever they carry.
    expect(blockedAddressReason(`64:ff9b:1::${hi}:${lo}`)).toBe('a local-use NAT64 address');
    expect(blockedAddressReason(`2001:0:${hi}:${lo}::1`)).toBe('a Teredo tunnelling address');
  });

  /** Addresses near the ranges of the table, as eight 16-bit words (zeros are frequent, so `::` is too). */
  const PREFIXES = [
    [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0xffff], [0, 0, 0, 0, 0xffff, 0], [0x64, 0xff9b, 0, 0, 0, 0], [0x64, 0xff9b, 1, 0, 0, 0],
    [0x2001, 0, 1, 2, 3, 4], [0x2001, 0xdb8, 0, 0, 0, 0], [0x2002, 0x7f00, 1, 0, 0, 0], [0x2606, 0x4700, 0, 0, 0, 0], [0xfe80, 0, 0, 0, 0, 0], [0x100, 0, 0, 0, 0, 0],
  ];
  const word = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  const words = fc
    .tuple(fc.constantFrom(...PREFIXES), fc.array(word, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 6 }))
    .map(([prefix, random, keep]) => random.map((w, i) => (i < keep ? prefix[i]! : w)));

  /** The spellings RFC 4291 allows for one address: compressed or not, padded or not, upper case, a dotted tail. */
  function spellings(w: number[]): string[] {
    const hex = w.map((x) => x.toString(16));
    const dotted = `${w[6]! >> 8}.${w[6]! & 0xff}.${w[7]! >> 8}.${w[7]! & 0xff}`;
    const out = [hex.join(':'), w.map((x) => x.toString(16).padStart(4, '0')).join(':'), hex.join(':').toUpperCase(), `${hex.slice(0, 6).join(':')}:${dotted}`];
    // Compress the longest run of zero words (any run of two or more is valid).
    let best = [-1, 0];
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && w[j] === 0) j++;
      if (j - i > best[1]!) best = [i, j - i];
      i = j === i ? i + 1 : j;
    }
    if (best[1]! >= 1) {
      const [start, len] = best as [number, number];
      out.push(`${hex.slice(0, start).join(':')}::${hex.slice(start + len).join(':')}`);
    }
    return out;
  }

  it('gives every spelling of an address the answer of its canonical form', () => {
    fc.assert(
      fc.property(words, (w) => {
        const canonical = new URL(`http://[${w.map((x) => x.toString(16)).join(':')}]/`).hostname.slice(1, -1);
        const value = parseIpv6(canonical);
        expect(value).not.toBeNull();
        const reason = blockedAddressReason(canonical);
        for (const spelling of spellings(w)) {
          expect(parseIpv6(spelling), spelling).toBe(value);
          expect(blockedAddressReason(spelling), spelling).toBe(reason);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parses only what is an IPv6 address', () => {
    for (const text of ['', ':', ':::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '::1.2.3', '::256.0.0.1', '::01.2.3.4', '1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4']) {
      expect(parseIpv6(text), text).toBeNull();
    }
    expect(parseIpv6('1:2:3:4:5:6:7::')).toBe(parseIpv6('1:2:3:4:5:6:7:0'));
    expect(parseIpv6('::1.2.3.4')).toBe(0x01020304n);
  });
});

describe('blockedHostnameReason', () => {
  it.each(['localhost', 'LOCALHOST.', 'api.localhost', 'printer.local', 'router.lan', 'nas.home.arpa', 'db.internal'])('refuses %s', (host) => {
    expect(blockedHostnameReason(host)).toMatch(/names this machine or a local network$/);
  });

  it.each(['example.com', 'localhost-tools.dev', 'local.example.org'])('lets %s go on to the DNS check', (host) => {
    expect(blockedHostnameReason(host)).toBeNull();
  });
});
