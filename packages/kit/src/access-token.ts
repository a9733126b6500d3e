import { createPublicKey, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeJwt,
  errors,
  exportJWK,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  type JWTHeaderParameters,
  type KeyLike,
} from 'jose';
import { z } from 'zod';
import { roleSchema, type Viewer, type ViewerScope } from './viewer';

/**
 * Access tokens are ES256 JWTs: the members subgraph signs them with the private key, the gateway verifies
 * them with the public key on every request. See docs/decisions/0003-tokens-and-sessions.md. Each token names its
 * key in the `kid` header, so the gateway can hold the current and the previous key while keys rotate
 * (docs/decisions/0054-key-rotation-and-nonce-replay.md).
 */
export const ACCESS_TOKEN_ISSUER = 'tunet';
export const ACCESS_TOKEN_AUDIENCE = 'tunet-api';
const ALGORITHM = 'ES256';

const claimsSchema = z.object({
  sub: z.string().uuid(),
  aid: z.string().uuid().nullable(),
  mid: z.string().uuid().nullable(),
  role: roleSchema.nullable(),
  adm: z.boolean(),
  sid: z.string().uuid().nullable(),
  iat: z.number().optional(),
  exp: z.number(),
  // Short keys: the scope rides along on every request.
  scp: z.object({ u: z.array(z.string().uuid()), b: z.array(z.string().uuid()), c: z.array(z.string().uuid()) }).optional(),
  /** A support session's end (decision 0030): the operator acts in `aid` only until then, and every operation is logged. */
  sup: z.object({ x: z.iso.datetime() }).optional(),
  /** The association's language, for messages when the caller asks for none (decision 0045). */
  loc: z.enum(['nb', 'en']).optional(),
});

/**
 * A key's id: the configured one (JWT_KEY_ID), else the RFC 7638 JWK thumbprint of the public key, which signer and
 * verifier compute alike from their halves of the pair, so nothing needs configuring by default.
 */
export async function accessTokenKeyId(pem: string, configured?: string | null): Promise<string> {
  if (configured) return configured;
  const publicKey = createPublicKey(pem);
  return calculateJwkThumbprint(await exportJWK(publicKey));
}

export class AccessTokenSigner {
  private constructor(
    private readonly key: KeyLike,
    /** The `kid` header of every token signed. */
    readonly keyId: string,
  ) {}

  /** `keyId` overrides the thumbprint as the tokens' `kid` (JWT_KEY_ID); the gateway must then name the key alike. */
  static async fromPem(privateKeyPem: string, keyId?: string | null): Promise<AccessTokenSigner> {
    return new AccessTokenSigner(await importPKCS8(privateKeyPem, ALGORITHM), await accessTokenKeyId(privateKeyPem, keyId));
  }

  async sign(viewer: Viewer, ttlSeconds: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
    const token = await new SignJWT({
      aid: viewer.associationId,
      mid: viewer.memberId,
      role: viewer.role,
      adm: viewer.platformAdmin,
      sid: viewer.sessionId,
      ...(viewer.scope ? { scp: { u: viewer.scope.unitIds, b: viewer.scope.buildingIds, c: viewer.scope.committeeIds } } : {}),
      ...(viewer.support ? { sup: { x: viewer.support.expiresAt } } : {}),
      ...(viewer.locale ? { loc: viewer.locale } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keyId })
      .setSubject(viewer.accountId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt };
  }
}

/** A public key the gateway accepts, as SPKI PEM, with the id tokens name it by when it is not the thumbprint. */
export interface AccessTokenKey {
  pem: string;
  keyId?: string | null;
}

/** The keys access tokens are verified with: the current one (JWT_PUBLIC_KEY) and, while rotating, the previous one. */
export interface AccessTokenKeys {
  current: AccessTokenKey;
  previous?: AccessTokenKey | null;
}

/** The token names a key (`kid`) the verifier does not hold: signed with a key rotated out, or by someone else. */
export class UnknownAccessTokenKey extends Error {
  readonly code = 'ERR_TUNET_UNKNOWN_KID';

