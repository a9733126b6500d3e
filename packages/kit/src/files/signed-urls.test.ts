import { randomBytes } from 'node:crypto';
import { URL_LIFETIME_SECONDS, UrlSigner } from './signed-urls';

const FILE = '3f0c2b8e-4d6a-4c1e-9f7a-1b2c3d4e5f60';
const key = randomBytes(32);

function signerAt(clock: { now: number }, secret = key) {
  return new UrlSigner(async () => secret, { nowMs: () => clock.now });
}

async function signed(signer: UrlSigner, variant: 'original' | 'display' = 'original') {
  const url = new URL(await signer.sign('https://tunet.example.no', FILE, variant));
  const [, , id, v] = url.pathname.split('/');
  return { url, id: id!, variant: v!, exp: url.searchParams.get('exp')!, sig: url.searchParams.get('sig')! };
}

describe('UrlSigner', () => {
  const clock = { now: Date.parse('2026-05-12T16:00:00Z') };

  it('builds an absolute link through the gateway origin that verifies', async () => {
    const signer = signerAt(clock);
    const link = await signed(signer);
    expect(link.url.origin).toBe('https://tunet.example.no');
    expect(link.url.pathname).toBe(`/files/${FILE}/original`);
    expect(await signer.verify(link.id, link.variant, link.exp, link.sig)).toBe('valid');
  });

  it('leads to the public route of the subgraph that serves the file', async () => {
    const signer = new UrlSigner(async () => key, { route: 'photos', nowMs: () => clock.now });
    const url = new URL(await signer.sign(null, FILE, 'thumbnail'), 'https://tunet.example.no');
    expect(url.pathname).toBe(`/photos/${FILE}/thumbnail`);
    expect(() => new UrlSigner(async () => key, { route: '../files' })).toThrow('invalid public route');
  });

  it('is valid for five minutes, then expired', async () => {
    const now = { ...clock };
    const signer = signerAt(now);
    const link = await signed(signer);
    now.now += URL_LIFETIME_SECONDS * 1000 - 1;
    expect(await signer.verify(link.id, link.variant, link.exp, link.sig)).toBe('valid');
    now.now += 1;
    expect(await signer.verify(link.id, link.variant, link.exp, link.sig)).toBe('expired');
  });

  it('refuses a link whose file, variant, expiry or signature was changed', async () => {
    const signer = signerAt(clock);
    const link = await signed(signer, 'display');
    const other = '3f0c2b8e-4d6a-4c1e-9f7a-1b2c3d4e5f61';
    expect(await signer.verify(other, link.variant, link.exp, link.sig)).toBe('forged');
    expect(await signer.verify(link.id, 'original', link.exp, link.sig)).toBe('forged');
    expect(await signer.verify(link.id, link.variant, String(Number(link.exp) + 3600), link.sig)).toBe('forged');
    // The first character: all six of its bits are signature (the last one's low bits are padding).
    const tampered = `${link.sig.startsWith('A') ? 'B' : 'A'}${link.sig.slice(1)}`;
    expect(await signer.verify(link.id, link.variant, link.exp, tampered)).toBe('forged');
    expect(await signer.verify(link.id, link.variant, link.exp, undefined)).toBe('forged');
    expect(await signer.verify(link.id, link.variant, 'soon', link.sig)).toBe('forged');
  });

  it("refuses a link signed with another deployment's key, even when expired", async () => {
    const link = await signed(signerAt(clock, randomBytes(32)));
    const later = { now: clock.now + 3600_000 };
    expect(await signerAt(later).verify(link.id, link.variant, link.exp, link.sig)).toBe('forged');
  });

  it('asks for the key once, and again only after a failure', async () => {
    let calls = 0;
    const signer = new UrlSigner(async () => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return key;
    });
    await expect(signer.sign(null, FILE, 'original')).rejects.toThrow('database down');
    await signer.sign(null, FILE, 'original');
    await signer.sign(null, FILE, 'original');
    expect(calls).toBe(2);
  });
});
