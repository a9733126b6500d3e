import { randomUUID } from 'node:crypto';
import { importPKCS8, importSPKI, jwtVerify, SignJWT, type KeyLike } from 'jose';
import { z } from 'zod';
import { roleSchema, type Viewer, type ViewerScope } from './viewer';

/**
 * Access tokens are ES256 JWTs: the members subgraph signs them with the private key, the gateway verifies
 * them with the public key on every request. See docs/decisions/0003-tokens-and-sessions.md.
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

export class AccessTokenSigner {
  private constructor(private readonly key: KeyLike) {}

  static async fromPem(privateKeyPem: string): Promise<AccessTokenSigner> {
    return new AccessTokenSigner(await importPKCS8(privateKeyPem, ALGORITHM));
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
      .setProtectedHeader({ alg: ALGORITHM })
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

export class AccessTokenVerifier {
  private constructor(private readonly key: KeyLike) {}

  static async fromPem(publicKeyPem: string): Promise<AccessTokenVerifier> {
    return new AccessTokenVerifier(await importSPKI(publicKeyPem, ALGORITHM));
  }

  /** The viewer the token names; throws on a bad signature, wrong issuer or audience, or expiry. */
  async verify(token: string): Promise<Viewer> {
    return (await this.verifyToken(token)).viewer;
  }

  /** The viewer with the token's lifetime: when it was issued (revocations older than that do not hold it) and ends. */
  async verifyToken(token: string): Promise<VerifiedAccessToken> {
    const { payload } = await jwtVerify(token, this.key, {
      algorithms: [ALGORITHM],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
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

export interface VerifiedAccessToken {
  viewer: Viewer;
  issuedAt: Date;
  expiresAt: Date;
}

function scopeOf(claim: { u: string[]; b: string[]; c: string[] }): ViewerScope {
  return { unitIds: claim.u, buildingIds: claim.b, committeeIds: claim.c };
}
