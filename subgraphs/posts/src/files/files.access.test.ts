import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canChangeFileSettings, canDownloadFile, canReadFileSettings, canReadStorageUsage, canUploadFile, canUseUpload, type FileFacts } from './files.access';

// Not the member `memberOf` describes unless given an id, so the other members are not the uploader.
const UPLOADER = 'b0000000-0000-4000-8000-000000000002';
const POST = 'c0000000-0000-4000-8000-000000000001';
const OTHER_POST = 'c0000000-0000-4000-8000-000000000002';
const DOCUMENT = 'd0000000-0000-4000-8000-000000000001';

const unattached: FileFacts = { associationId: X, uploadedByMemberId: UPLOADER, postId: null, documentId: null };
const inPost: FileFacts = { ...unattached, postId: POST };
const inDocument: FileFacts = { ...unattached, documentId: DOCUMENT };

// Per actor: upload in X, read and change X's upload limit, download an unattached upload of UPLOADER's, and
// download a file in a post or document they can see.
const matrix: { actor: string; viewer: Viewer | null; upload: boolean; read: boolean; change: boolean; ownUpload: boolean; visiblePlace: boolean }[] = [
  { actor: 'anonymous', viewer: null, upload: false, read: false, change: false, ownUpload: false, visiblePlace: false },
  {
    actor: 'the uploader, a resident',
    viewer: memberOf(X, 'resident', { memberId: UPLOADER }),
    upload: true,
    read: true,
    change: false,
    ownUpload: true,
    visiblePlace: true,
  },
  { actor: 'another resident', viewer: memberOf(X, 'resident'), upload: true, read: true, change: false, ownUpload: false, visiblePlace: true },
  { actor: 'a board member', viewer: memberOf(X, 'board'), upload: true, read: true, change: true, ownUpload: false, visiblePlace: true },
  { actor: 'an external (caretaker)', viewer: memberOf(X, 'external'), upload: false, read: true, change: false, ownUpload: false, visiblePlace: true },
  {
    actor: 'a board member of another association',
    viewer: memberOf(Y, 'board', { memberId: UPLOADER }),
    upload: false,
    read: false,
    change: false,
    ownUpload: false,
    visiblePlace: false,
  },
  { actor: 'an integration with an API key', viewer: integratorOf(X), upload: false, read: false, change: false, ownUpload: false, visiblePlace: false },
  { actor: 'a platform admin without membership', viewer: PLATFORM_ADMIN, upload: false, read: false, change: false, ownUpload: false, visiblePlace: false },
];

describe('files access', () => {
  it.each(matrix)('$actor: upload $upload, read limit $read, change limit $change', ({ viewer, upload, read, change }) => {
    expect(canUploadFile(viewer, X)).toBe(upload);
    expect(canReadFileSettings(viewer, X)).toBe(read);
    expect(canChangeFileSettings(viewer, X)).toBe(change);
  });

  it.each(matrix)(
    '$actor: link to an unused upload $ownUpload, to a file in a post or document they see $visiblePlace',
    ({ viewer, ownUpload, visiblePlace }) => {
      expect(canDownloadFile(viewer, unattached, true)).toBe(ownUpload);
      expect(canDownloadFile(viewer, inPost, true)).toBe(visiblePlace);
      expect(canDownloadFile(viewer, inDocument, true)).toBe(visiblePlace);
    },
  );

  it.each(matrix)('$actor: never a link to a file in a post or document they do not see', ({ viewer }) => {
    expect(canDownloadFile(viewer, inPost, false)).toBe(false);
    expect(canDownloadFile(viewer, inDocument, false)).toBe(false);
  });

  describe('using an upload', () => {
    const uploader = memberOf(X, 'resident', { memberId: UPLOADER });

    it('lets the uploader use their unused file for a post or a document', () => {
      expect(canUseUpload(uploader, unattached, POST)).toBe(true);
      expect(canUseUpload(uploader, unattached, null)).toBe(true);
    });

    it("lets a file move within its own post's list, but not to another post or a document", () => {
      expect(canUseUpload(uploader, inPost, POST)).toBe(true);
      expect(canUseUpload(uploader, inPost, OTHER_POST)).toBe(false);
      expect(canUseUpload(uploader, inPost, null)).toBe(false);
    });

    it('never takes a document version away', () => {
      expect(canUseUpload(uploader, inDocument, POST)).toBe(false);
      expect(canUseUpload(uploader, inDocument, null)).toBe(false);
    });

    it.each(matrix.filter((row) => row.viewer?.memberId !== UPLOADER || row.viewer.associationId !== X))(
      "refuses $actor someone else's upload",
      ({ viewer }) => {
        expect(canUseUpload(viewer, unattached, POST)).toBe(false);
      },
    );
  });
});

describe('storage usage', () => {
  const inSupport: Viewer = { ...PLATFORM_ADMIN, associationId: X, support: { expiresAt: '2026-12-01T12:00:00.000Z' } };
  it.each([
    { actor: 'a board member', viewer: memberOf(X, 'board'), sees: true },
    { actor: 'a platform operator in a support session there', viewer: inSupport, sees: true },
    { actor: 'a resident', viewer: memberOf(X, 'resident'), sees: false },
    { actor: 'an external (caretaker)', viewer: memberOf(X, 'external'), sees: false },
    { actor: 'a board member of another association', viewer: memberOf(Y, 'board'), sees: false },
    { actor: 'an integration with an API key', viewer: integratorOf(X), sees: false },
    { actor: 'a platform admin without a support session', viewer: { ...PLATFORM_ADMIN, associationId: X }, sees: false },
    { actor: 'a platform operator in a support session elsewhere', viewer: { ...inSupport, associationId: Y }, sees: false },
    { actor: 'anonymous', viewer: null, sees: false },
  ])('$actor: sees it $sees', ({ viewer, sees }) => {
    expect(canReadStorageUsage(viewer, X)).toBe(sees);
  });
});
