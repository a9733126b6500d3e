import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses the server may open a connection to on a resident's behalf: public unicast addresses only,
 * never its own machine, the networks it sits in, or a cloud's metadata service (decision 0017). Built from IANA's
 * special-purpose address registries; what a push service on the internet cannot have is refused.
 */

/** IPv4 ranges that are not public unicast. Kept apart from IPv6: a BlockList also matches IPv4-mapped addresses. */
const NOT_PUBLIC_V4 = blockList('ipv4', [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the cloud metadata service at 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relays (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
]);

/** IPv6 public unicast lives in 2000::/3; loopback, unspecified, link-local, unique-local, multicast and mapped addresses lie outside it. */
const GLOBAL_UNICAST_V6 = blockList('ipv6', [['2000::', 3]]);

const NOT_PUBLIC_V6 = blockList('ipv6', [
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4, which can wrap any IPv4 address
  ['3fff::', 20], // documentation
]);

/** NAT64 (RFC 6052): an IPv6-only network reaches an IPv4 host through the host's address in the last 32 bits. */
const NAT64 = blockList('ipv6', [['64:ff9b::', 96]]);

/** Whether the address (IPv4 or IPv6, as DNS or a URL gives it) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return !NOT_PUBLIC_V4.check(address, 'ipv4');
  if (!isIPv6(address)) return false;
  if (NAT64.check(address, 'ipv6')) return isPublicAddress(embeddedIpv4(address));
  return GLOBAL_UNICAST_V6.check(address, 'ipv6') && !NOT_PUBLIC_V6.check(address, 'ipv6');
}

function blockList(family: 'ipv4' | 'ipv6', subnets: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

/** The IPv4 address in the last 32 bits of an IPv6 address written in any of its forms. */
function embeddedIpv4(address: string): string {
  const tail = address.slice(address.lastIndexOf(':') + 1);
  if (isIPv4(tail)) return tail;
  const [high, low] = address
    .split(':')
    .slice(-2)
    .map((group) => parseInt(group || '0', 16));
  return [high! >> 8, high! & 0xff, low! >> 8, low! & 0xff].join('.');
}
