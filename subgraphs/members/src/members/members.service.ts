import {
  badUserInput,
  conflict,
  decodeCursor,
  definedOnly,
  forbidden,
  notFound,
  operatesIn,
  pageSize,
  parseInput,
  refuse,
  refusedRule,
  toPage,
  unauthenticated,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { Visibility } from '../tables';
import type { GraphQLError } from 'graphql';
import {
  canUseDirectory,
  canViewAssociation,
  CONSENT_FOR_FIELD,
  hiddenByRestriction,
  refuseOperatorOutside,
  requireBoard,
  withdrawnByRestriction,
} from './members.access';
import { personalDataChanged } from './access-log';
import type { MembersLoaders } from './members.loaders';
import { withoutPrivacy, type PrivacyStatesLookup } from './privacy-states.loaders';
import type { AssociationRow, AssociationRule, DirectoryPosition, DirectoryQuery, MemberRow, MembersRepository, NewAssociation } from './members.repository';
import { isValidOrgNumber } from './org-number';
import { portraitAllowed } from './portrait-hosts';

const text = (max: number) => z.string().trim().min(1).max(max);
const visibility = z
  .enum(['ONLY_ME', 'BOARD', 'RESIDENTS'])
  .nullish()
  .transform((v) => (v ? (v.toLowerCase() as Visibility) : undefined));

const updateAssociationInput = z.object({
  associationId: z.guid(),
  name: text(200).optional(),
  orgNumber: z.string().trim().refine(isValidOrgNumber, 'not a valid Norwegian organisation number').nullish(),
  street: text(200).nullish(),
  postalCode: z
    .string()
    .regex(/^\d{4}$/, 'must be four digits')
    .nullish(),
  city: text(100).nullish(),
  contactEmail: z.string().trim().email().max(320).nullish(),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone').optional(),
  locale: z.enum(['NB', 'EN']).optional(),
});

const updateProfileInput = z.object({
  displayName: text(200).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ]{5,20}$/, 'must be a phone number')
    .nullish(),
  portraitUrl: z.string().url().startsWith('https://', 'must be an https address').max(500).nullish(),
  occupation: text(200).nullish(),
  about: text(2000).nullish(),
  onlineIdentities: z
    .array(z.object({ service: text(50), handle: text(200) }))
    .max(10)
    .optional(),
  nameHidden: z.boolean().optional(),
  visibility: z
    .object({ email: visibility, phone: visibility, portrait: visibility, occupation: visibility, about: visibility, onlineIdentities: visibility })
    .nullish(),
});

const suspendInput = z.object({ memberId: z.guid(), reason: text(500), until: z.iso.date().nullish() });
const reinstateInput = z.object({ memberId: z.guid() });

/** A search is a few words; the bound keeps each row's comparison cheap. */
const directorySearch = z.object({ filter: z.object({ search: z.string().max(100).nullish() }) });

/** A cursor is [sortName, id], the directory's sort key. */
const cursorKey = z.tuple([z.string(), z.guid()]);

export interface DirectoryArgs {
  filter?: { search?: string | null; buildingId?: string | null; unitId?: string | null; committeeId?: string | null } | null;
  first?: number | null;
  after?: string | null;
}

/** A page of the directory; `totalCount` counts every page's people, on demand. */
export type DirectoryPage = Page<MemberRow> & { totalCount: () => Promise<number> };

/** What suspension and reinstatement do to a member's sessions; owned by the auth service. */
export interface MemberSessions {
  suspendSessions(associationId: string, memberId: string, suspension: { reason: string; until: string | null }): Promise<void>;
  reinstateSessions(associationId: string, memberId: string): Promise<void>;
}

/** Business rules for associations, people and their profiles. */
export class MembersService {
  constructor(
    private readonly repository: MembersRepository,
    private readonly sessions: MemberSessions,
    /** PORTRAIT_HOSTS: where portraits may come from (portrait-hosts.ts). */
    private readonly portraitHosts: readonly string[] = [],
  ) {}

  async me(viewer: Viewer | null, loaders: MembersLoaders): Promise<MemberRow> {
    if (viewer?.integration) throw forbidden('An API key acts for an association, not for a member: there is no `me`.');
    if (!viewer?.memberId) throw unauthenticated();
    const member = await loaders.memberById.load(viewer.memberId);
    // A token can outlive the membership it was issued for; treat that as logged out.
    if (!member) throw unauthenticated('Your membership no longer exists. Log in again.');
    return member;
  }

