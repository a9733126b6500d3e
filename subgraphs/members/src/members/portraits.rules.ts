import { refuse, sniffContentType, type ImageType } from '@tunet/kit';

/**
 * The rules of a portrait upload (docs/decisions/0047), pure: what may be uploaded and how much.
 */

const MIB = 1024 * 1024;
/** As uploaded: a phone camera's JPEG fits, and its base64 stays inside the gateway's request body limit. */
export const MAX_PORTRAIT_BYTES = 10 * MIB;
/** Uploads per member per hour before RATE_LIMITED: each is decoded and re-encoded, so refused ones count too. */
export const PORTRAITS_PER_HOUR = 10;
/** A portrait is a photo or a drawing: JPEG, PNG or WebP. GIF (animation) is refused, as is anything else. */
export const PORTRAIT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const satisfies readonly ImageType[];
export type PortraitType = (typeof PORTRAIT_TYPES)[number];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 upload, refused before decoding when they could not fit MAX_PORTRAIT_BYTES. */
export function decodePortrait(contentBase64: string): Buffer {
  const compact = contentBase64.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw refuse('INVALID_FORMAT', { format: 'base64' }, 'contentBase64');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (Math.floor((compact.length * 3) / 4) - padding > MAX_PORTRAIT_BYTES) {
    throw refuse('FILE_TOO_LARGE', { maximumBytes: MAX_PORTRAIT_BYTES }, 'contentBase64');
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length === 0) throw refuse('REQUIRED', {}, 'contentBase64');
  return bytes;
}

/** The portrait's type from its bytes alone (never its name): JPEG, PNG or WebP, else BAD_USER_INPUT. */
export function portraitTypeOf(bytes: Buffer, fileName: string): PortraitType {
  const type = sniffContentType(bytes, fileName);
  const accepted = PORTRAIT_TYPES.find((candidate) => candidate === type);
  if (!accepted) throw refuse('IMAGE_TYPE_NOT_ACCEPTED', { accepted: 'JPEG, PNG, WebP' }, 'contentBase64');
  return accepted;
}
