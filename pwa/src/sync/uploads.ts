// The upload queue: a file is stored in IndexedDB first and an `attachment.register` mutation is
// queued with it (one transaction); once the server has accepted that mutation the bytes travel
// by tus (resumable, checksummed per chunk). tus-js-client loads lazily, with the first upload.
import { signal } from '@preact/signals';
import { accountDb, type AccountDb } from '../db/account-db';
import { currentIdentity } from '../features/identity/identity';
import { uuidv7 } from '../lib/uuid';
import { enqueue, onSynced, persistStorage, requestSync } from './engine';

/**
 * Compression progress by holder id (a draft's, or a dossier's for its supplement), 0 to 1,
 * while a photo for it is being compressed.
 */
export const compressProgress = signal<ReadonlyMap<string, number>>(new Map());

function setCompressing(key: string, fraction: number | undefined): void {
  const next = new Map(compressProgress.value);
  if (fraction === undefined) next.delete(key);
  else next.set(key, fraction);
  compressProgress.value = next;
}

/** Upload progress by attachment id, 0 to 1, while uploads run in this tab. */
export const uploadProgress = signal<ReadonlyMap<string, number>>(new Map());

function setProgress(id: string, fraction: number | undefined): void {
  const next = new Map(uploadProgress.value);
  if (fraction === undefined) next.delete(id);
  else next.set(id, fraction);
  uploadProgress.value = next;
}

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a file is attached to on the device: a draft's form, or a dossier's supplement. */
export type FileHolder = { draftId: string } | { dossierId: string };

/** The holder's id: the key of its compression progress. */
function holderId(holder: FileHolder): string {
  return 'draftId' in holder ? holder.draftId : holder.dossierId;
}

/**
 * Keep `original` on the device and queue it for upload, attached to a draft's `slotKey`.
 * A photo is compressed first (in a worker), so what is stored, hashed and uploaded is the
 * compressed JPEG; PDFs and other files are kept as they are. `replaces` names a file this one
 * takes the place of (a retaken photo): it is detached, and the new file keeps its position.
 */
export function attachFile(
  draftId: string,
  original: Blob,
  slotKey = 'photo',
  options: { replaces?: string } = {},
): Promise<string> {
  return keepFile({ draftId }, original, slotKey, options);
}

/**
 * The same for a file answering a dossier's supplement request: it belongs to no draft, and
 * joins the dossier when the answer (`dossier.supplement`) is applied.
 */
export function attachSupplementFile(
  dossierId: string,
  original: Blob,
  slotKey: string,
  options: { replaces?: string } = {},
): Promise<string> {
  return keepFile({ dossierId }, original, slotKey, options);
}

async function keepFile(
  holder: FileHolder,
  original: Blob,
  slotKey: string,
  { replaces }: { replaces?: string },
): Promise<string> {
  const accountId = currentIdentity.value?.id;
  if (!accountId) throw new Error('Not signed in');
  const { compressPhoto, jpegName } = await import('../lib/photo');
  const key = holderId(holder);
  let file: Blob;
  try {
    file = await compressPhoto(original, (fraction) => setCompressing(key, fraction));
  } finally {
    setCompressing(key, undefined);
  }
  const id = uuidv7();
  const sha256 = await sha256Hex(file);
  const mediaType = file.type || 'application/octet-stream';
  const originalName = original instanceof File ? original.name : id;
  const fileName =
    file !== original && mediaType === 'image/jpeg' ? jpegName(originalName) : originalName;
  const draft = 'draftId' in holder ? { draftId: holder.draftId } : {};
  const db = accountDb(accountId);
  await db.transaction('rw', [db.blobs, db.outbox, db.meta, db.entities], async () => {
    const replaced = replaces ? await db.blobs.get(replaces) : undefined;
    if (replaces) await removeLocalFile(db, replaces);
    await db.blobs.put({
      id,
      blob: file,
      sha256,
      bytes: file.size,
      mediaType,
      fileName,
      ...holder,
      slotKey,
      upload: 'waiting',
      // Files are listed by createdAt: a replacement takes the place of the file it replaces.
      createdAt: replaced?.createdAt ?? new Date().toISOString(),
    });
    const mutationId = await enqueue(db, 'attachment.register', {
      attachmentId: id,
      slotKey,
      sha256,
      bytes: file.size,
      mediaType,
      ...draft,
    });
    await db.entities.put({
      entity: 'attachment',
      id,
      data: { id, ...draft, slotKey, sha256, bytes: file.size, mediaType, status: 'pending' },
      version: 0,
      pendingMutationId: mutationId,
    });
  });
  persistStorage();
  requestSync();
  return id;
}

/**
 * Take a file off its draft: its local copy and record go now. The server's copy, if it was
 * registered, is left orphaned and pruned by the server's housekeeping.
 */
export async function detachFile(attachmentId: string): Promise<void> {
  const accountId = currentIdentity.value?.id;
  if (!accountId) throw new Error('Not signed in');
  const db = accountDb(accountId);
  await db.transaction('rw', db.blobs, db.entities, () => removeLocalFile(db, attachmentId));
}

function removeLocalFile(db: AccountDb, attachmentId: string): Promise<unknown> {
  return Promise.all([
    db.blobs.delete(attachmentId),
    db.entities.delete(['attachment', attachmentId]),
  ]);
}

const running = new Set<string>();

/** Upload the files whose registration the server has accepted (after each sync). */
async function uploadWaiting(accountId: string): Promise<void> {
  const db = accountDb(accountId);
  const blobs = await db.blobs.where('upload').anyOf('waiting', 'uploading', 'failed').toArray();
  if (blobs.length === 0) return;
  const unacknowledged = new Set(
    (await db.outbox.toArray())
      .filter((item) => item.name === 'attachment.register' && item.state !== 'accepted')
      .map((item) => String(item.args['attachmentId'])),
  );
  const ready = blobs.filter((row) => !unacknowledged.has(row.id) && !running.has(row.id));
  if (ready.length === 0) return;
  const { isRefusal, uploadBlob } = await import('./tus-upload');
  let isAnyDone = false;
  for (const row of ready) {
    // Detached while earlier files were uploading. One detached mid-upload finishes sending
    // (its bytes are orphaned on the server); the row stays gone, as `update` creates nothing.
    if (!(await db.blobs.get(row.id))) continue;
    running.add(row.id);
    await db.blobs.update(row.id, { upload: 'uploading' });
    try {
      await uploadBlob(accountId, row, (fraction) => setProgress(row.id, fraction));
      await db.blobs.update(row.id, { upload: 'done' });
      isAnyDone = true;
    } catch (error) {
      if (isRefusal(error)) {
        await db.blobs.update(row.id, { upload: 'refused', refusal: String(error) });
      } else {
        console.error('Upload failed; it resumes at the next sync', error);
        await db.blobs.update(row.id, { upload: 'failed' });
      }
    } finally {
      running.delete(row.id);
      setProgress(row.id, undefined);
    }
  }
  if (isAnyDone) requestSync(); // pull the server's verdict on the files (available, refused)
}

/** Upload waiting files after each sync (their registrations are then acknowledged). */
export function startUploads(): void {
  onSynced(uploadWaiting);
}
