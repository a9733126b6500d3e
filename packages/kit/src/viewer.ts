import { z } from 'zod';

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
