import { randomUUID } from 'node:crypto';
import { badUserInput, conflict, notFound, parseInput, refuse, refusedRule, todayIn, type Announcement, type Viewer } from '@tunet/kit';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { hashToken, newSecretToken, type AuthService, type Session } from '../auth/auth.service';
import { hashPassword } from '../auth/passwords';
import type { Loaders } from '../context';
import { requireInvitationReader, requireInviter } from './invitations.access';
import type { InvitationPreviewRow, InvitationRow, InvitationRule, InvitationsRepository } from './invitations.repository';

const LINK_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** INVITATION_EXPIRED with the moment it expired, in the association's zone. */
function invitationExpired(found: { expiresAt: Date; timeZone: string }): Error {
  return refuse('INVITATION_EXPIRED', { expiredAt: DateTime.fromJSDate(found.expiresAt, { zone: found.timeZone }).toISO() }, 'token');
}

const NOT_BOTH = 'Invite a resident with unitId and relation, or an external with externalTitle (not both).';
const RESIDENT_OR_EXTERNAL = { reason: 'RESIDENT_OR_EXTERNAL' };

const inviteInput = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    displayName: z.string().trim().min(1).max(200),
    unitId: z.guid().nullish(),
    relation: z
      .enum(['OWNER', 'CO_OWNER', 'TENANT', 'OCCUPANT'])
      .transform((r) => r.toLowerCase() as 'owner')
      .nullish(),
    moveIn: z.iso.date().nullish(),
    externalTitle: z.string().trim().min(1).max(100).nullish(),
  })
  .superRefine((i, ctx) => {
    const residentFields = (['unitId', 'relation', 'moveIn'] as const).filter((field) => i[field]);
    if (i.externalTitle && residentFields.length > 0) {
      // Both sides are reported, so a form can mark every field that has to go.
      for (const path of [...residentFields, 'externalTitle']) ctx.addIssue({ code: 'custom', path: [path], message: NOT_BOTH, params: RESIDENT_OR_EXTERNAL });
      return;
    }
    if (i.externalTitle) return;
    if (!i.unitId) ctx.addIssue({ code: 'custom', path: ['unitId'], message: NOT_BOTH, params: RESIDENT_OR_EXTERNAL });
    else if (!i.relation) ctx.addIssue({ code: 'custom', path: ['relation'], message: 'A resident needs a relation to the unit.' });
  });
const invitationIdInput = z.object({ invitationId: z.guid() });
const acceptInput = z.object({
  token: z.string().min(1).max(200),
  password: z.string().min(10, 'must be at least 10 characters').max(1024).nullish(),
});
const previewInput = z.object({ token: z.string().min(1).max(200) });

/** What `invitationPreview` shows: where the link leads and whether accepting asks for a password. */
export type InvitationPreview = Omit<InvitationPreviewRow, 'status' | 'hasAccount' | 'timeZone'> & { passwordRequired: boolean; existingAccount: boolean };

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';

export function statusOf(invitation: InvitationRow, now = new Date()): InvitationStatus {
  if (invitation.acceptedAt) return 'ACCEPTED';
  if (invitation.revokedAt) return 'REVOKED';
  return invitation.expiresAt <= now ? 'EXPIRED' : 'PENDING';
}

/**
 * The board invites people by e-mail. The link's token travels in the `member.invited` event to the
 * notifications subgraph, which sends the e-mail; Tunet stores only its hash.
 */
export class InvitationsService {
  constructor(
    private readonly repository: InvitationsRepository,
    private readonly auth: AuthService,
  ) {}

  async list(viewer: Viewer | null, associationId: string, includeClosed: boolean): Promise<InvitationRow[]> {
    requireInvitationReader(viewer, associationId);
    return this.repository.list(associationId, includeClosed);
  }

  async invite(viewer: Viewer | null, loaders: Loaders, raw: unknown): Promise<InvitationRow> {
    const tenant = requireInviter(viewer);
    const input = parseInput(inviteInput, raw);
    if (input.unitId && !(await loaders.unitById.load(input.unitId))) throw badUserInput('unitId', 'No such unit.');
    if (await this.repository.emailTaken(tenant, input.email)) {
      throw conflict('Someone in the association already has this e-mail address.');
    }
    const memberId = randomUUID();
    const link = this.newLink();
    const tenure =
      input.unitId && input.relation
        ? { id: randomUUID(), unitId: input.unitId, relation: input.relation, moveIn: input.moveIn ?? (await this.today(tenant, loaders)) }
        : null;
    try {
      return await this.repository.create(
        tenant,
        { id: memberId, displayName: input.displayName, email: input.email, externalTitle: input.externalTitle ?? null },
        tenure,
        {
          id: randomUUID(),
          email: input.email,
          unitId: input.unitId ?? null,
          tokenHash: link.hash,
          expiresAt: link.expiresAt,
          invitedByMemberId: viewer?.memberId ?? null,
        },
        (invitation) => announcement(invitation, link.token, input.displayName),
      );
    } catch (error) {
      if (refusedRule<InvitationRule>(error) === 'already-open') {
        throw conflict('An invitation to this e-mail address is already open; resend it instead.');
      }
      throw error;
    }
  }

