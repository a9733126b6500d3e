import { DeviceTokens } from './device-tokens';

describe('device tokens', () => {
  const tokens = new DeviceTokens('members signing key', 3600);
  const account = '0b7e2a52-54a4-4b8f-9d0e-5ae0d7a1c111';

  it("name the device to the account they were issued for, and keep a device's id when renewed", () => {
    const token = tokens.issue(account);
    const device = tokens.deviceOf(account, token);
    expect(device).toEqual(expect.any(String));
    expect(tokens.deviceOf(account, tokens.issue(account, device!))).toBe(device);
  });

  it('mean nothing for another account, when altered, when expired or under another key', () => {
    const token = tokens.issue(account);
    const [device, expires, mac] = token.split('.');
    expect(tokens.deviceOf('5c9d1b8e-0d43-4d5e-8a55-0f3bb2d2e222', token)).toBeNull();
    expect(tokens.deviceOf(account, `${device}.${Number(expires) + 3600}.${mac}`)).toBeNull();
    expect(tokens.deviceOf(account, `${token}.`)).toBeNull();
    expect(new DeviceTokens('another key', 3600).deviceOf(account, token)).toBeNull();
    expect(new DeviceTokens('members signing key', -1).deviceOf(account, new DeviceTokens('members signing key', -1).issue(account))).toBeNull();
  });
});
