import { isMember, type Viewer } from '@tunet/kit';

/** The parties of an export archive: whose data it holds, and the board member who asked for it (null: the person). */
export interface ArchiveParties {
  associationId: string;
  memberId: string;
  requestedBy: string | null;
}

/**
 * Only the person and the board member who asked may have a download link: not the rest of the board, an
 * integrator's key or an operator (a support session acts for the association, not for the person), and never a
 * viewer of another association.
 */
export function canDownloadArchive(viewer: Viewer | null, archive: ArchiveParties): boolean {
  if (!isMember(viewer) || viewer.associationId !== archive.associationId) return false;
  return viewer.memberId === archive.memberId || viewer.memberId === archive.requestedBy;
}
