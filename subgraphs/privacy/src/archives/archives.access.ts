import { isMember, type Viewer } from '@tunet/kit';

/** The parties of an export archive: whose data it holds, and the board member who asked for it (null: the person). */
export interface ArchiveParties {
  associationId: string;
  memberId: string;
  requestedBy: string | null;
}

/**
 * The person and their association's board see that an archive is there and until when: the board follows the
 * request it may have asked for. Not an integrator's key or an operator (a support session acts for the association,
 * not for the person), and never a viewer of another association.
 */
export function canSeeArchive(viewer: Viewer | null, archive: ArchiveParties): boolean {
  if (!isMember(viewer) || viewer.associationId !== archive.associationId) return false;
  return viewer.memberId === archive.memberId || viewer.role === 'board';
}

/**
 * Only the person may have a download link: the archive holds their whole consent history and the log of who looked
 * at their data, which the board otherwise never sees of anyone (decisions 0038, 0039), even when a board member asked.
 */
export function canDownloadArchive(viewer: Viewer | null, archive: ArchiveParties): boolean {
  return isMember(viewer) && viewer.associationId === archive.associationId && viewer.memberId === archive.memberId;
}
