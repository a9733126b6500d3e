import { clientNetwork, RateLimit, rateLimited, refuse, type FastStore } from '@tunet/kit';
import type { AccountRow } from './auth.repository';
import { DeviceTokens } from './device-tokens';
import { verifyAgainstNothing, verifyPassword } from './passwords';

export interface PasswordLimitSettings {
  /** Wrong passwords per e-mail and client address, and per known device, before they wait `lockoutSeconds`. */
  maxFailedLoginsPerAddressAndEmail: number;
  /** Wrong passwords per client address (an IPv6 /64) across e-mails (credential stuffing) before it waits `lockoutSeconds`. */
  maxFailedLoginsPerAddress: number;
  /** Wrong passwords per account a minute from unknown devices; more wait for the minute to end, never longer. */
  maxFailedLoginsPerAccountPerMinute: number;
  /** Wrong passwords a session may give when a change re-asks it, before the session is ended. */
  maxFailedPasswordChecksPerSession: number;
  lockoutSeconds: number;
  deviceTokenTtlSeconds: number;
  /** A session's count lasts as long as the session can. */
  refreshTokenTtlSeconds: number;
}

export type RecheckOutcome = 'right' | 'wrong' | 'session-ended';

export const RESET_REQUESTS_PER_EMAIL_PER_HOUR = 3;
const RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 20;
/** Sessions `switchAssociation` may start per account an hour: a person moves between a handful of associations. */
export const SWITCHES_PER_ACCOUNT_PER_HOUR = 30;

/**
 * Every password check goes through here, so every one counts against the same limits (decision 0003): per e-mail
 * and address, per address, a per-account throttle that only slows, and per known device or per session.
 */
export class PasswordGuard {
  private readonly perAddressAndEmail: RateLimit;
  private readonly perAddress: RateLimit;
  private readonly perAccount: RateLimit;
  private readonly perDevice: RateLimit;
  private readonly perSession: RateLimit;
  private readonly resetsPerEmail: RateLimit;
  private readonly resetsPerAddress: RateLimit;
  private readonly switchesPerAccount: RateLimit;
  private readonly devices: DeviceTokens;

  constructor(store: FastStore, deviceKeySecret: string, settings: PasswordLimitSettings) {
    const lockout = (name: string, points: number) =>
      new RateLimit(store, { name, points, windowSeconds: settings.lockoutSeconds, blockSeconds: settings.lockoutSeconds });
    this.perAddressAndEmail = lockout('password:address-email', settings.maxFailedLoginsPerAddressAndEmail);
    this.perAddress = lockout('password:address', settings.maxFailedLoginsPerAddress);
    this.perDevice = lockout('password:device', settings.maxFailedLoginsPerAddressAndEmail);
    // No block beyond the window: a stranger can slow the owner down for at most a minute at a time.
    this.perAccount = new RateLimit(store, {
      name: 'password:account',
      points: settings.maxFailedLoginsPerAccountPerMinute,
      windowSeconds: 60,
      blockSeconds: 0,
    });
    this.perSession = new RateLimit(store, {
      name: 'password:session',
      points: settings.maxFailedPasswordChecksPerSession,
      windowSeconds: settings.refreshTokenTtlSeconds,
      blockSeconds: settings.refreshTokenTtlSeconds,
    });
    // Reset e-mails: a stranger can neither flood someone's mailbox nor probe many addresses from one network.
    const hourly = (name: string, points: number) => new RateLimit(store, { name, points, windowSeconds: 3600, blockSeconds: 0 });
    this.resetsPerEmail = hourly('password-reset:email', RESET_REQUESTS_PER_EMAIL_PER_HOUR);
    this.resetsPerAddress = hourly('password-reset:address', RESET_REQUESTS_PER_ADDRESS_PER_HOUR);
    this.switchesPerAccount = hourly('switch-association:account', SWITCHES_PER_ACCOUNT_PER_HOUR);
    this.devices = new DeviceTokens(deviceKeySecret, settings.deviceTokenTtlSeconds);
  }

  /**
   * A point per client network and per e-mail before a password reset is asked for, whether or not the e-mail has an
   * account, so that the limit tells nothing about who has one. RATE_LIMITED when the network's are used up; false
   * (send nothing, answer as always) when the e-mail's are: a stranger asking for someone's address must neither see
   * a difference nor void the link the owner just got (decision 0046, review fixes).
   */
  async takeResetRequest(email: string, clientIp: string): Promise<boolean> {
    await takeFromAll([[this.resetsPerAddress, clientNetwork(clientIp)]]);
    return (await this.resetsPerEmail.take(email.toLowerCase())).taken;
  }

