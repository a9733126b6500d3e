import { clientNetwork } from './client-networks';

describe('clientNetwork', () => {
  it('counts every address of one IPv6 /64 as that /64, however it is written', () => {
    expect(clientNetwork('2001:db8:5:7::1')).toBe('2001:db8:5:7::/64');
    expect(clientNetwork('2001:0db8:0005:0007:ffff:1:2:3')).toBe('2001:db8:5:7::/64');
    expect(clientNetwork('2001:db8:5:8::1')).toBe('2001:db8:5:8::/64');
  });

  it('counts an IPv4 client as its address, also when named as IPv4-mapped IPv6', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('leaves what is not an address as it is', () => {
    expect(clientNetwork('')).toBe('');
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});
