// tus 1.0 uploads (with the checksum extension, sha256), in their own lazy chunk. The upload URL
// is remembered by fingerprint (localStorage, tus-js-client's URL storage), so an upload
// interrupted by a reload or a lost network resumes from the server's offset.
import { DetailedError, Upload } from 'tus-js-client';
import { apiCall } from '../api/client';
import type { BlobRow } from '../db/account-db';

interface UploadLimits {
  maxBytes: number;
  mediaTypes: string[];
  chunkBytes: number;
  tusEndpoint: string;
}

const FALLBACK: UploadLimits = {
  maxBytes: 10 * 1024 * 1024,
  mediaTypes: [],
  chunkBytes: 1024 * 1024,
  tusEndpoint: '/api/v1/uploads',
};

let limits: Promise<UploadLimits> | undefined;

/** The server's upload limits (GET /api/v1/config), asked once per page load. */
function uploadLimits(): Promise<UploadLimits> {
  limits ??= apiCall<{ uploads?: UploadLimits }>('GET', '/api/v1/config').then(
    (config) => config.uploads ?? FALLBACK,
    () => {
      limits = undefined; // ask again next time
      return FALLBACK;
    },
  );
  return limits;
}

async function chunkChecksum(blob: Blob, offset: number, chunkBytes: number): Promise<string> {
  const chunk = blob.slice(offset, Math.min(blob.size, offset + chunkBytes));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await chunk.arrayBuffer()));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export async function uploadBlob(
  accountId: string,
  row: BlobRow,
  onProgress: (fraction: number) => void,
): Promise<void> {
  const { chunkBytes, tusEndpoint } = await uploadLimits();
  return new Promise((resolve, reject) => {
    const upload = new Upload(row.blob, {
      endpoint: tusEndpoint,
      chunkSize: chunkBytes,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: {
        attachmentId: row.id,
        filename: row.fileName,
        filetype: row.mediaType,
        sha256: row.sha256,
      },
      // One fingerprint per account and attachment: stable across reloads, never shared.
      fingerprint: () => Promise.resolve(`motcua-upload-${accountId}-${row.id}`),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: async (request) => {
        if (request.getMethod() !== 'PATCH') return;
        const offset = Number(request.getHeader('Upload-Offset'));
        if (!Number.isFinite(offset)) return;
        request.setHeader(
          'Upload-Checksum',
          `sha256 ${await chunkChecksum(row.blob, offset, chunkBytes)}`,
        );
      },
      onProgress: (sent, total) => onProgress(total > 0 ? sent / total : 0),
      onSuccess: () => resolve(),
      onError: (error) => reject(error),
      // A refusal (wrong type, too large, bad checksum) is final; the rest is worth retrying.
      onShouldRetry: (error) => {
        const status = error instanceof DetailedError ? error.originalResponse?.getStatus() : 0;
        return !status || status === 409 || status === 423 || status === 429 || status >= 500;
      },
    });
    void upload.findPreviousUploads().then((previous) => {
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, reject);
  });
}

/** Whether the server refused the upload for good (not worth trying again). */
export function isRefusal(error: unknown): boolean {
  if (!(error instanceof DetailedError)) return false;
  const status = error.originalResponse?.getStatus() ?? 0;
  return status >= 400 && status < 500 && ![401, 409, 423, 429].includes(status);
}
