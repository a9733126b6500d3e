import sharp from 'sharp';
import { animatedGif, gpsLatitudeOf, phoneJpeg, png } from './files.fixtures';
import { processImage } from './images';

describe('processImage', () => {
  it('stores a phone photo upright and without its GPS position, in every variant', async () => {
    const photo = await phoneJpeg(300, 200);
    // The test means something only if the upload really carries a position.
    expect(gpsLatitudeOf(photo)).toEqual([59, 54, 0]);

    const image = (await processImage(photo, 'image/jpeg'))!;
    expect([image.width, image.height]).toEqual([200, 300]);
    for (const bytes of Object.values(image.variants)) {
      expect(gpsLatitudeOf(bytes)).toBeNull();
      const stored = await sharp(bytes).metadata();
      expect(stored.exif).toBeUndefined();
      expect(stored.orientation).toBeUndefined();
    }
  });

  it('scales the display variant to 1600 px and the thumbnail to 400 px, keeping the original size', async () => {
    const image = (await processImage(await png(3200, 2000), 'image/png'))!;
    const size = async (bytes: Buffer) => {
      const { width, height, format } = await sharp(bytes).metadata();
      return [width, height, format];
    };
    expect(await size(image.variants.original)).toEqual([3200, 2000, 'png']);
    expect(await size(image.variants.display)).toEqual([1600, 1000, 'png']);
    expect(await size(image.variants.thumbnail)).toEqual([400, 250, 'png']);
  });

  it('never enlarges a small image', async () => {
    const image = (await processImage(await png(120, 80), 'image/png'))!;
    expect((await sharp(image.variants.display).metadata()).width).toBe(120);
  });

  it('keeps the frames of an animated GIF and reports one frame’s size', async () => {
    const image = (await processImage(await animatedGif(), 'image/gif'))!;
    expect([image.width, image.height]).toEqual([50, 40]);
    expect((await sharp(image.variants.thumbnail, { animated: true }).metadata()).pages).toBe(2);
  });

  it('gives null for bytes that only start like an image', async () => {
    const broken = Buffer.concat([(await phoneJpeg()).subarray(0, 200)]);
    expect(await processImage(broken, 'image/jpeg')).toBeNull();
    expect(await processImage(Buffer.from('GIF89a, honestly'), 'image/gif')).toBeNull();
  });
});