  /** A point per account before `switchAssociation` starts a session; RATE_LIMITED with the wait when used up. */
  async takeSwitch(accountId: string): Promise<void> {
    await takeFromAll([[this.switchesPerAccount, accountId]]);
  }

  /**
   * Checks a login's password and returns the account with a device token for the session, or fails with UNAUTHENTICATED (wrong
   * e-mail and wrong password alike) or RATE_LIMITED. A known device is held to its own count only, so neither
   * strangers guessing at the account nor neighbours behind the same address (one NAT for a whole student house) can
   * keep its owner out. Points are taken before the password is checked, so guesses sent at once get no more tries
   * than guesses sent one by one; a right password gives them back.
   */
  async login(
    account: AccountRow | null,
    attempt: { email: string; password: string; clientIp: string; deviceToken: string | null },
  ): Promise<{ account: AccountRow; deviceToken: string }> {
    const network = clientNetwork(attempt.clientIp);
    const pair = `${attempt.email}|${network}`;
    const deviceId = account && attempt.deviceToken ? this.devices.deviceOf(account.id, attempt.deviceToken) : null;
    const knownDevice = deviceId !== null && (await this.perDevice.secondsBlocked(deviceId)) === 0;
    const limits: Limits = knownDevice
      ? [[this.perDevice, deviceId]]
      : [
          [this.perAddress, network],
          [this.perAddressAndEmail, pair],
          [this.perAccount, attempt.email],
        ];
    await takeFromAll(limits);

    const valid = account ? await verifyPassword(account.passwordHash, attempt.password) : await verifyAgainstNothing(attempt.password);
    if (!account || !valid) throw refuse('INVALID_CREDENTIALS');
    await Promise.all(limits.map(([limit, key]) => limit.giveBack(key)));
    if (!knownDevice) await this.perAddressAndEmail.reset(pair);
    return { account, deviceToken: this.devices.issue(account.id, deviceId ?? undefined) };
  }

  /**
   * A point from the client address's login allowance before a one-time link's token is checked, so links cannot be
   * guessed at faster than passwords; the returned function gives it back when the token was right.
   */
  async takeTokenAttempt(clientIp: string): Promise<() => Promise<void>> {
    const network = clientNetwork(clientIp);
    await takeFromAll([[this.perAddress, network]]);
    return () => this.perAddress.giveBack(network);
  }

  /** A device token for an account that proved who it is another way (an accepted invitation). */
  newDeviceToken(accountId: string): string {
    return this.devices.issue(accountId);
  }

  /**
   * Checks the password a change re-asks for. A session is a known device: only its own wrong answers count against
   * it, never strangers' or neighbours', and the caller ends the session at `session-ended`. The session's point is
   * taken before the check, so answers sent at once get no more tries than answers sent one by one. Its failures also
   * count per address and per account, as a login's would.
   */
  async recheck(account: AccountRow, password: string, caller: { sessionId: string | null; clientIp: string }): Promise<RecheckOutcome> {
    const session = caller.sessionId ?? `account:${account.id}`;
    const turn = await this.perSession.take(session);
    if (!turn.taken) return 'session-ended';
    if (await verifyPassword(account.passwordHash, password)) {
      await this.perSession.giveBack(session);
      return 'right';
    }
    const network = clientNetwork(caller.clientIp);
    const email = account.email.toLowerCase();
    await Promise.all([this.perAddress.record(network), this.perAddressAndEmail.record(`${email}|${network}`), this.perAccount.record(email)]);
    return turn.left === 0 ? 'session-ended' : 'wrong';
  }
}

type Limits = [RateLimit, string][];

/** A point from every limit, or RATE_LIMITED with the longest wait and the points taken from the others given back. */
async function takeFromAll(limits: Limits): Promise<void> {
  await refuseWhileBlocked(limits);
  const turns = await Promise.all(limits.map(([limit, key]) => limit.take(key)));
  const waits = turns.map((turn) => (turn.taken ? 0 : turn.secondsBlocked));
  if (Math.max(...waits) === 0) return;
  await Promise.all(limits.filter((_, i) => turns[i]?.taken).map(([limit, key]) => limit.giveBack(key)));
  throw rateLimited(Math.max(...waits));
}

async function refuseWhileBlocked(limits: Limits): Promise<void> {
  const waits = await Promise.all(limits.map(([limit, key]) => limit.secondsBlocked(key)));
  const wait = Math.max(0, ...waits);
  if (wait > 0) throw rateLimited(wait);
}
