import { z } from 'zod';
import { badUserInput } from './errors';
import { isUuid } from './ids';
import { postInternalRoute, routeFailure } from './internal-routes';

/**
 * Members, buildings, committees and units belong to the members subgraph. Another subgraph storing a reference
 * to one (a group member, a post's audience) asks members which of the ids exist in the association first, so an
 * id of another association or of nothing is refused instead of kept.
 */
export const MEMBER_REFERENCES_ROUTE = 'references/existing';

/** Far more than one mutation names; the body stays far below the internal routes' 64 kB. */
const MAX_IDS = 500;
const ids = z.array(z.guid()).max(MAX_IDS);

export const REFERENCE_KINDS = ['memberIds', 'buildingIds', 'committeeIds', 'unitIds'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];
export type ReferenceIds = Record<ReferenceKind, string[]>;

// Strict, and with a key no other internal route takes: a body signed for one route means nothing to another.
export const memberReferencesRequestSchema = z.strictObject({
  associationId: z.guid(),
  references: z.strictObject({ memberIds: ids.optional(), buildingIds: ids.optional(), committeeIds: ids.optional(), unitIds: ids.optional() }),
});
export type MemberReferencesRequest = z.infer<typeof memberReferencesRequestSchema>;

export const memberReferencesAnswerSchema = z.strictObject({
  existing: z.strictObject({ memberIds: z.array(z.guid()), buildingIds: z.array(z.guid()), committeeIds: z.array(z.guid()), unitIds: z.array(z.guid()) }),
});

export interface MemberReferences {
  /** The ids among those given that exist in the association; everything else is unknown there. */
  existing(associationId: string, references: Partial<ReferenceIds>): Promise<ReferenceIds>;
}

/**
 * Asks members' internal route on every call, signed like every internal call. Nothing is cached: a building
 * removed a second ago must not pass for one that exists.
 */
export class SignedMemberReferences implements MemberReferences {
  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async existing(associationId: string, references: Partial<ReferenceIds>): Promise<ReferenceIds> {
    // Ids that are no UUID exist nowhere, and the route would refuse the whole body for them.
    const asked = Object.fromEntries(REFERENCE_KINDS.map((kind) => [kind, (references[kind] ?? []).filter(isUuid)]));
    const none: ReferenceIds = { memberIds: [], buildingIds: [], committeeIds: [], unitIds: [] };
    if (Object.values(asked).every((list) => list.length === 0)) return none;
    const response = await postInternalRoute({
      graphqlUrl: this.membersGraphqlUrl(),
      route: MEMBER_REFERENCES_ROUTE,
      internalSecret: this.internalSecret,
      payload: { associationId, references: asked } satisfies MemberReferencesRequest,
      timeoutMs: 10_000,
    });
    if (!response.ok) throw routeFailure(MEMBER_REFERENCES_ROUTE, response.status);
    return memberReferencesAnswerSchema.parse(await response.json()).existing;
  }
}

const NAMES: Record<ReferenceKind, string> = { memberIds: 'member', buildingIds: 'building', committeeIds: 'committee', unitIds: 'unit' };

/** BAD_USER_INPUT on `field` unless the id names a member, building, committee or unit of the association. */
export async function requireReference(references: MemberReferences, associationId: string, kind: ReferenceKind, id: string, field: string): Promise<void> {
  const existing = await references.existing(associationId, { [kind]: [id] });
  if (!existing[kind].includes(id)) throw badUserInput(field, `${field}: no such ${NAMES[kind]} in this association.`);
}
