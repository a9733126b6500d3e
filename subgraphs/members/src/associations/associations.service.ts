import { randomUUID } from 'node:crypto';
import {
  badUserInput,
  conflict,
  decodeCursor,
  MAX_PAGE_SIZE,
  pageSize,
  parseInput,
  refusedRule,
  toPage,
  type Announcement,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { hashToken, newSecretToken } from '../auth/auth.service';
import type { InvitationRow } from '../invitations/invitations.repository';
import { isTimeZone } from '../members/members.service';
import type { AssociationRow } from '../members/members.repository';
import { isValidOrgNumber } from '../members/org-number';
import type { TermsService } from '../terms/terms.service';
import { requireOperator } from './associations.access';
import type { AssociationPosition, AssociationsRepository, Onboarded, OnboardingRule } from './associations.repository';

/** As long as any invitation's link; an operator in a support session can send it again. */
const LINK_LIFETIME_MS = 7 * 24 * 3600 * 1000;

const text = (max: number) => z.string().trim().min(1).max(max);

// The same rules as updateAssociation's (members.service.ts), but every legal detail is required here.
const createInput = z.object({
  name: text(200),
  orgNumber: z.string().trim().refine(isValidOrgNumber, 'not a valid Norwegian organisation number'),
  street: text(200),
  postalCode: z.string().regex(/^\d{4}$/, 'must be four digits'),
  city: text(100),
  contactEmail: z.string().trim().email().max(320),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone').nullish(),
  locale: z.enum(['NB', 'EN']).nullish(),
  firstBoardMember: z.object({ displayName: text(200), email: z.string().trim().toLowerCase().email().max(320) }),
  termsAcceptance: z.object({ version: text(40), acceptedBy: text(200) }),
});

const listInput = z.object({
  search: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
  status: z.enum(['ACTIVE', 'BLOCKED', 'TERMINATED']).nullish(),
});

/** A cursor is [lower-cased name, id], the list's sort key. */
const cursorKey = z.tuple([z.string(), z.guid()]);

export interface AssociationsArgs {
  search?: string | null;
  status?: string | null;
  first?: number | null;
  after?: string | null;
}

/** The registry's view of an association for other subgraphs (billing); the `internal/associations/profile` answer. */
export interface AssociationProfile {
  associationId: string;
  name: string;
  orgNumber: string | null;
  postalAddress: { street: string; postalCode: string; city: string } | null;
  contactEmail: string | null;
  timeZone: string;
  locale: string;
  status: string;
  legalDetailsComplete: boolean;
}

/**
 * The provider's administration of associations (docs/decisions/0033): platform operators list and search every
 * association and create new ones, which accept the terms in effect and invite their first board member.
 */
export class AssociationsService {
  constructor(
    private readonly repository: AssociationsRepository,
    private readonly terms: TermsService,
  ) {}

  async list(viewer: Viewer | null, args: AssociationsArgs): Promise<Page<AssociationRow>> {
    requireOperator(viewer);
    const { search, status } = parseInput(listInput, { search: args.search, status: args.status });
    const size = pageSize(args.first);
    const after: AssociationPosition | null = args.after ? toPosition(decodeCursor(args.after, cursorKey)) : null;
    const query = {
      namePart: search || undefined,
      orgNumber: search && /^\d{9}$/.test(search) ? search : undefined,
      status: status ? (status.toLowerCase() as AssociationRow['status']) : undefined,
    };
    const rows = await this.repository.list(query, size + 1, after);
    return toPage(rows, size, (row) => [row.name.toLowerCase(), row.id]);
  }

  async create(viewer: Viewer | null, raw: unknown): Promise<Onboarded> {
    const operator = requireOperator(viewer);
    const input = parseInput(createInput, raw);
    const current = await this.terms.current();
    if (!current || current.version !== input.termsAcceptance.version) {
      const wanted = current ? `the version in effect, ${current.version}` : 'a version in effect, and none is';
      throw badUserInput('termsAcceptance.version', `termsAcceptance.version: the association must accept ${wanted}.`);
    }
    const locale = input.locale === 'EN' ? 'en' : 'nb';
    const token = newSecretToken();
    const memberId = randomUUID();
    const boardId = randomUUID();
    try {
      return await this.repository.create(
        {
          association: {
            id: randomUUID(),
            name: input.name,
            orgNumber: input.orgNumber,
            streetAddress: input.street,
            postalCode: input.postalCode,
            city: input.city,
            contactEmail: input.contactEmail,
            timeZone: input.timeZone ?? 'Europe/Oslo',
            locale,
          },
          board: { id: boardId, name: locale === 'en' ? 'The board' : 'Styret' },
          acceptance: { version: current.version, acceptedByName: input.termsAcceptance.acceptedBy, recordedByAccountId: operator.accountId },
          firstBoardMember: { id: memberId, displayName: input.firstBoardMember.displayName, email: input.firstBoardMember.email },
          invitation: {
            id: randomUUID(),
            email: input.firstBoardMember.email,
            tokenHash: hashToken(token),
            expiresAt: new Date(Date.now() + LINK_LIFETIME_MS),
            committeeId: boardId,
            committeeRole: 'leader',
          },
        },
        (invitation) => invited(invitation, token, input.firstBoardMember.displayName),
      );
    } catch (error) {
      if (refusedRule<OnboardingRule>(error) === 'org-number-taken') {
        throw conflict('Another association in Tunet already has this organisation number.');
      }
      throw error;
    }
  }

  /**
   * Every association not terminated (active or blocked), for the provider's announcements to all of them (the
   * privacy subgraph's sub-processor changes and breaches, decision 0040), read in pages of the operators' list.
   */
  async current(): Promise<AssociationProfile[]> {
    const rows: AssociationRow[] = [];
    for (const status of ['active', 'blocked'] as const) {
      let after: AssociationPosition | null = null;
      for (;;) {
        const page = await this.repository.list({ status }, MAX_PAGE_SIZE, after);
        rows.push(...page);
        if (page.length < MAX_PAGE_SIZE) break;
        const last = page[page.length - 1]!;
        after = { name: last.name.toLowerCase(), id: last.id };
      }
    }
    return rows.map(profileOf);
  }

  /** Null for an id that is no association. */
  async profile(associationId: string): Promise<AssociationProfile | null> {
    const row = await this.repository.find(associationId);
    return row ? profileOf(row) : null;
  }
}

export function profileOf(row: AssociationRow): AssociationProfile {
  const { streetAddress: street, postalCode, city } = row;
  const postalAddress = street && postalCode && city ? { street, postalCode, city } : null;
  return {
    associationId: row.id,
    name: row.name,
    orgNumber: row.orgNumber,
    postalAddress,
    contactEmail: row.contactEmail,
    timeZone: row.timeZone,
    locale: row.locale,
    status: row.status,
    legalDetailsComplete: Boolean(row.name && row.orgNumber && postalAddress && row.contactEmail),
  };
}

function toPosition([name, id]: [string, string]): AssociationPosition {
  return { name, id };
}

function invited(invitation: InvitationRow, token: string, displayName: string): Announcement {
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
