import { ArchiveLinkSigner, LINK_LIFETIME_SECONDS } from './archive-links';

const KEY = Buffer.alloc(32, 7);
const A = '11111111-1111-4111-8111-111111111111';
const R = '22222222-2222-4222-8222-222222222222';
const OTHER = '33333333-3333-4333-8333-333333333333';

function signer(at: { ms: number }) {
  return new ArchiveLinkSigner(
    async () => KEY,
    () => at.ms,
  );
}

function parts(url: string) {
  const parsed = new URL(url);
  const [, route, association, request] = parsed.pathname.split('/');
  return { route, association, request, exp: parsed.searchParams.get('exp') ?? undefined, sig: parsed.searchParams.get('sig') ?? undefined };
}

describe('archive download links', () => {
  it('are valid for ten minutes, then expired', async () => {
    const clock = { ms: Date.parse('2026-03-01T10:00:00Z') };
    const links = signer(clock);
    const { url, expiresAt } = await links.sign('https://tunet.example', A, R);
    expect(expiresAt.toISOString()).toBe('2026-03-01T10:10:00.000Z');
    const link = parts(url);
    expect(link).toMatchObject({ route: 'privacy-archives', association: A, request: R });
    expect(await links.verify(A, R, link.exp, link.sig)).toBe('valid');
    clock.ms += LINK_LIFETIME_SECONDS * 1000;
    expect(await links.verify(A, R, link.exp, link.sig)).toBe('expired');
  });

  it('are forged for another archive, another expiry or a missing signature', async () => {
    const clock = { ms: Date.parse('2026-03-01T10:00:00Z') };
    const links = signer(clock);
    const link = parts((await links.sign('https://tunet.example', A, R)).url);
    expect(await links.verify(A, OTHER, link.exp, link.sig)).toBe('forged');
    expect(await links.verify(OTHER, R, link.exp, link.sig)).toBe('forged');
    expect(await links.verify(A, R, String(Number(link.exp) + 3600), link.sig)).toBe('forged');
    expect(await links.verify(A, R, link.exp, undefined)).toBe('forged');
    expect(await links.verify(A, R, '1e9', link.sig)).toBe('forged');
  });

  it('made with another key are forged, even expired ones', async () => {
    const clock = { ms: Date.parse('2026-03-01T10:00:00Z') };
    const other = new ArchiveLinkSigner(
      async () => Buffer.alloc(32, 8),
      () => clock.ms,
    );
    const link = parts((await other.sign('https://tunet.example', A, R)).url);
    clock.ms += 3600_000;
    expect(await signer(clock).verify(A, R, link.exp, link.sig)).toBe('forged');
  });
});