  async association(viewer: Viewer | null, loaders: MembersLoaders, id: string): Promise<AssociationRow> {
    if (!viewer) throw unauthenticated();
    const association = canViewAssociation(viewer, id) ? await loaders.associationById.load(id) : null;
    if (!association) throw notFound('Association');
    return association;
  }

  /** A restricted person is not found by residents and integrators, as in the directory (decision 0038). */
  async member(viewer: Viewer | null, loaders: MembersLoaders, id: string, privacyStates: PrivacyStatesLookup = withoutPrivacy): Promise<MemberRow> {
    if (!viewer) throw unauthenticated();
    const member = await loaders.memberById.load(id);
    if (!member) throw notFound('Member');
    // Only a viewer a restriction applies to needs privacy's answer (null: as if restricted).
    if (withdrawnByRestriction(viewer, member, null)) {
      const states = await privacyStates(member.associationId);
      if (!states) throw privacyUnavailable();
      if (withdrawnByRestriction(viewer, member, states.restricted)) throw notFound('Member');
    }
    return member;
  }

  /**
   * People whose processing is restricted are left out, except for the board (and the person themself); while privacy
   * cannot say who they are, the directory is unavailable to everyone else rather than showing them.
   */
  async directory(viewer: Viewer | null, args: DirectoryArgs, privacyStates: PrivacyStatesLookup = withoutPrivacy): Promise<DirectoryPage> {
    if (!viewer) throw unauthenticated();
    const tenant = viewer.associationId;
    if (!tenant) refuseOperatorOutside(viewer, '');
    if (!tenant || !canUseDirectory(viewer, tenant)) throw notFound('Directory');
    const size = pageSize(args.first);
    const after: DirectoryPosition | null = args.after ? toPosition(decodeCursor(args.after, cursorKey)) : null;
    const filter = args.filter ?? {};
    parseInput(directorySearch, { filter: { search: filter.search } });
    for (const field of ['buildingId', 'unitId', 'committeeId'] as const) {
      if (filter[field] && !z.guid().safeParse(filter[field]).success) throw badUserInput(`filter.${field}`, 'Not a valid id.');
    }
    let restricted: string[] = [];
    if (hiddenByRestriction(viewer, tenant)) {
      const states = await privacyStates(tenant);
      if (!states) throw privacyUnavailable();
      restricted = Object.keys(states.restricted).filter((id) => id !== viewer.memberId);
    }
    const query: DirectoryQuery = {
      // NFC: a search typed as letter + combining mark (u + ¨) folds as the stored ü (decision 0047 review fix 5).
      search: filter.search?.normalize('NFC').trim() || undefined,
      buildingId: filter.buildingId ?? undefined,
      unitId: filter.unitId ?? undefined,
      committeeId: filter.committeeId ?? undefined,
      includeHiddenNames: viewer.role === 'board' || operatesIn(viewer, tenant),
      excludeIds: restricted,
    };
    const rows = await this.repository.directory(tenant, query, size + 1, after);
    // Counted only when a client asks for it (the resolver calls it), with the same filters and visibility.
    const totalCount = () => this.repository.countDirectory(tenant, query);
    return { ...toPage(rows, size, (row) => [row.sortName ?? '', row.id]), totalCount };
  }

  async updateAssociation(viewer: Viewer | null, raw: unknown): Promise<AssociationRow> {
    const tenant = requireBoard(viewer);
    const { associationId, street, locale, ...rest } = parseInput(updateAssociationInput, raw);
    if (associationId !== tenant) throw notFound('Association');
    const patch: Partial<NewAssociation> = definedOnly({ ...rest, streetAddress: street, locale: locale?.toLowerCase() as 'nb' | undefined });
    try {
      return await this.repository.updateAssociation(tenant, patch);
    } catch (error) {
      if (refusedRule<AssociationRule>(error) === 'org-number-taken') {
        throw conflict('Another association in Tunet already has this organisation number.');
      }
      throw error;
    }
  }

