import {
  postInternalRoute,
  PRIVACY_MOVED_OUT_ROUTE,
  PRIVACY_TOMBSTONE_ROUTE,
  privacyMovedOutAnswerSchema,
  privacyTombstoneAnswerSchema,
  SignedMemberReferences,
  type PrivacyMovedOutAnswer,
  type PrivacyMovedOutRequest,
} from '@tunet/kit';
import { z } from 'zod';

/** Members' signed route with an association's registry data (decision 0033); privacy reads only its time zone. */
const ASSOCIATION_PROFILE_ROUTE = 'associations/profile';
const profileSchema = z.object({ timeZone: z.string().min(1).max(64) });
/** Members' route naming an association's current, active board (decision 0015); privacy reads only the member ids. */
const RECIPIENTS_ROUTE = 'notifications/recipients';
const boardSchema = z.object({ recipients: z.array(z.object({ memberId: z.guid() })) });

/** What requests need from members when one is received: does the member exist there, and the association's zone. */
export interface MembersLookup {
  memberExists(associationId: string, memberId: string): Promise<boolean>;
  /** The association's "Former resident" tombstone member (members makes it on first use). */
  tombstoneOf(associationId: string): Promise<string>;
  /** Whether the member holds a board seat in the association now. */
  sitsOnBoard(associationId: string, memberId: string): Promise<boolean>;
  /** The association's IANA time zone; null when no association has this id. */
  timeZoneOf(associationId: string): Promise<string | null>;
  /** A page of members whose last tenure ended on or before their association's cut-off and who hold no other role. */
  movedOut(request: PrivacyMovedOutRequest): Promise<PrivacyMovedOutAnswer>;
}

/** Asks members on every call, signed like every internal call. */
export class SignedMembersLookup implements MembersLookup {
  private readonly references: SignedMemberReferences;

  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {
    this.references = new SignedMemberReferences(membersGraphqlUrl, internalSecret);
  }

  async memberExists(associationId: string, memberId: string): Promise<boolean> {
    return (await this.references.existing(associationId, { memberIds: [memberId] })).memberIds.includes(memberId);
  }

  async tombstoneOf(associationId: string): Promise<string> {
    const response = await this.post(PRIVACY_TOMBSTONE_ROUTE, { kind: 'privacy.tombstone', associationId });
    return privacyTombstoneAnswerSchema.parse(await response.json()).memberId;
  }

  async sitsOnBoard(associationId: string, memberId: string): Promise<boolean> {
    const response = await this.post(RECIPIENTS_ROUTE, { associationId, spec: { kind: 'board' } });
    return boardSchema.parse(await response.json()).recipients.some((recipient) => recipient.memberId === memberId);
  }

  private async post(route: string, payload: unknown): Promise<Response> {
    const response = await postInternalRoute({ graphqlUrl: this.membersGraphqlUrl(), route, internalSecret: this.internalSecret, payload, timeoutMs: 10_000 });
    if (!response.ok) throw new Error(`${route} answered HTTP ${response.status}`);
    return response;
  }

  async timeZoneOf(associationId: string): Promise<string | null> {
    const response = await postInternalRoute({
      graphqlUrl: this.membersGraphqlUrl(),
      route: ASSOCIATION_PROFILE_ROUTE,
      internalSecret: this.internalSecret,
      payload: { associationId },
      timeoutMs: 10_000,
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${ASSOCIATION_PROFILE_ROUTE} answered HTTP ${response.status}`);
    return profileSchema.parse(await response.json()).timeZone;
  }

  async movedOut(request: PrivacyMovedOutRequest): Promise<PrivacyMovedOutAnswer> {
    const response = await postInternalRoute({
      graphqlUrl: this.membersGraphqlUrl(),
      route: PRIVACY_MOVED_OUT_ROUTE,
      internalSecret: this.internalSecret,
      payload: request,
      timeoutMs: 30_000,
    });
    if (!response.ok) throw new Error(`${PRIVACY_MOVED_OUT_ROUTE} answered HTTP ${response.status}`);
    return privacyMovedOutAnswerSchema.parse(await response.json());
  }
}
