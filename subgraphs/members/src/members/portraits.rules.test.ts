import type { GraphQLError } from 'graphql';
import { decodePortrait, MAX_PORTRAIT_BYTES, portraitTypeOf } from './portraits.rules';

function refusal(work: () => unknown): Record<string, unknown> | undefined {
  try {
    work();
  } catch (error) {
    return (error as GraphQLError).extensions;
  }
  return undefined;
}

describe('portrait upload rules (decision 0047)', () => {
  it('refuses more than the limit before decoding, with the limit for the UI', () => {
    const tooLarge = 'A'.repeat(Math.ceil(((MAX_PORTRAIT_BYTES + 1) * 4) / 3) + 4);
    expect(refusal(() => decodePortrait(tooLarge))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'FILE_TOO_LARGE',
      maximumBytes: MAX_PORTRAIT_BYTES,
      field: 'contentBase64',
    });
    // The largest whole base64 within the limit decodes (to the limit, less the padding's rounding).
    const within = decodePortrait('A'.repeat(Math.floor((MAX_PORTRAIT_BYTES * 4) / 3 / 4) * 4));
    expect(within.length).toBeGreaterThan(MAX_PORTRAIT_BYTES - 3);
    expect(within.length).toBeLessThanOrEqual(MAX_PORTRAIT_BYTES);
  });

  it('refuses what is not base64, and nothing at all', () => {
    expect(refusal(() => decodePortrait('not base64!'))).toMatchObject({ reason: 'INVALID_FORMAT', format: 'base64', field: 'contentBase64' });
    expect(refusal(() => decodePortrait('  '))).toMatchObject({ reason: 'REQUIRED', field: 'contentBase64' });
  });

  it('takes JPEG, PNG and WebP by their bytes, whatever the name, and nothing else', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(portraitTypeOf(png, 'meg.jpg')).toBe('image/png');
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
    expect(refusal(() => portraitTypeOf(gif, 'meg.gif'))).toMatchObject({ reason: 'IMAGE_TYPE_NOT_ACCEPTED', accepted: 'JPEG, PNG, WebP' });
    expect(refusal(() => portraitTypeOf(Buffer.from('%PDF-1.7\n'), 'meg.png'))).toMatchObject({ reason: 'IMAGE_TYPE_NOT_ACCEPTED' });
  });
});
