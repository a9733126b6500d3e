import { AccessTokenSigner, AccessTokenVerifier } from './access-token';
import { generateSecrets } from './secrets';
import type { Viewer } from './viewer';

describe('access tokens', () => {
  it("carry a support session's end, so the gateway knows an operator's viewer is in a support session", async () => {
    const secrets = await generateSecrets();
    const signer = await AccessTokenSigner.fromPem(secrets.jwtPrivateKey);
    const verifier = await AccessTokenVerifier.fromPem(secrets.jwtPublicKey);
    const viewer: Viewer = {
      accountId: '90000000-0000-4000-8000-000000000001',
      associationId: 'a0000000-0000-4000-8000-000000000001',
      memberId: null,
      role: null,
      platformAdmin: true,
      sessionId: '90000000-0000-4000-8000-000000000002',
      support: { expiresAt: '2026-12-06T19:00:00.000Z' },
    };
    expect(await verifier.verify((await signer.sign(viewer, 60)).token)).toEqual(viewer);
    const { support: _, ...ordinary } = viewer;
    expect(await verifier.verify((await signer.sign(ordinary, 60)).token)).toEqual(ordinary);
  });

  it("carry the association's language, which the gateway's messages fall back to", async () => {
    const secrets = await generateSecrets();
    const signer = await AccessTokenSigner.fromPem(secrets.jwtPrivateKey);
    const verifier = await AccessTokenVerifier.fromPem(secrets.jwtPublicKey);
    const viewer: Viewer = {
      accountId: '90000000-0000-4000-8000-000000000001',
      associationId: 'a0000000-0000-4000-8000-000000000001',
      memberId: '90000000-0000-4000-8000-000000000003',
      role: 'resident',
      platformAdmin: false,
      sessionId: '90000000-0000-4000-8000-000000000002',
      locale: 'en',
    };
    expect((await verifier.verify((await signer.sign(viewer, 60)).token)).locale).toBe('en');
  });
});
