// Photos are compressed on the phone before they are stored and uploaded (DESIGN §4
// Attachments): long edge <= 2048 px, <= 500 KB, EXIF orientation applied, JPEG, metadata
// dropped. The work runs in a module Web Worker (its own lazy chunk, same origin: no CDN).
import { isCompressible, MAX_BYTES, MAX_EDGE } from './photo-plan';
import type { PhotoReply } from './photo-worker';

export type Progress = (fraction: number) => void;

function runWorker(blob: Blob, onProgress?: Progress): Promise<PhotoReply & { kind: 'done' }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./photo-worker.ts', import.meta.url), {
      type: 'module',
      name: 'photo',
    });
    worker.onmessage = (event: MessageEvent<PhotoReply>) => {
      const reply = event.data;
      if (reply.kind === 'progress') {
        onProgress?.(reply.fraction);
        return;
      }
      worker.terminate();
      if (reply.kind === 'done') resolve(reply);
      else reject(new Error(reply.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'The photo worker failed'));
    };
    worker.postMessage({ blob });
  });
}

/**
 * The photo as it leaves the phone: a JPEG within the budget. PDFs and other non-images pass
 * through unchanged; an image already within the budget keeps its original bytes only when
 * re-encoding would make it larger.
 */
export async function compressPhoto(file: File | Blob, onProgress?: Progress): Promise<Blob> {
  if (!isCompressible(file.type)) return file;
  onProgress?.(0);
  const result = await runWorker(file, onProgress);
  onProgress?.(1);
  const { original } = result;
  const isWithinBudget =
    file.size <= MAX_BYTES && Math.max(original.width, original.height) <= MAX_EDGE;
  if (isWithinBudget && result.blob.size >= file.size) return file;
  return result.blob;
}

/** `name` with a .jpg extension, for a file re-encoded as JPEG. */
export function jpegName(name: string): string {
  return /\.jpe?g$/i.test(name) ? name : `${name.replace(/\.[^./]*$/, '')}.jpg`;
}
