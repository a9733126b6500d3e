import { isPublicAddress } from './public-address';

describe('isPublicAddress', () => {
  it.each([
    ['IPv4 loopback', '127.0.0.1'],
    ['the far end of IPv4 loopback', '127.255.255.254'],
    ['the unspecified IPv4 address', '0.0.0.0'],
    ['"this network"', '0.1.2.3'],
    ['private 10/8', '10.0.0.1'],
    ['private 172.16/12', '172.16.0.1'],
    ['the top of private 172.16/12', '172.31.255.255'],
    ['private 192.168/16', '192.168.1.1'],
    ['carrier-grade NAT', '100.64.0.1'],
    ['the top of carrier-grade NAT', '100.127.255.254'],
    ['link-local', '169.254.1.1'],
    ['the cloud metadata service', '169.254.169.254'],
    ['IETF protocol assignments', '192.0.0.8'],
    ['documentation TEST-NET-1', '192.0.2.1'],
    ['documentation TEST-NET-2', '198.51.100.7'],
    ['documentation TEST-NET-3', '203.0.113.9'],
    ['benchmarking', '198.19.0.1'],
    ['multicast', '224.0.0.251'],
    ['reserved', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['the unspecified IPv6 address', '::'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback in hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata service', '::ffff:169.254.169.254'],
    ['IPv4-compatible (deprecated)', '::127.0.0.1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0'],
    ['IPv6 unique-local fc00::/7', 'fc00::1'],
    ['IPv6 unique-local fd00::/8', 'fd12:3456:789a::1'],
    ['IPv6 site-local (deprecated)', 'fec0::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv6 documentation', '2001:db8::1'],
    ['IPv6 documentation 3fff::/20', '3fff::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['6to4 wrapping a private address', '2002:c0a8:101::1'],
    ['NAT64 of loopback', '64:ff9b::127.0.0.1'],
    ['NAT64 of a private address in hex', '64:ff9b::a00:1'],
    ['the discard prefix', '100::1'],
    ['no address at all', 'push.example.test'],
    ['an empty string', ''],
  ])('refuses %s (%s)', (_what, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    ['a public IPv4 address', '151.101.2.132'],
    ['just below private 172.16/12', '172.15.255.255'],
    ['just above private 172.16/12', '172.32.0.1'],
    ['just above carrier-grade NAT', '100.128.0.1'],
    ['just below multicast', '223.255.255.254'],
    ['a public IPv6 address', '2606:4700:4700::1111'],
    ['Google’s IPv6', '2a00:1450:400f:80d::200a'],
    ['NAT64 of a public address', '64:ff9b::151.101.2.132'],
  ])('accepts %s (%s)', (_what, address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
