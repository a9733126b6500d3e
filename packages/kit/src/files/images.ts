import type { Sharp } from 'sharp';
import type { ImageType } from './sniff';

/** Longest side of the variant the app shows in a post or document. */
export const DISPLAY_SIZE = 1600;
/** Longest side of the variant in lists and feeds. */
export const THUMBNAIL_SIZE = 400;
/** Larger images are refused: decoding one costs memory in proportion to its pixels (a 48 MP phone photo fits). */
const MAX_PIXELS = 60_000_000;

export type ImageVariant = 'original' | 'display' | 'thumbnail';

export interface ProcessedImage {
  /** Of the stored original, upright. */
  width: number;
  height: number;
  variants: Record<ImageVariant, Buffer>;
}

/**
 * Re-encodes an uploaded image: turned upright by its EXIF orientation, then written anew without any metadata,
 * so EXIF (GPS position, camera serial) never leaves the uploader's phone. The original is kept at full size; the
 * display and thumbnail variants are scaled down, never up. Null when the bytes do not decode as an image.
 */
export async function processImage(bytes: Buffer, type: ImageType): Promise<ProcessedImage | null> {
  // Loaded on first use: every subgraph imports the kit, and only those that take photos need libvips.
  const { default: sharp } = await import('sharp');
  try {
    const animated = type === 'image/gif' || type === 'image/webp';
    const input = () => sharp(bytes, { animated, limitInputPixels: MAX_PIXELS, failOn: 'error' });
    const { pages = 1 } = await input().metadata();
    // EXIF orientation belongs to still photos; libvips cannot rotate a multi-frame image.
    const upright = () => (pages > 1 ? input() : input().rotate());
    const original = await encode(upright(), type, 90).toBuffer({ resolveWithObject: true });
    const scaled = (size: number, quality: number) =>
      encode(upright().resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true }), type, quality).toBuffer();
    return {
      width: original.info.width,
      // An animated image's frames are stacked: its height is one frame's.
      height: original.info.pageHeight ?? original.info.height,
      variants: { original: original.data, display: await scaled(DISPLAY_SIZE, 82), thumbnail: await scaled(THUMBNAIL_SIZE, 75) },
    };
  } catch {
    return null;
  }
}

/** Each image keeps its format, so a PNG keeps its transparency and a GIF its frames. */
function encode(image: Sharp, type: ImageType, quality: number): Sharp {
  switch (type) {
    case 'image/jpeg':
      return image.jpeg({ quality });
    case 'image/png':
      return image.png();
    case 'image/webp':
      return image.webp({ quality });
    case 'image/gif':
      return image.gif();
  }
}
