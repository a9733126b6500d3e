import { CONSENT_PURPOSES, forbidden, hasScope, isMember, isPlatformOperator, operatesIn, unauthenticated, type Viewer } from '@tunet/kit';
import type { Visibility } from '../tables';
import type { MemberRow } from './members.repository';

/** Who may do what with associations and members. Pure functions: no I/O, easy to test as a matrix. */

export type ProfileField = 'email' | 'phone' | 'portrait' | 'occupation' | 'about' | 'onlineIdentities';

/**
 * What a person who never chose sees: contact details for the board, the portrait for no one else, the rest for
 * everyone in the association. Contact details and the portrait go further only with the person's consent.
 */
export const DEFAULT_VISIBILITY: Record<ProfileField, Visibility> = {
  email: 'board',
  phone: 'board',
  portrait: 'only_me',
  occupation: 'residents',
  about: 'residents',
  onlineIdentities: 'residents',
};

/** The board must always be able to reach people to run the association, whatever they chose. */
const CONTACT_FIELDS: ReadonlySet<ProfileField> = new Set(['email', 'phone']);

/**
 * The fields the person's consent shows to the other residents (docs/decisions/0038): the consent, kept by the
 * privacy subgraph, is the only source of truth for them; members' own visibility setting no longer covers them.
 */
export const CONSENT_FOR_FIELD: Partial<Record<ProfileField, string>> = {
  email: CONSENT_PURPOSES.directoryContact,
  phone: CONSENT_PURPOSES.directoryContact,
  portrait: CONSENT_PURPOSES.directoryPortrait,
};

/** Who sees the field: for a consent-governed one, everyone with the consent (`consents`: the member's in force). */
export function visibilityOf(member: MemberRow, field: ProfileField, consents: readonly string[]): Visibility {
  const purpose = CONSENT_FOR_FIELD[field];
  if (purpose) return consents.includes(purpose) ? 'residents' : DEFAULT_VISIBILITY[field];
  return member.visibility[field] ?? DEFAULT_VISIBILITY[field];
}

/**
 * The association's own record (name, status, address): its people, and platform operators, who keep the register
 * of associations (decision 0030). What lies inside it — people, buildings, committees — is not theirs to read.
 */
export function canViewAssociation(viewer: Viewer | null, associationId: string): boolean {
  if (!viewer) return false;
  if (viewer.integration) return canIntegrationRead(viewer, associationId);
  return viewer.associationId === associationId || isPlatformOperator(viewer);
}

/** The board of the association, or a platform operator inside it through a support session (decision 0030). */
export function canAdminister(viewer: Viewer | null, associationId: string): boolean {
  if (!viewer) return false;
  return (viewer.role === 'board' && viewer.associationId === associationId && !viewer.integration) || operatesIn(viewer, associationId);
}

/**
 * No silent cross-tenant access: a platform operator outside a support session in this association is told so
 * (FORBIDDEN) where anyone else outside it would see an empty list.
 */
export function refuseOperatorOutside(viewer: Viewer | null, associationId: string): void {
  if (isPlatformOperator(viewer) && viewer.associationId !== associationId) {
    throw forbidden("A platform operator reads an association's data only in a support session there (openSupportSession).");
  }
}

/**
 * An integration (API key) with `members:read` reads the association's people, units and current tenures, as the
 * property manager's system needs to; without it, it reads nothing in members. Having no role, it never
 * administers: `requireBoard` refuses it.
 */
export function canIntegrationRead(viewer: Viewer | null, associationId: string): boolean {
  return hasScope(viewer, associationId, 'members:read');
}

/** Whom the per-request loaders act for: for an integration without `members:read` every id loads as nothing. */
export function readerOf(viewer: Viewer | null): Viewer | null {
  return viewer?.integration && !viewer.integration.scopes.includes('members:read') ? null : viewer;
}

/**
 * Anyone who currently belongs to the association may use its directory, and integrations that may read it;
 * former members may not.
 */
export function canUseDirectory(viewer: Viewer | null, associationId: string): boolean {
  return (isMember(viewer) && viewer.associationId === associationId) || canIntegrationRead(viewer, associationId) || operatesIn(viewer, associationId);
}

function isSelf(viewer: Viewer | null, member: MemberRow): boolean {
  return viewer !== null && viewer.memberId === member.id;
}

export function canSeeName(viewer: Viewer | null, member: MemberRow): boolean {
  return !member.hideName || isSelf(viewer, member) || canAdminister(viewer, member.associationId);
}

export function canSeeField(viewer: Viewer | null, member: MemberRow, field: ProfileField, consents: readonly string[]): boolean {
  if (isSelf(viewer, member)) return true;
  const visibility = visibilityOf(member, field, consents);
  if (canAdminister(viewer, member.associationId)) return visibility !== 'only_me' || CONTACT_FIELDS.has(field);
  // An integration gets what it is for, reaching people, like the board; nothing of the personal profile.
  if (canIntegrationRead(viewer, member.associationId)) return CONTACT_FIELDS.has(field);
  return visibility === 'residents' && canUseDirectory(viewer, member.associationId);
}

/**
 * A read that only the viewer's board or admin role, or an integration's scope, allows, which the person may later
 * ask about: the access log records it. Fields the person shows everyone, and reading one's own profile, are not.
 */
export function isPrivilegedRead(viewer: Viewer | null, member: MemberRow, field: ProfileField | 'name', consents: readonly string[]): boolean {
  const privileged = canAdminister(viewer, member.associationId) || canIntegrationRead(viewer, member.associationId);
  if (!viewer || isSelf(viewer, member) || !privileged) return false;
  return field === 'name' ? member.hideName : visibilityOf(member, field, consents) !== 'residents';
}

/**
 * A person whose processing is restricted (GDPR art. 18) is hidden from the directory, except from the board, which
 * must still run the association (and honour the restriction), and from themself.
 */
export function hiddenByRestriction(viewer: Viewer | null, associationId: string): boolean {
  return !canAdminister(viewer, associationId);
}

/**
 * Whether a restriction withdraws `member` from this viewer wherever they are reached, not only in the directory:
 * `member(id)` and the profile behind an entity reference (the author of older content keeps a name, nothing more).
 * `restricted` is privacy's answer, null when it could not say: then the person is treated as restricted.
 */
export function withdrawnByRestriction(viewer: Viewer | null, member: MemberRow, restricted: Readonly<Record<string, string>> | null): boolean {
  if (isSelf(viewer, member) || !hiddenByRestriction(viewer, member.associationId)) return false;
  return !restricted || member.id in restricted;
}

/** Suspension details, the visibility settings and full tenure history are for the member and the board. */
export function canSeePrivateDetails(viewer: Viewer | null, member: MemberRow): boolean {
  return isSelf(viewer, member) || canAdminister(viewer, member.associationId);
}

/** Which fields are shown to whom is the member's own choice, and theirs alone to see. */
export function canSeeVisibilitySettings(viewer: Viewer | null, member: MemberRow): boolean {
  return isSelf(viewer, member);
}

/** An external's title (caretaker, property manager) tells the association's people who they are dealing with. */
export function canSeeExternalTitle(viewer: Viewer | null, member: MemberRow): boolean {
  return viewer?.associationId === member.associationId || canAdminister(viewer, member.associationId);
}

/** The tenant a board member (or an operator in a support session there) may change. */
export function requireBoard(viewer: Viewer | null): string {
  if (!viewer) throw unauthenticated();
  if (!viewer.associationId || !canAdminister(viewer, viewer.associationId)) throw forbidden('Only the board may do this.');
  return viewer.associationId;
}
