import { decodePhoto, MAX_PHOTO_BYTES, photoSide, photoTypeOf } from './photos.rules';

const refusal = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { extensions?: unknown }).extensions;
  }
};

describe('photo rules', () => {
  it('decodes base64 up to 10 MiB, refusing more before decoding, and refuses empty or malformed input', () => {
    expect(decodePhoto(Buffer.from('abc').toString('base64'))).toEqual(Buffer.from('abc'));
    expect(decodePhoto(Buffer.alloc(MAX_PHOTO_BYTES).toString('base64'))).toHaveLength(MAX_PHOTO_BYTES);
    for (const bad of [Buffer.alloc(MAX_PHOTO_BYTES + 1).toString('base64'), '', 'not base64!', 'abcde']) {
      expect(refusal(() => decodePhoto(bad))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    }
  });

  it('takes JPEG, PNG and WebP by their bytes, whatever the name; not GIF, PDF or text named .jpg', () => {
    expect(photoTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'x.png')).toBe('image/jpeg');
    expect(photoTypeOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'x')).toBe('image/png');
    expect(photoTypeOf(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'x.jpg')).toBe('image/webp');
    for (const bytes of [Buffer.from('GIF89a....'), Buffer.from('%PDF-1.7'), Buffer.from('hello'), Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70])]) {
      expect(refusal(() => photoTypeOf(bytes, 'photo.jpg'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    }
  });

  it("counts a photo on the reporter's side when the reporter adds it, on the board's and assignee's otherwise", () => {
    const request = { reporterMemberId: 'a1b2' };
    expect(photoSide('a1b2', request)).toBe('reporter');
    expect(photoSide('c3d4', request)).toBe('handlers');
  });
});
