import { isMember, operatesIn, type MemberRole, type Viewer } from '@tunet/kit';

/** Who may do what with files. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Uploads exist to be attached to a post or to become a document version, which residents and the board do;
 * externals neither post nor keep documents, so they have nothing to upload for. An allow-list, so a role added
 * later cannot upload until decided.
 */
const ROLES_THAT_UPLOAD: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canUploadFile(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && ROLES_THAT_UPLOAD.has(viewer.role);
}

/** Every member may know the upload limit, so the app can refuse a file too large before sending it. */
export function canReadFileSettings(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Storage is the association's cost, so the board sets the limit. */
export function canChangeFileSettings(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}

/** What the rules need to know about a file. */
export interface FileFacts {
  associationId: string;
  uploadedByMemberId: string;
  postId: string | null;
  documentId: string | null;
}

/**
 * Whether the viewer may put the file in a place (`postId`: a post; null: a new document version): only their own
 * upload, and only one not in use elsewhere — a file attached to one post may move within that post's list, but
 * can never be taken from another post or from a document.
 */
export function canUseUpload(viewer: Viewer | null, file: FileFacts, postId: string | null): boolean {
  if (!isMember(viewer) || viewer.associationId !== file.associationId || viewer.memberId !== file.uploadedByMemberId) return false;
  if (file.documentId !== null) return false;
  return file.postId === null || file.postId === postId;
}

/**
 * Whether the viewer may be handed a download link. A file in a post or document is for whoever sees that post or
 * document (`placeVisible`, which the caller decided by loading it for the viewer with the audience rules); a file
 * in neither is its uploader's alone until they use it.
 */
export function canDownloadFile(viewer: Viewer | null, file: FileFacts, placeVisible: boolean): boolean {
  if (!isMember(viewer) || viewer.associationId !== file.associationId) return false;
  if (file.postId !== null || file.documentId !== null) return placeVisible;
  return viewer.memberId === file.uploadedByMemberId;
}

/**
 * What the association's files take up against its limit is the board's to watch (storage is the association's
 * cost), and a platform operator's inside the association through an open support session.
 */
export function canReadStorageUsage(viewer: Viewer | null, associationId: string): boolean {
  if (operatesIn(viewer, associationId)) return true;
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}
