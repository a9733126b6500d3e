import { randomBytes } from 'node:crypto';
import { URL_MAX_LIFETIME_SECONDS, URL_MIN_LIFETIME_SECONDS, URL_SHORT_LIFETIME_SECONDS, UrlSigner, urlExpiry } from './signed-urls';

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

  it('hands out the same link for an hour, so caches keep the image (decision 0047)', async () => {
    const now = { now: Date.parse('2026-05-12T16:02:00Z') };
    const signer = signerAt(now);
    const first = (await signed(signer)).url.toString();
    now.now += 60_000;
    expect((await signed(signer)).url.toString()).toBe(first);
    now.now = Date.parse('2026-05-12T16:44:59Z');
    expect((await signed(signer)).url.toString()).toBe(first);
    // With less than the minimum left before 17:00, the next link runs to 18:00.
    now.now = Date.parse('2026-05-12T16:45:01Z');
    const next = await signed(signer);
    expect(next.url.toString()).not.toBe(first);
    expect(new Date(Number(next.exp) * 1000).toISOString()).toBe('2026-05-12T18:00:00.000Z');
  });

  it('expires on the hour with at least the minimum and at most a bucket plus the minimum left', () => {
    expect(new Date(urlExpiry(Date.parse('2026-05-12T16:00:00Z')) * 1000).toISOString()).toBe('2026-05-12T17:00:00.000Z');
    expect(new Date(urlExpiry(Date.parse('2026-05-12T16:45:00Z')) * 1000).toISOString()).toBe('2026-05-12T17:00:00.000Z');
    expect(new Date(urlExpiry(Date.parse('2026-05-12T16:45:00.500Z')) * 1000).toISOString()).toBe('2026-05-12T17:00:00.000Z');
    expect(new Date(urlExpiry(Date.parse('2026-05-12T16:45:01Z')) * 1000).toISOString()).toBe('2026-05-12T18:00:00.000Z');
    for (let minute = 0; minute < 120; minute += 7) {
      const at = Date.parse('2026-05-12T16:00:00Z') + minute * 60_000;
      const left = urlExpiry(at) - at / 1000;
      expect(left).toBeGreaterThanOrEqual(URL_MIN_LIFETIME_SECONDS);
      expect(left).toBeLessThanOrEqual(URL_MAX_LIFETIME_SECONDS);
    }
  });

  it('gives a file that is no image a five-minute link, not an hour bucket', async () => {
    const at = { now: Date.parse('2026-05-12T16:20:07Z') };
    const signer = signerAt(at);
    const pdf = new URL(await signer.sign(null, FILE, 'original', { image: false }), 'https://tunet.example.no');
    expect(Number(pdf.searchParams.get('exp'))).toBe(Date.parse('2026-05-12T16:25:07Z') / 1000);
    expect(URL_SHORT_LIFETIME_SECONDS).toBe(300);
    const picture = new URL(await signer.sign(null, FILE, 'original'), 'https://tunet.example.no');
    expect(Number(picture.searchParams.get('exp'))).toBe(Date.parse('2026-05-12T17:00:00Z') / 1000);
    at.now += 6 * 60_000;
    expect(await signer.verify(FILE, 'original', pdf.searchParams.get('exp')!, pdf.searchParams.get('sig')!)).toBe('expired');
  });

  it('is valid until its expiry, then expired', async () => {
    const now = { ...clock };
    const signer = signerAt(now);
    const link = await signed(signer);
    now.now = Number(link.exp) * 1000 - 1;
    expect(await signer.verify(link.id, link.variant, link.exp, link.sig)).toBe('valid');
    now.now += 1;
    expect(await signer.verify(link.id, link.variant, link.exp, link.sig)).toBe('expired');
  });

  it('lets the download be cached privately for what is left of the link, under an ETag of the variant', async () => {
    const now = { now: Date.parse('2026-05-12T16:20:00Z') };
    const signer = signerAt(now);
    const link = await signed(signer, 'display');
    expect(signer.cacheHeaders(link.id, link.variant, link.exp)).toEqual({ 'cache-control': 'private, max-age=2400', etag: `"${FILE}.display"` });
    now.now = Date.parse('2026-05-12T16:59:30Z');
    expect(signer.cacheHeaders(link.id, link.variant, link.exp)['cache-control']).toBe('private, max-age=30');
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
