import ipaddr from 'ipaddr.js';

/**
 * The network a client address stands for in attempt limits. One IPv6 subscriber gets a whole /64 (often far more),
 * so counting single IPv6 addresses would give an attacker 2^64 fresh allowances; an IPv4 address counts alone, and
 * an IPv4-mapped IPv6 address (`::ffff:203.0.113.7`, as a dual-stack socket names an IPv4 client) as that IPv4
 * address. Anything unparsable counts as itself.
 */
export function clientNetwork(clientIp: string): string {
  if (!ipaddr.isValid(clientIp)) return clientIp;
  const address = ipaddr.process(clientIp);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}
