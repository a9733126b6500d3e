import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  associationClosed,
  badUserInput,
  conflict,
  parseInput,
  refuse,
  unauthenticated,
  type AccessTokenSigner,
  type RevocationWriter,
  type Viewer,
} from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { requireNotSuspended, requireOpenAssociation, requirePerson, sessionRoleOf } from './auth.access';
import type { AccountRow, AuthRepository, Membership, NewRefreshToken } from './auth.repository';
import type { PasswordGuard, PasswordLimitSettings } from './password-guard';
import { hashPassword } from './passwords';

export interface AuthSettings extends PasswordLimitSettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  /** Set when a person proved who they are on this device; a refresh has none to give. */
  deviceToken: string | null;
}

/** A reset link belongs to an account, not an association: its expiry is told in the platform's default zone. */
function isoInDefaultZone(at: Date): string | null {
  return DateTime.fromJSDate(at, { zone: 'Europe/Oslo' }).toISO();
}

const loginInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
  associationId: z.string().uuid().nullish(),
  deviceToken: z.string().max(200).nullish(),
});
const refreshTokenInput = z.object({ refreshToken: z.string().min(1).max(200) });
const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(10, 'must be at least 10 characters').max(1024),
});

const setPasswordWithTokenInput = z.object({
  token: z.string().min(1).max(200),
  password: z.string().min(10, 'must be at least 10 characters').max(1024),
});

const requestPasswordResetInput = z.object({ email: z.string().trim().toLowerCase().email().max(320) });
const resetPasswordInput = z.object({
  token: z.string().min(1).max(200),
  newPassword: z.string().min(10, 'must be at least 10 characters').max(1024),
});
/** Long enough to open the e-mail, short enough that a link lying in a mailbox is soon worth nothing. */
export const RESET_LINK_LIFETIME_MINUTES = 30;
const switchAssociationInput = z.object({ associationId: z.guid() });

const requestEmailChangeInput = z.object({
  newEmail: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});
const confirmEmailChangeInput = z.object({ token: z.string().min(1).max(200) });
const EMAIL_LINK_LIFETIME_MS = 24 * 3600 * 1000;

