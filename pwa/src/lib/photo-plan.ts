// The photo budget and the pure arithmetic of fitting a photo into it (shared by photo.ts and
// its worker, and unit-tested without a browser).

/** Long edge of a stored photo, in pixels. */
export const MAX_EDGE = 2048;
/** Size of a stored photo, in bytes (500 KB). */
export const MAX_BYTES = 500 * 1024;
/** First JPEG quality tried; lower ones follow while the photo is over MAX_BYTES. */
export const QUALITIES = [0.8, 0.7, 0.6, 0.5, 0.4] as const;

export interface Size {
  width: number;
  height: number;
}

/** `size` scaled down (never up) so its long edge is at most `maxEdge`. */
export function fitWithin(size: Size, maxEdge = MAX_EDGE): Size {
  const long = Math.max(size.width, size.height);
  if (long <= maxEdge) return { width: size.width, height: size.height };
  const scale = maxEdge / long;
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/** Whether a file of this media type is an image the phone compresses (not a PDF, not SVG). */
export function isCompressible(mediaType: string): boolean {
  return /^image\/(jpeg|png|webp|gif|bmp|avif|heic|heif)$/i.test(mediaType);
}