  constructor() {
    super('the access token names a signing key that is not accepted');
  }
}

interface HeldKey {
  id: string;
  key: KeyLike;
}

export class AccessTokenVerifier {
  private constructor(private readonly keys: readonly [HeldKey, ...HeldKey[]]) {}

  static async fromPem(publicKeyPem: string): Promise<AccessTokenVerifier> {
    return AccessTokenVerifier.fromKeys({ current: { pem: publicKeyPem } });
  }

  static async fromKeys({ current, previous }: AccessTokenKeys): Promise<AccessTokenVerifier> {
    const hold = async ({ pem, keyId }: AccessTokenKey): Promise<HeldKey> => ({
      id: await accessTokenKeyId(pem, keyId),
      key: await importSPKI(pem, ALGORITHM),
    });
    return new AccessTokenVerifier([await hold(current), ...(previous ? [await hold(previous)] : [])]);
  }

  /** The ids (`kid`) of the keys held, the current one first. */
  get keyIds(): string[] {
    return this.keys.map((held) => held.id);
  }

  /**
   * The key a token's header names. A token without `kid` was issued before tokens named their key: only the
   * current key is tried for it (decision 0054 says until when). An unknown `kid` is refused before any signature check
   * (reported as expired when its unverified `exp` has passed: see expiredInstead).
   */
  private keyFor = (header: JWTHeaderParameters): KeyLike => {
    if (header.kid === undefined) return this.keys[0].key;
    const held = this.keys.find((candidate) => candidate.id === header.kid);
    if (!held) throw new UnknownAccessTokenKey();
    return held.key;
  };

  /** The viewer the token names; throws on a bad signature, wrong issuer or audience, or expiry. */
  async verify(token: string): Promise<Viewer> {
    return (await this.verifyToken(token)).viewer;
  }

  /** The viewer with the token's lifetime: when it was issued (revocations older than that do not hold it) and ends. */
  async verifyToken(token: string): Promise<VerifiedAccessToken> {
    const { payload } = await jwtVerify(token, this.keyFor, {
      algorithms: [ALGORITHM],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    }).catch((error: unknown) => {
      throw error instanceof UnknownAccessTokenKey ? expiredInstead(token, error) : error;
    });
    const claims = claimsSchema.parse(payload);
    const viewer: Viewer = {
      accountId: claims.sub,
      associationId: claims.aid,
      memberId: claims.mid,
      role: claims.role,
      platformAdmin: claims.adm,
      sessionId: claims.sid,
      ...(claims.scp ? { scope: scopeOf(claims.scp) } : {}),
      ...(claims.sup ? { support: { expiresAt: claims.sup.x } } : {}),
      ...(claims.loc ? { locale: claims.loc } : {}),
    };
    // `exp` is required above; a token without `iat` counts as issued at the beginning of time.
    return { viewer, issuedAt: new Date((claims.iat ?? 0) * 1000), expiresAt: new Date(claims.exp * 1000) };
  }
}

/**
 * A token of a key rotated out that has expired anyway is reported expired (ERR_JWT_EXPIRED), read unverified from its
 * `exp`: a client idle across a rotation refreshes its session rather than being sent to log in. Forging such a token
 * gains nothing; it is refused all the same, only with the advice to refresh, which needs a valid refresh token.
 */
function expiredInstead(token: string, unknownKey: UnknownAccessTokenKey, now = Date.now()): Error {
  let exp: unknown;
  try {
    exp = decodeJwt(token).exp;
  } catch {
    return unknownKey;
  }
  if (typeof exp !== 'number' || exp * 1000 > now) return unknownKey;
  return new errors.JWTExpired('"exp" claim timestamp check failed', { exp }, 'exp', 'check_failed');
}

export interface VerifiedAccessToken {
  viewer: Viewer;
  issuedAt: Date;
  expiresAt: Date;
}

function scopeOf(claim: { u: string[]; b: string[]; c: string[] }): ViewerScope {
  return { unitIds: claim.u, buildingIds: claim.b, committeeIds: claim.c };
}
