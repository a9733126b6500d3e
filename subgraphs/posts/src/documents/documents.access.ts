import { isMember, type Viewer } from '@tunet/kit';
import { audienceOf, isInAudience, type ViewerAudiences } from '../audiences/audiences';
import type { AudienceKind } from '../tables';

/** Who may do what in the document library. Pure functions: no I/O, easy to test as a matrix. */

/**
 * The library is the association's own (house rules, statutes, meeting papers), so every member may open it,
 * externals included: the caretaker needs the house rules too. Which documents they see is the audience's
 * business (canSeeDocument). Platform admins without a membership and integrations see none.
 */
export function canReadDocuments(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Folders shape the whole library, so the board keeps them. */
export function canManageFolders(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}

/** What the rules need to know about a document. */
export interface DocumentFacts {
  associationId: string;
  audienceKind: AudienceKind;
  audienceId: string | null;
  editorCommitteeId: string | null;
}

/** A viewer sees a document only when they are in its audience; the board is in every audience. */
export function canSeeDocument(audiences: ViewerAudiences | null, document: DocumentFacts): boolean {
  return audiences !== null && audiences.associationId === document.associationId && isInAudience(audienceOf(document), audiences);
}

/**
 * The board answers for every document and may always edit it; a document may also name one committee (the
 * dugnad committee's checklists) whose current members edit it with the board. Committee seats come from the
 * access token (viewer.scope), so they end with the term.
 */
export function canEditDocument(viewer: Viewer | null, document: Pick<DocumentFacts, 'associationId' | 'editorCommitteeId'>): boolean {
  if (!isMember(viewer) || viewer.associationId !== document.associationId) return false;
  if (viewer.role === 'board') return true;
  return document.editorCommitteeId !== null && (viewer.scope?.committeeIds ?? []).includes(document.editorCommitteeId);
}

/** Creating is editing a document that does not exist yet: the board, or a member of the committee it names. */
export function canCreateDocument(viewer: Viewer | null, associationId: string, editorCommitteeId: string | null): boolean {
  return canEditDocument(viewer, { associationId, editorCommitteeId });
}

/** Which committee shares the editing is the board's decision, so a committee cannot hand a document on. */
export function canChangeEditorCommittee(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}