  async updateMyProfile(viewer: Viewer | null, loaders: MembersLoaders, raw: unknown): Promise<MemberRow> {
    const me = await this.me(viewer, loaders);
    const { visibility: choices, nameHidden: hideName, ...fields } = parseInput(updateProfileInput, raw);
    for (const [field, purpose] of Object.entries(CONSENT_FOR_FIELD)) {
      if (choices?.[field as keyof typeof choices] !== undefined) {
        throw badUserInput(
          `visibility.${field}`,
          `visibility.${field}: who sees it follows your consent (decision 0038); use grantConsent or withdrawConsent with purpose "${purpose}".`,
        );
      }
    }
    if (fields.portraitUrl && !portraitAllowed(fields.portraitUrl, this.portraitHosts)) {
      const from = this.portraitHosts.length > 0 ? `only from ${this.portraitHosts.join(', ')}` : 'not from other websites';
      throw badUserInput('portraitUrl', `portraitUrl: portraits are accepted ${from}.`);
    }
    const visibilityPatch = choices ? { ...me.visibility, ...definedOnly(choices) } : undefined;
    const patch = definedOnly({ ...fields, hideName, visibility: visibilityPatch });
    const changed = Object.keys(patch);
    const updated = await this.repository.updateMember(me.associationId, me.id, patch, () =>
      changed.length > 0 ? [personalDataChanged(viewer!, me.id, changed, 'updateMyProfile')] : [],
    );
    return updated!;
  }

  /** The stored portrait, unless its host is not (or no longer) allowed: one stored before the rule shows as none. */
  portraitOf(member: MemberRow): string | null {
    return member.portraitUrl && portraitAllowed(member.portraitUrl, this.portraitHosts) ? member.portraitUrl : null;
  }

  /** A suspended member cannot log in, sees why, and loses the sessions they have. */
  async suspend(viewer: Viewer | null, loaders: MembersLoaders, raw: unknown): Promise<MemberRow> {
    const tenant = requireBoard(viewer);
    const input = parseInput(suspendInput, raw);
    if (input.memberId === viewer?.memberId) throw badUserInput('memberId', 'You cannot suspend yourself.');
    if (!(await loaders.memberById.load(input.memberId))) throw notFound('Member');
    const member = await this.repository.updateMember(
      tenant,
      input.memberId,
      { suspendedAt: new Date(), suspensionReason: input.reason, suspendedUntil: input.until ?? null },
      (m) => [
        { topic: 'member.suspended', payload: { memberId: m.id, reason: input.reason, until: input.until ?? null } },
        personalDataChanged(viewer!, m.id, ['suspension'], 'suspendMember'),
      ],
    );
    await this.sessions.suspendSessions(tenant, input.memberId, { reason: input.reason, until: input.until ?? null });
    return member!;
  }

  /**
   * Suspends a member because the board decided so while moderating in the posts subgraph, which can only ask
   * (`moderation.suspension_requested`). The request may arrive more than once: a member already suspended with
   * the same reason and end is not suspended (nor announced) again, but their sessions are ended every time, so a
   * redelivery after a failure half-way completes the work. A member gone since the decision is left alone.
   */
  async suspendAsRequested(associationId: string, request: { memberId: string; reason: string; until: string | null }): Promise<void> {
    const [member] = await this.repository.findMembers(associationId, [request.memberId]);
    if (!member) return;
    const already = member.suspendedAt !== null && member.suspensionReason === request.reason && member.suspendedUntil === request.until;
    if (!already) {
      await this.repository.updateMember(
        associationId,
        member.id,
        { suspendedAt: new Date(), suspensionReason: request.reason, suspendedUntil: request.until },
        (m) => [{ topic: 'member.suspended', payload: { memberId: m.id, reason: request.reason, until: request.until } }],
      );
    }
    await this.sessions.suspendSessions(associationId, member.id, { reason: request.reason, until: request.until });
  }

  async reinstate(viewer: Viewer | null, loaders: MembersLoaders, raw: unknown): Promise<MemberRow> {
    const tenant = requireBoard(viewer);
    const input = parseInput(reinstateInput, raw);
    if (!(await loaders.memberById.load(input.memberId))) throw notFound('Member');
    const member = await this.repository.updateMember(tenant, input.memberId, { suspendedAt: null, suspensionReason: null, suspendedUntil: null }, (m) => [
      personalDataChanged(viewer!, m.id, ['suspension'], 'reinstateMember'),
    ]);
    await this.sessions.reinstateSessions(tenant, input.memberId);
    return member!;
  }
}

/** The same code the gateway gives a subgraph that did not answer: the part of Tunet named did not answer; retry. */
function privacyUnavailable(): GraphQLError {
  return refuse('DIRECTORY_PRIVACY_UNCHECKED', { serviceName: 'privacy' });
}

function toPosition([sortName, id]: [string, string]): DirectoryPosition {
  return { sortName, id };
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
