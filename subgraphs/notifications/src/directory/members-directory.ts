import { postInternalRoute } from '@tunet/kit';
import { z } from 'zod';
import type { AssociationInfo, Directory, Reach, Recipient, RecipientSpec } from '../model';

/** Members' internal route: an association's name and language, and the members a spec reaches. */
export const RECIPIENTS_ROUTE = 'notifications/recipients';
/** Members' internal route: an association's legal details, its contact e-mail among them. */
export const PROFILE_ROUTE = 'associations/profile';
/** Posts' internal route: the members of a group. */
export const GROUP_MEMBERS_ROUTE = 'notifications/group-members';

/** What members is asked: a group audience has become member ids (plus the board) before it gets there. */
export type MembersRecipientsRequest = {
  associationId: string;
  spec:
    | { kind: 'members'; memberIds: string[]; includeBoard?: boolean; includeSuspended?: boolean }
    | { kind: 'board' }
    | { kind: 'audience'; audience: { kind: 'association' | 'building' | 'committee' | 'board'; id: string | null } };
};

const associationSchema = z.object({
  id: z.guid(),
  name: z.string(),
  locale: z.enum(['nb', 'en']),
  timeZone: z.string(),
});
const recipientSchema = z.object({
  memberId: z.guid(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
export const recipientsAnswerSchema = z.object({ association: associationSchema.nullable(), recipients: z.array(recipientSchema) });
/** Only the part of members' association profile notifications reads; the rest is members' to change. */
export const profileAnswerSchema = z.object({ contactEmail: z.string().nullable() });
/** A committee group keeps no members of its own: its committee's current members are its members. */
export const groupMembersAnswerSchema = z.object({ memberIds: z.array(z.guid()), committeeId: z.guid().nullable().optional() });

/** Member ids per request, so a large group stays far below the internal routes' 64 kB body limit. */
const IDS_PER_REQUEST = 1_000;

/**
 * The directory as members and posts keep it, asked through their signed internal routes (docs/decisions/0015):
 * notifications never reads their tables, and each answer is as current as the event being handled.
 */
export class MembersDirectory implements Directory {
  constructor(
    private readonly urls: { members: () => string; posts: () => string },
    private readonly internalSecret: string,
  ) {}

  async association(associationId: string): Promise<AssociationInfo | null> {
    return (await this.askMembers({ associationId, spec: { kind: 'members', memberIds: [] } })).association;
  }

  async contactEmail(associationId: string): Promise<string | null> {
    const response = await this.call(this.urls.members(), PROFILE_ROUTE, { associationId });
    // Members knows no such association: nobody to write to, and asking again will not change that.
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${PROFILE_ROUTE} answered HTTP ${response.status}`);
    const email = profileAnswerSchema.parse(await response.json()).contactEmail?.trim();
    return email ? email : null;
  }

  async recipients(associationId: string, spec: Exclude<RecipientSpec, { kind: 'address' | 'contact' }>): Promise<Reach> {
    if (spec.kind === 'audience' && spec.audience.kind === 'group') {
      const { memberIds, committeeId } = groupMembersAnswerSchema.parse(
        await this.post(this.urls.posts(), GROUP_MEMBERS_ROUTE, { associationId, groupId: spec.audience.id }),
      );
      if (committeeId) return this.recipients(associationId, { kind: 'audience', audience: { kind: 'committee', id: committeeId } });
      return this.members(associationId, memberIds, { includeBoard: true });
    }
    if (spec.kind === 'members') return this.members(associationId, spec.memberIds, { includeSuspended: spec.includeSuspended });
    const asked: MembersRecipientsRequest['spec'] =
      spec.kind === 'board'
        ? spec
        : { kind: 'audience', audience: { kind: spec.audience.kind as Exclude<typeof spec.audience.kind, 'group'>, id: spec.audience.id } };
    return this.askMembers({ associationId, spec: asked });
  }

  /** The members, asked in chunks; the board comes with the first chunk, and nobody twice. */
  private async members(associationId: string, memberIds: readonly string[], options: { includeBoard?: boolean; includeSuspended?: boolean }): Promise<Reach> {
    const found = new Map<string, Recipient>();
    let association: AssociationInfo | null = null;
    for (let start = 0; start === 0 || start < memberIds.length; start += IDS_PER_REQUEST) {
      const chunk = memberIds.slice(start, start + IDS_PER_REQUEST);
      const spec = { kind: 'members' as const, memberIds: chunk, ...options, includeBoard: options.includeBoard && start === 0 };
      const answer = await this.askMembers({ associationId, spec });
      association = answer.association;
      for (const recipient of answer.recipients) found.set(recipient.memberId, recipient);
    }
    return { association, recipients: [...found.values()] };
  }

  private async askMembers(request: MembersRecipientsRequest) {
    return recipientsAnswerSchema.parse(await this.post(this.urls.members(), RECIPIENTS_ROUTE, request));
  }

  /** A signed call with no viewer: the routes answer for the association named in the body. */
  private async post(graphqlUrl: string, route: string, payload: unknown): Promise<unknown> {
    const response = await this.call(graphqlUrl, route, payload);
    if (!response.ok) throw new Error(`${route} answered HTTP ${response.status}`);
    return response.json();
  }

  private call(graphqlUrl: string, route: string, payload: unknown): Promise<Response> {
    return postInternalRoute({ graphqlUrl, route, internalSecret: this.internalSecret, payload, timeoutMs: 30_000 });
  }
}
