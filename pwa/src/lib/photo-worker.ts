// Compresses one photo off the main thread: decode with the EXIF orientation applied, scale
// the long edge down to MAX_EDGE, encode JPEG, lowering quality (then size) until the file fits
// MAX_BYTES. Re-encoding drops every metadata block (EXIF, GPS).
import { fitWithin, MAX_BYTES, MAX_EDGE, QUALITIES, type Size } from './photo-plan';

export type PhotoRequest = { blob: Blob };
export type PhotoReply =
  | { kind: 'progress'; fraction: number }
  | { kind: 'done'; blob: Blob; width: number; height: number; original: Size }
  | { kind: 'error'; message: string };

// The DOM lib types this program; the worker's global scope needs only these two members.
const scope = self as unknown as {
  postMessage(reply: PhotoReply): void;
  onmessage: ((event: MessageEvent<PhotoRequest>) => void) | null;
};

async function encode(bitmap: ImageBitmap, size: Size, quality: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D context in the worker');
  context.fillStyle = '#fff'; // transparent PNG pixels become white, not black
  context.fillRect(0, 0, size.width, size.height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

async function compress(blob: Blob): Promise<PhotoReply> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  try {
    const original = { width: bitmap.width, height: bitmap.height };
    let size = fitWithin(original, MAX_EDGE);
    const steps = QUALITIES.length + 4;
    let step = 0;
    for (;;) {
      for (const quality of QUALITIES) {
        const out = await encode(bitmap, size, quality);
        step += 1;
        scope.postMessage({ kind: 'progress', fraction: Math.min(0.95, step / steps) });
        if (out.size <= MAX_BYTES || size.width * size.height <= 64 * 64) {
          return { kind: 'done', blob: out, ...size, original };
        }
      }
      // Still too big at the lowest quality (a very noisy picture): shrink and try again.
      size = fitWithin(size, Math.round(Math.max(size.width, size.height) * 0.8));
    }
  } finally {
    bitmap.close();
  }
}

scope.onmessage = (event: MessageEvent<PhotoRequest>) => {
  compress(event.data.blob).then(
    (reply) => scope.postMessage(reply),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      scope.postMessage({ kind: 'error', message });
    },
  );
};
