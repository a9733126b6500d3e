import { z } from 'zod';

/** What a member can be in an association; `integrator` and `platform_admin` come from keys and accounts. */
export const roleSchema = z.enum(['resident', 'board', 'external']);
export type MemberRole = z.infer<typeof roleSchema>;

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
});
export type Viewer = z.infer<typeof viewerSchema>;

/** Everything the gateway tells a subgraph about a request, carried in the signed internal header. */
export const requestContextSchema = z.object({
  viewer: viewerSchema.nullable(),
  requestId: z.string().min(1).max(100),
  clientIp: z.string().max(100),
});
export type RequestContext = z.infer<typeof requestContextSchema>;

/** A viewer who belongs to an association, which is what almost every operation requires. */
export type MemberViewer = Viewer & { associationId: string; memberId: string; role: MemberRole };

export function isMember(viewer: Viewer | null): viewer is MemberViewer {
  return viewer !== null && viewer.associationId !== null && viewer.memberId !== null && viewer.role !== null;
}
