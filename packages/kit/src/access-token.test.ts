import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, importPKCS8, SignJWT } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, accessTokenKeyId, AccessTokenSigner, AccessTokenVerifier, UnknownAccessTokenKey } from './access-token';
import { generateSecrets, type Secrets } from './secrets';
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

describe('access token keys while they rotate (decision 0054)', () => {
  const viewer: Viewer = {
    accountId: '90000000-0000-4000-8000-000000000001',
    associationId: 'a0000000-0000-4000-8000-000000000001',
    memberId: '90000000-0000-4000-8000-000000000003',
    role: 'resident',
    platformAdmin: false,
    sessionId: '90000000-0000-4000-8000-000000000002',
  };
  let previous: Secrets;
  let current: Secrets;
  let stranger: Secrets;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    [previous, current, stranger] = await Promise.all([generateSecrets(), generateSecrets(), generateSecrets()]);
    verifier = await AccessTokenVerifier.fromKeys({ current: { pem: current.jwtPublicKey }, previous: { pem: previous.jwtPublicKey } });
  });

  const tokenOf = async (secrets: Secrets, keyId?: string) => (await (await AccessTokenSigner.fromPem(secrets.jwtPrivateKey, keyId)).sign(viewer, 60)).token;
  const failureOf = (token: string) =>
    verifier.verify(token).then(
      () => null,
      (error: unknown) => error,
    );

  it("names the signing key in `kid`: the public key's RFC 7638 thumbprint, or the configured id", async () => {
    const thumbprint = await calculateJwkThumbprint(await exportJWK(createPublicKey(current.jwtPublicKey)));
    expect(decodeProtectedHeader(await tokenOf(current))).toEqual({ alg: 'ES256', kid: thumbprint });
    expect(decodeProtectedHeader(await tokenOf(current, 'tunet-2026-12'))).toEqual({ alg: 'ES256', kid: 'tunet-2026-12' });
    expect(verifier.keyIds).toEqual([thumbprint, await accessTokenKeyId(previous.jwtPublicKey)]);
  });

  it('accepts tokens signed by the current key and by the previous one', async () => {
    expect(await verifier.verify(await tokenOf(current))).toEqual(viewer);
    expect(await verifier.verify(await tokenOf(previous))).toEqual(viewer);
  });

  it('refuses a token whose kid names no key it holds, without trying the keys it has', async () => {
    expect(await failureOf(await tokenOf(stranger))).toBeInstanceOf(UnknownAccessTokenKey);
    expect(await failureOf(await tokenOf(current, 'some-other-key'))).toBeInstanceOf(UnknownAccessTokenKey);
  });

  it("refuses a token that names a held key's kid but was signed by another key", async () => {
    const forged = await tokenOf(stranger, await accessTokenKeyId(current.jwtPublicKey));
    expect(await failureOf(forged)).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('tries only the current key for a token without kid (issued before tokens named their key)', async () => {
    const withoutKid = async (secrets: Secrets) =>
      new SignJWT({ aid: viewer.associationId, mid: viewer.memberId, role: viewer.role, adm: false, sid: viewer.sessionId })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(viewer.accountId)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(await importPKCS8(secrets.jwtPrivateKey, 'ES256'));
    expect(await verifier.verify(await withoutKid(current))).toEqual(viewer);
    expect(await failureOf(await withoutKid(previous))).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses what the previous key signed once it is dropped', async () => {
    const afterRotation = await AccessTokenVerifier.fromPem(current.jwtPublicKey);
    await expect(afterRotation.verify(await tokenOf(previous))).rejects.toBeInstanceOf(UnknownAccessTokenKey);
    expect(await afterRotation.verify(await tokenOf(current))).toEqual(viewer);
  });

  it('reports an expired token of a dropped key as expired, so the client refreshes instead of logging in', async () => {
    const afterRotation = await AccessTokenVerifier.fromPem(current.jwtPublicKey);
    const signer = await AccessTokenSigner.fromPem(previous.jwtPrivateKey);
    const expired = (await signer.sign(viewer, 60, new Date(Date.now() - 120_000))).token;
    await expect(afterRotation.verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    const live = (await signer.sign(viewer, 60)).token;
    await expect(afterRotation.verify(live)).rejects.toBeInstanceOf(UnknownAccessTokenKey);
  });

  it('matches a configured key id (JWT_KEY_ID on both sides) instead of the thumbprint', async () => {
    const named = await AccessTokenVerifier.fromKeys({ current: { pem: current.jwtPublicKey, keyId: 'tunet-2026-12' } });
    expect(await named.verify(await tokenOf(current, 'tunet-2026-12'))).toEqual(viewer);
    await expect(named.verify(await tokenOf(current))).rejects.toBeInstanceOf(UnknownAccessTokenKey);
  });
});
