import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  badUserInput,
  parseInput,
  rateLimited,
  unauthenticated,
  type AccessTokenSigner,
  type RateLimit,
} from '@tunet/kit';
import { z } from 'zod';
import type { AuthRepository, Membership, NewRefreshToken } from './auth.repository';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords';

export interface AuthSettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Failed logins allowed per e-mail address, then per client address, before a lockout. */
  maxFailedLoginsPerAccount: number;
  maxFailedLoginsPerAddress: number;
  lockoutSeconds: number;
}

export interface LoginLimits {
  /** Failed logins per e-mail address, whether or not an account has it. */
  perAccount: RateLimit;
  /** Failed logins per client address. */
  perAddress: RateLimit;
}

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

const WRONG_CREDENTIALS = 'The e-mail address or password is wrong.';

const loginInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
  associationId: z.string().uuid().nullish(),
});
const refreshTokenInput = z.object({ refreshToken: z.string().min(1).max(200) });

export class AuthService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly signer: AccessTokenSigner,
    private readonly limits: LoginLimits,
    private readonly settings: AuthSettings,
  ) {}

  async login(rawInput: unknown, clientIp: string): Promise<Session> {
    const input = parseInput(loginInput, rawInput);
    const wait = Math.max(
      await this.limits.perAccount.secondsBlocked(input.email),
      await this.limits.perAddress.secondsBlocked(clientIp),
    );
    if (wait > 0) throw rateLimited(wait);

    const account = await this.repository.findAccountByEmail(input.email);
    const valid = account
      ? await verifyPassword(account.passwordHash, input.password)
      : await verifyAgainstNothing(input.password);
    if (!account || !valid) {
      await Promise.all([this.limits.perAccount.record(input.email), this.limits.perAddress.record(clientIp)]);
      throw unauthenticated(WRONG_CREDENTIALS);
    }
    await this.limits.perAccount.reset(input.email);

    const memberships = await this.repository.findMemberships(account);
    const membership = input.associationId
      ? memberships.find((m) => m.associationId === input.associationId)
      : memberships[0];
    if (!membership) {
      if (input.associationId) throw badUserInput('associationId', 'You are not a member of that association.');
      throw unauthenticated('This account has no membership in any association.');
    }
    const refresh = this.newRefreshToken();
    await this.repository.startSession(membership, refresh.stored);
    return this.session(membership, refresh);
  }

  async refresh(rawInput: unknown): Promise<Session> {
    const { refreshToken } = parseInput(refreshTokenInput, rawInput);
    const next = this.newRefreshToken();
    const outcome = await this.repository.rotate(hashToken(refreshToken), next.stored, new Date());
    if (outcome.kind === 'reused') {
      throw unauthenticated('This refresh token was already used. The session has been ended; log in again.');
    }
    if (outcome.kind === 'invalid') throw unauthenticated('The refresh token is not valid. Log in again.');
    return this.session(outcome.membership, next);
  }

  async logout(rawInput: unknown): Promise<boolean> {
    const { refreshToken } = parseInput(refreshTokenInput, rawInput);
    return this.repository.revokeFamilyOf(hashToken(refreshToken), new Date());
  }

  /** Creates login credentials; memberships are added by the members service. */
  async createAccount(email: string, password: string, platformAdmin = false): Promise<string> {
    const id = randomUUID();
    await this.repository.createAccount({ id, email, passwordHash: await hashPassword(password), platformAdmin });
    return id;
  }

  private newRefreshToken(): { token: string; stored: NewRefreshToken } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.settings.refreshTokenTtlSeconds * 1000);
    return { token, stored: { id: randomUUID(), tokenHash: hashToken(token), expiresAt } };
  }

  private async session(membership: Membership, refresh: { token: string; stored: NewRefreshToken }): Promise<Session> {
    const access = await this.signer.sign(
      {
        accountId: membership.accountId,
        associationId: membership.associationId,
        memberId: membership.memberId,
        role: membership.role,
        platformAdmin: membership.platformAdmin,
      },
      this.settings.accessTokenTtlSeconds,
    );
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.stored.expiresAt,
    };
  }
}

/** Refresh tokens are 256 random bits, so a fast hash is enough; only the hash is stored. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
