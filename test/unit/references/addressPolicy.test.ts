import { describe, expect, it } from 'vitest';
import { blockedAddressReason, blockedHostnameReason } from '../../../extension/src/agents/references/addressPolicy';

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

describe('blockedHostnameReason', () => {
  it.each(['localhost', 'LOCALHOST.', 'api.localhost', 'printer.local', 'router.lan', 'nas.home.arpa', 'db.internal'])('refuses %s', (host) => {
    expect(blockedHostnameReason(host)).toMatch(/names this machine or a local network$/);
  });

  it.each(['example.com', 'localhost-tools.dev', 'local.example.org'])('lets %s go on to the DNS check', (host) => {
    expect(blockedHostnameReason(host)).toBeNull();
  });
});
