import { badUserInput, sniffContentType, type ImageType } from '@tunet/kit';

/**
 * The rules of a photo upload (decision 0041, addendum "photos"), pure: what may be uploaded and how much.
 */

const MIB = 1024 * 1024;
/** Per photo, as uploaded: a 48 MP phone JPEG fits, and its base64 stays far inside the gateway's 20 MB body. */
export const MAX_PHOTO_BYTES = 10 * MIB;
/**
 * Per side of a request: enough to show a fault from every side; more is a gallery, not a report. The reporter has
 * their six and the board and the assignee theirs, so neither side's photos crowd out the other's (the caretaker's
 * repair photos after the reporter's six of the damage).
 */
export const MAX_PHOTOS_PER_SIDE = 6;
/** Photo uploads per member per hour before RATE_LIMITED: each is decoded and re-encoded, so attempts count too. */
export const PHOTOS_PER_HOUR = 30;

/** Whose room a photo takes: the reporter's, or the board's and the assignee's (everyone else who may add one). */
export type PhotoSide = 'reporter' | 'handlers';

/** The side of a photo by its uploader: the reporter's own, else the handlers' (a board member reporting is the reporter). */
export function photoSide(uploaderMemberId: string, request: { reporterMemberId: string }): PhotoSide {
  return uploaderMemberId === request.reporterMemberId ? 'reporter' : 'handlers';
}

/**
 * The photo types a fault report takes. GIF is refused: no phone camera makes one, and an animation is no evidence
 * of a fault. HEIC (iPhone) is refused by the sniffer, which does not know it, and libvips as shipped cannot decode
 * it; iOS hands a browser's upload a JPEG anyway.
 */
export const PHOTO_TYPES: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/webp'];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 upload, refused before decoding when they could not fit MAX_PHOTO_BYTES. */
export function decodePhoto(contentBase64: string): Buffer {
  const compact = contentBase64.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw badUserInput('contentBase64', 'contentBase64: not valid base64.');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (Math.floor((compact.length * 3) / 4) - padding > MAX_PHOTO_BYTES) {
    throw badUserInput('contentBase64', 'contentBase64: a photo may be at most 10 MB.');
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length === 0) throw badUserInput('contentBase64', 'contentBase64: the file is empty.');
  return bytes;
}

/** The photo's type from its bytes alone (never its name): JPEG, PNG or WebP, else BAD_USER_INPUT. */
export function photoTypeOf(bytes: Buffer, fileName: string): ImageType {
  const type = sniffContentType(bytes, fileName);
  const photoType = PHOTO_TYPES.find((accepted) => accepted === type);
  if (!photoType) throw badUserInput('contentBase64', 'contentBase64: only photos (JPEG, PNG or WebP) can be added to a service request.');
  return photoType;
}