export class AuthService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly signer: AccessTokenSigner,
    private readonly guard: PasswordGuard,
    private readonly settings: AuthSettings,
    /** Tells gateways at once which sessions ended and who was suspended (docs/decisions/0018). */
    private readonly revocations: RevocationWriter,
  ) {}

  async login(rawInput: unknown, clientIp: string): Promise<Session> {
    const input = parseInput(loginInput, rawInput);
    const account = await this.repository.findAccountByEmail(input.email);
    const proven = await this.guard.login(account, { ...input, clientIp, deviceToken: input.deviceToken ?? null });
    return this.startSession(proven.account, input.associationId ?? null, proven.deviceToken);
  }

  /** A new session for an account that has just proven who it is (password, or an accepted invitation). */
  async sessionFor(accountId: string, associationId: string): Promise<Session> {
    const account = await this.repository.findAccount(accountId);
    if (!account) throw unauthenticated();
    return this.startSession(account, associationId, this.guard.newDeviceToken(account.id));
  }

  private async startSession(account: AccountRow, associationId: string | null, deviceToken: string | null): Promise<Session> {
    const memberships = await this.repository.findMemberships(account);
    const open = memberships.filter((m) => m.associationStatus === 'active');
    const membership = associationId ? memberships.find((m) => m.associationId === associationId) : (defaultMembership(memberships) ?? memberships[0]);
    if (!membership) {
      if (associationId) throw refuse('NOT_A_MEMBER', {}, 'associationId');
      // An operator belongs to no association and enters one only through a support session (decision 0030).
      if (account.platformAdmin) return this.startOperatorSession(account.id, deviceToken);
      throw refuse('NO_MEMBERSHIP');
    }
    // An operator whose memberships have all closed still works as an operator.
    if (!associationId && open.length === 0 && account.platformAdmin) return this.startOperatorSession(account.id, deviceToken);
    requireOpenAssociation(membership);
    requireNotSuspended(membership);
    const refresh = this.newRefreshToken();
    await this.repository.startSession(membership, refresh.stored);
    return this.session(membership, refresh.stored.id, refresh, deviceToken);
  }

  private async startOperatorSession(accountId: string, deviceToken: string | null): Promise<Session> {
    const refresh = this.newRefreshToken();
    await this.repository.startOperatorSession(accountId, refresh.stored);
    return this.issue(operatorViewer(accountId, refresh.stored.id), refresh, deviceToken);
  }

  /**
   * The id of the account with this e-mail when the password is its own, through the limits of a login
   * (INVALID_CREDENTIALS, RATE_LIMITED): an invitation to an existing account's e-mail proves nothing about who holds
   * the account, so accepting it asks the account's password (decision 0046, review fixes).
   */
  async proveAccount(email: string, password: string, clientIp: string): Promise<string> {
    const address = email.trim().toLowerCase();
    const account = await this.repository.findAccountByEmail(address);
    return (await this.guard.login(account, { email: address, password, clientIp, deviceToken: null })).account.id;
  }

  /** A point from the client address's login allowance before a one-time token is looked up (see PasswordGuard). */
  takeTokenAttempt(clientIp: string): Promise<() => Promise<void>> {
    return this.guard.takeTokenAttempt(clientIp);
  }

  /** Every membership of the viewer's account, oldest first, whatever its state (decision 0046). */
  async myMemberships(viewer: Viewer | null): Promise<Membership[]> {
    const person = requirePerson(viewer);
    const account = await this.repository.findAccount(person.accountId);
    if (!account) throw unauthenticated();
    return this.repository.findMemberships(account);
  }

  /**
   * A new session in another association of the viewer's account, on the rules of a login that names it: only an
   * active membership of an open association. The current session goes on (decision 0046). Never the current
   * association (that would only copy the session), and at most SWITCHES_PER_ACCOUNT_PER_HOUR an hour; the new
   * session is the account's like any other, so a password change or reset ends it.
   */
  async switchAssociation(viewer: Viewer | null, rawInput: unknown): Promise<Session> {
    const person = requirePerson(viewer);
    const { associationId } = parseInput(switchAssociationInput, rawInput);
    if (associationId === person.associationId) throw refuse('ALREADY_IN_ASSOCIATION', {}, 'associationId');
    await this.guard.takeSwitch(person.accountId);
    const account = await this.repository.findAccount(person.accountId);
    if (!account) throw unauthenticated();
    return this.startSession(account, associationId, null);
  }

  /**
   * Sends a one-time link to set a new password, when the e-mail belongs to an account with an open membership (the
   * e-mail goes out in that association's name and the language the person chose there). The answer is the same
   * either way, so nobody learns which e-mail addresses have accounts; the limits count unknown addresses too.
   */
  async requestPasswordReset(rawInput: unknown, clientIp: string): Promise<{ linkValidMinutes: number }> {
    const { email } = parseInput(requestPasswordResetInput, rawInput);
    if (!(await this.guard.takeResetRequest(email, clientIp))) return { linkValidMinutes: RESET_LINK_LIFETIME_MINUTES };
    const account = await this.repository.findAccountByEmail(email);
    // A platform operator's password is set only through `create-operator --new-link` (decision 0030).
    const membership = account && !account.platformAdmin && defaultMembership(await this.repository.findMemberships(account));
    if (account && membership) {
      const token = newSecretToken();
      const expiresAt = new Date(Date.now() + RESET_LINK_LIFETIME_MINUTES * 60_000);
      const resetId = randomUUID();
      await this.repository.issuePasswordReset(
        account.id,
        { id: resetId, tokenHash: hashToken(token), expiresAt },
        {
          topic: 'account.password_reset_requested',
          associationId: membership.associationId,
          payload: { resetId, accountId: account.id, memberId: membership.memberId, email: account.email, token, expiresAt: expiresAt.toISOString() },
        },
      );
    }
    return { linkValidMinutes: RESET_LINK_LIFETIME_MINUTES };
  }

  /**
   * Sets a new password with a reset link's token and ends every session of the account. A wrong token costs the
   * client address a login attempt, as `setPasswordWithToken`'s does.
   */
  async resetPassword(rawInput: unknown, clientIp: string): Promise<{ email: string; endedSessions: number }> {
    const input = parseInput(resetPasswordInput, rawInput);
    const giveBack = await this.guard.takeTokenAttempt(clientIp);
    const outcome = await this.repository.usePasswordSetup(hashToken(input.token), 'reset', await hashPassword(input.newPassword), new Date());
    if (outcome.kind === 'invalid') throw refuse('PASSWORD_RESET_TOKEN_INVALID', {}, 'token');
    await giveBack();
    if (outcome.kind === 'used') throw refuse('PASSWORD_RESET_TOKEN_USED', {}, 'token');
    if (outcome.kind === 'expired') throw refuse('PASSWORD_RESET_TOKEN_EXPIRED', { expiredAt: isoInDefaultZone(outcome.expiresAt) }, 'token');
    // The sessions ended with the password, in its transaction; announcing them is after the commit. Should that
    // fail, the refresh tokens are dead anyway and the access tokens stop within their 15 minutes.
    await this.revocations.endSessions(outcome.endedSessions);
    return { email: outcome.email, endedSessions: outcome.endedSessions.length };
  }

  async refresh(rawInput: unknown): Promise<Session> {
    const { refreshToken } = parseInput(refreshTokenInput, rawInput);
    const next = this.newRefreshToken();
    const outcome = await this.repository.rotate(hashToken(refreshToken), next.stored, new Date());
    if (outcome.kind === 'reused') {
      await this.revocations.endSessions([outcome.sessionId]);
      throw refuse('REFRESH_TOKEN_REUSED');
    }
    if (outcome.kind === 'invalid') throw refuse('REFRESH_TOKEN_INVALID');
    if (outcome.kind === 'closed') throw associationClosed(outcome.status);
    if (outcome.kind === 'rotated-operator') return this.issue(operatorViewer(outcome.accountId, outcome.sessionId), next, null);
    return this.session(outcome.membership, outcome.sessionId, next, null);
  }

  /** Changes the viewer's password, ends every other session of the account and voids its pending e-mail changes and links. */
  async changePassword(viewer: Viewer | null, rawInput: unknown, clientIp: string): Promise<number> {
    const person = requirePerson(viewer);
    const input = parseInput(changePasswordInput, rawInput);
    const account = await this.recheckPassword(person, input.currentPassword, clientIp, () =>
      badUserInput('currentPassword', 'The current password is wrong.'),
    );
    const ended = await this.repository.setPassword(account.id, await hashPassword(input.newPassword), person.sessionId, new Date());
    await this.revocations.endSessions(ended);
    return ended.length;
  }

  /**
   * Sets a password through a one-time link (an operator's first, decision 0030) and ends every session of the
   * account. A wrong token costs the client address a login attempt.
   */
  async setPasswordWithToken(rawInput: unknown, clientIp: string): Promise<string> {
    const input = parseInput(setPasswordWithTokenInput, rawInput);
    const giveBack = await this.guard.takeTokenAttempt(clientIp);
    const outcome = await this.repository.usePasswordSetup(hashToken(input.token), 'operator_setup', await hashPassword(input.password), new Date());
    if (outcome.kind === 'invalid') throw badUserInput('token', 'This link is not valid.');
    await giveBack();
    if (outcome.kind === 'used') throw badUserInput('token', 'This link was already used. Ask for a new one.');
    if (outcome.kind === 'expired') throw badUserInput('token', 'This link has expired. Ask for a new one.');
    await this.revocations.endSessions(outcome.endedSessions);
    return outcome.email;
  }

  /**
   * Starts an e-mail change; re-asks the password so that a stolen session cannot take over the account. The link
   * travels to the new address in `account.email_change_requested` (the notifications subgraph sends it, and tells
   * the old address).
   */
  async requestEmailChange(viewer: Viewer | null, rawInput: unknown, clientIp: string): Promise<{ pendingEmail: string; expiresAt: Date }> {
    const person = requirePerson(viewer);
    const input = parseInput(requestEmailChangeInput, rawInput);
    const account = await this.recheckPassword(person, input.password, clientIp, () => badUserInput('password', 'The password is wrong.'));
    if (account.email.toLowerCase() === input.newEmail) throw badUserInput('newEmail', 'That is already your e-mail address.');
    const token = newSecretToken();
    const expiresAt = new Date(Date.now() + EMAIL_LINK_LIFETIME_MS);
    const id = randomUUID();
    await this.repository.requestEmailChange(
      { id, accountId: account.id, newEmail: input.newEmail, tokenHash: hashToken(token), expiresAt },
      {
        topic: 'account.email_change_requested',
        associationId: person.associationId,
        payload: { changeId: id, accountId: account.id, oldEmail: account.email, newEmail: input.newEmail, token, expiresAt: expiresAt.toISOString() },
      },
    );
    return { pendingEmail: input.newEmail, expiresAt };
  }

  async confirmEmailChange(rawInput: unknown): Promise<string> {
    const { token } = parseInput(confirmEmailChangeInput, rawInput);
    const outcome = await this.repository.confirmEmailChange(hashToken(token), new Date());
    if (outcome.kind === 'invalid') throw badUserInput('token', 'This confirmation link is not valid or was already used.');
    if (outcome.kind === 'expired') throw badUserInput('token', 'This confirmation link has expired. Ask for a new one.');
    if (outcome.kind === 'taken') throw conflict('Another account already uses that e-mail address.');
    return outcome.email;
  }

  /**
   * Ends the sessions of a member the board suspended, and stops their access tokens' writes at once; the tokens
   * still read until they expire, as before.
   */
  async suspendSessions(associationId: string, memberId: string, suspension: { reason: string; until: string | null }): Promise<void> {
    await this.repository.endMemberSessions(associationId, memberId, new Date());
    await this.revocations.suspend(associationId, memberId, suspension);
  }

  /** Lets a reinstated member's access tokens write again. */
  reinstateSessions(associationId: string, memberId: string): Promise<void> {
    return this.revocations.reinstate(associationId, memberId);
  }

  /**
   * The viewer's account when the password they gave again is right. Too many wrong ones end the session, so a
   * stolen session cannot be used to guess its way to the password.
   */
  private async recheckPassword(person: Viewer, password: string, clientIp: string, wrong: () => GraphQLError): Promise<AccountRow> {
    const account = await this.repository.findAccount(person.accountId);
    if (!account) throw unauthenticated();
    const outcome = await this.guard.recheck(account, password, { sessionId: person.sessionId, clientIp });
    if (outcome === 'right') return account;
    if (outcome === 'wrong') throw wrong();
    if (person.sessionId) {
      await this.repository.endSession(person.sessionId, new Date());
      await this.revocations.endSessions([person.sessionId]);
    }
    // Too many wrong passwords: the session has been ended.
    throw refuse('SESSION_ENDED');
  }

  async logout(rawInput: unknown): Promise<boolean> {
    const { refreshToken } = parseInput(refreshTokenInput, rawInput);
    const session = await this.repository.revokeFamilyOf(hashToken(refreshToken), new Date());
    // Also when it had ended already: a retry after a failed announcement completes it.
    if (session) await this.revocations.endSessions([session.sessionId]);
    return session?.ended ?? false;
  }

  /** Creates login credentials; memberships are added by the members service. */
  async createAccount(email: string, password: string, platformAdmin = false, id: string = randomUUID()): Promise<string> {
    await this.repository.createAccount({ id, email, passwordHash: await hashPassword(password), platformAdmin });
    return id;
  }

  private newRefreshToken(): { token: string; stored: NewRefreshToken } {
    const token = newSecretToken();
    const expiresAt = new Date(Date.now() + this.settings.refreshTokenTtlSeconds * 1000);
    return { token, stored: { id: randomUUID(), tokenHash: hashToken(token), expiresAt } };
  }

  /**
   * Roles are read when the session starts or is refreshed, so a board term that ends takes effect within one
   * access-token lifetime.
   */
  private async session(
    membership: Membership,
    sessionId: string,
    refresh: { token: string; stored: NewRefreshToken },
    deviceToken: string | null,
  ): Promise<Session> {
    const viewer: Viewer = {
      accountId: membership.accountId,
      associationId: membership.associationId,
      memberId: membership.memberId,
      role: sessionRoleOf(membership.roles),
      platformAdmin: membership.platformAdmin,
      sessionId,
      scope: membership.scope,
      locale: membership.associationLocale,
    };
    return this.issue(viewer, refresh, deviceToken);
  }

  private async issue(viewer: Viewer, refresh: { token: string; stored: NewRefreshToken }, deviceToken: string | null): Promise<Session> {
    const access = await this.signer.sign(viewer, this.settings.accessTokenTtlSeconds);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.stored.expiresAt,
      deviceToken,
    };
  }
}

/**
 * The membership a login without `associationId` enters: the oldest open one with a role, else the oldest open one;
 * memberships of blocked or terminated associations are skipped.
 */
function defaultMembership(memberships: Membership[]): Membership | undefined {
  const open = memberships.filter((m) => m.associationStatus === 'active');
  return open.find((m) => m.roles.length > 0) ?? open[0];
}

/** An operator's own session: no association, member or role until a support session names one. */
function operatorViewer(accountId: string, sessionId: string): Viewer {
  return { accountId, associationId: null, memberId: null, role: null, platformAdmin: true, sessionId };
}

/** Refresh and invitation tokens are 256 random bits, so a fast hash is enough; only the hash is stored. */
/** 256 random bits, URL-safe: refresh tokens and invitation links. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
