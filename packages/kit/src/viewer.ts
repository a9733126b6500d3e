import { z } from 'zod';
import { entitlementsSchema } from './entitlements';

/** What a member can be in an association; `integrator` and `platform_admin` come from keys and accounts. */
export const roleSchema = z.enum(['resident', 'board', 'external']);
export type MemberRole = z.infer<typeof roleSchema>;

/** What an API key may do; the GraphQL enum ApiScope in upper case. */
export const apiScopeSchema = z.enum(['members:read', 'members:import', 'charges:read']);
export type ApiScope = z.infer<typeof apiScopeSchema>;

export const viewerScopeSchema = z.object({
  unitIds: z.array(z.string().uuid()),
  buildingIds: z.array(z.string().uuid()),
  committeeIds: z.array(z.string().uuid()),
});
export type ViewerScope = z.infer<typeof viewerScopeSchema>;

/**
 * The verified identity of whoever is calling, as the gateway established it from the access token.
 * A viewer always acts inside exactly one association (the token's), except a platform admin without membership.
 */
export const viewerSchema = z.object({
  accountId: z.string().uuid(),
  associationId: z.string().uuid().nullable(),
  memberId: z.string().uuid().nullable(),
  role: roleSchema.nullable(),
  platformAdmin: z.boolean(),
  /** The login session (refresh-token family) the access token belongs to; lets a member end their other sessions. */
  sessionId: z.string().uuid().nullable(),
  /**
   * Set when an integration (the property manager's system) calls with an API key: `accountId` is then the key's
   * id, there is no member or role, and only these scopes apply.
   */
  integration: z.object({ apiKeyId: z.string().uuid(), scopes: z.array(apiScopeSchema) }).nullish(),
  /**
   * Where the member lives and serves as of the session's last refresh: the units of their current tenures, those
   * units' buildings, and the committees with a current term. Audiences (a building-only post) are decided on it
   * without asking the members subgraph (docs/decisions/0010). Absent for integrations and admins.
   */
  scope: viewerScopeSchema.nullish(),
  /**
   * Set when a platform operator acts inside `associationId` through a support session they opened with a reason
   * (docs/decisions/0030): `sessionId` is the support session's id, and every operation is logged where the
   * association's board sees it. An operator's viewer without it acts in no association at all.
   */
  support: z.object({ expiresAt: z.iso.datetime() }).nullish(),
  /**
   * The association's language (decision 0045): error messages use it when the caller's `Accept-Language` names no
   * language Tunet speaks. Read when the session starts or is refreshed, like the roles.
   */
  locale: z.enum(['nb', 'en']).nullish(),
});
export type Viewer = z.infer<typeof viewerSchema>;

/** Everything the gateway tells a subgraph about a request, carried in the signed internal header. */
export const requestContextSchema = z.object({
  viewer: viewerSchema.nullable(),
  requestId: z.string().min(1).max(100),
  clientIp: z.string().max(100),
  /**
   * The scheme and host the client called the gateway on (`https://tunet.example.no`), so a subgraph can hand out
   * absolute links (signed downloads, calendar feeds) that lead back through the gateway.
   */
  publicOrigin: z.string().url().max(300).nullish(),
  /** What the viewer's association may use (billing's answer, read by the gateway); absent without an association. */
  entitlements: entitlementsSchema.nullish(),
});
export type RequestContext = z.infer<typeof requestContextSchema>;

/** A viewer who belongs to an association, which is what almost every operation requires. */
export type MemberViewer = Viewer & { associationId: string; memberId: string; role: MemberRole };

export function isMember(viewer: Viewer | null): viewer is MemberViewer {
  return viewer !== null && viewer.associationId !== null && viewer.memberId !== null && viewer.role !== null;
}

export function hasScope(viewer: Viewer | null, associationId: string, scope: ApiScope): boolean {
  return viewer?.integration?.scopes.includes(scope) === true && viewer.associationId === associationId;
}

/** A platform operator (an account flagged platform admin), not an integration acting with a key. */
export function isPlatformOperator(viewer: Viewer | null): viewer is Viewer & { platformAdmin: true } {
  return viewer !== null && viewer.platformAdmin && !viewer.integration;
}

/** A platform operator inside `associationId` through an open support session; never silently anywhere else. */
export function operatesIn(viewer: Viewer | null, associationId: string): boolean {
  return isPlatformOperator(viewer) && viewer.support != null && viewer.associationId === associationId;
}