  async resend(viewer: Viewer | null, loaders: Loaders, raw: unknown): Promise<InvitationRow> {
    const tenant = requireInviter(viewer);
    const current = await this.openInvitation(tenant, parseInput(invitationIdInput, raw).invitationId);
    const member = await loaders.memberById.load(current.memberId);
    const link = this.newLink();
    return this.repository.renew(tenant, current.id, link.hash, link.expiresAt, (invitation) =>
      announcement(invitation, link.token, member?.displayName ?? ''),
    );
  }

  async revoke(viewer: Viewer | null, raw: unknown): Promise<InvitationRow> {
    const tenant = requireInviter(viewer);
    const current = await this.openInvitation(tenant, parseInput(invitationIdInput, raw).invitationId);
    return this.repository.revoke(tenant, current.id);
  }

  /**
   * Accepting proves the e-mail address: the invitee gets an account and a session. When the e-mail already has an
   * account, the link alone proves nothing about who holds that account (a board member could invite someone's
   * address and log in as them, into every association of theirs): accepting then asks the account's own password,
   * checked by the limits of a login (decision 0046, review fixes). Otherwise the password creates the account.
   */
  async accept(raw: unknown, clientIp: string): Promise<Session> {
    const input = parseInput(acceptInput, raw);
    const tokenHash = hashToken(input.token);
    const found = await this.repository.preview(tokenHash, new Date());
    if (!found || found.status === 'closed') throw refuse('INVITATION_INVALID', {}, 'token');
    if (found.status === 'expired') throw invitationExpired(found);
    if (!input.password) throw refuse('PASSWORD_REQUIRED', { existingAccount: found.hasAccount }, 'password');
    const provenAccountId = found.hasAccount ? await this.auth.proveAccount(found.email, input.password, clientIp) : null;
    const outcome = await this.repository.accept(
      tokenHash,
      { id: randomUUID(), passwordHash: found.hasAccount ? null : await hashPassword(input.password) },
      provenAccountId,
      new Date(),
      (invitation) => ({ topic: 'member.joined', payload: { memberId: invitation.memberId, invitationId: invitation.id } }),
    );
    if (outcome.kind === 'invalid') throw refuse('INVITATION_INVALID', {}, 'token');
    if (outcome.kind === 'expired') throw invitationExpired(found);
    // An account was created for the e-mail in between: its password is the one to give.
    if (outcome.kind === 'password-required') throw refuse('PASSWORD_REQUIRED', { existingAccount: true }, 'password');
    return this.auth.sessionFor(outcome.accountId, outcome.associationId);
  }

  /**
   * What an invitation's link offers, for anyone holding it (anonymous). Each unknown token costs the client address
   * a login attempt, so the preview cannot be used to guess links; the right one gives it back.
   */
  async preview(raw: unknown, clientIp: string): Promise<InvitationPreview> {
    const { token } = parseInput(previewInput, raw);
    const giveBack = await this.auth.takeTokenAttempt(clientIp);
    const found = await this.repository.preview(hashToken(token), new Date());
    if (!found) throw refuse('INVITATION_INVALID', {}, 'token');
    await giveBack();
    if (found.status === 'closed') throw refuse('INVITATION_INVALID', {}, 'token');
    if (found.status === 'expired') throw invitationExpired(found);
    const { status: _status, hasAccount, timeZone: _zone, ...shown } = found;
    // A password is always asked: the existing account's, or a new one to create it with.
    return { ...shown, passwordRequired: true, existingAccount: hasAccount };
  }

  private async openInvitation(tenant: string, id: string): Promise<InvitationRow> {
    const invitation = await this.repository.find(tenant, id);
    if (!invitation) throw notFound('Invitation');
    const status = statusOf(invitation);
    if (status === 'ACCEPTED' || status === 'REVOKED') throw conflict(`The invitation is already ${status.toLowerCase()}.`);
    return invitation;
  }

  private async today(tenant: string, loaders: Loaders): Promise<string> {
    // The viewer's own association: it exists, and a default zone would only hide that it did not.
    const association = await loaders.associationById.load(tenant);
    if (!association) throw new Error(`association ${tenant} not found`);
    return todayIn(association.timeZone);
  }

  private newLink(): { token: string; hash: string; expiresAt: Date } {
    const token = newSecretToken();
    return { token, hash: hashToken(token), expiresAt: new Date(Date.now() + LINK_LIFETIME_MS) };
  }
}

function announcement(invitation: InvitationRow, token: string, displayName: string): Announcement {
  return {
    topic: 'member.invited',
    payload: {
      invitationId: invitation.id,
      memberId: invitation.memberId,
      email: invitation.email,
      displayName,
      token,
      expiresAt: invitation.expiresAt.toISOString(),
    },
  };
}
