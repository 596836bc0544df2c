// The counter's photos travel as the citizen's own do (sync/uploads.ts: stored in the desk
// officer's account database, registered by `attachment.register`, uploaded by tus). The
// intake is sent only once every photo has arrived; afterwards the photos are the citizen's
// and leave the office computer.
import { liveQuery } from 'dexie';
import { accountDb, type BlobRow, type OutboxItem } from '../../db/account-db';
import { requestSync } from '../../sync/engine';
import type { UploadTally } from './intake';

/** Counter photos of an intake never sent are dropped after this long. */
export const ABANDONED_AFTER_MS = 12 * 60 * 60 * 1000;

/** Where the files `ids` stand: arrived on the server, refused, or still on their way. */
export function tallyUploads(
  ids: readonly string[],
  blobs: readonly (Pick<BlobRow, 'id' | 'upload'> | undefined)[],
  outbox: readonly Pick<OutboxItem, 'name' | 'args' | 'state'>[],
): UploadTally {
  const registrationRefused = new Set(
    outbox
      .filter((item) => item.name === 'attachment.register' && item.state === 'rejected')
      .map((item) => String(item.args['attachmentId'])),
  );
  const byId = new Map(blobs.flatMap((blob) => (blob ? [[blob.id, blob] as const] : [])));
  let done = 0;
  const refused: string[] = [];
  for (const id of ids) {
    const blob = byId.get(id);
    if (!blob || blob.upload === 'refused' || registrationRefused.has(id)) refused.push(id);
    else if (blob.upload === 'done') done += 1;
  }
  return { done, total: ids.length, refused };
}

/** Some files will never arrive: the server refused them (or they left the device). */
export class FilesRefused extends Error {
  constructor(readonly ids: string[]) {
    super(`Files refused: ${ids.join(', ')}`);
    this.name = 'FilesRefused';
  }
}

/**
 * Resolve once every file in `ids` has arrived on the server, telling `onTally` as they do;
 * reject with FilesRefused when one never will, or with the signal's reason when aborted.
 * The uploads themselves run in the sync engine; this only watches the device's records.
 */
export function waitForUploads(
  accountId: string,
  ids: readonly string[],
  onTally: (tally: UploadTally) => void,
  signal?: AbortSignal,
): Promise<void> {
  const db = accountDb(accountId);
  return new Promise((resolve, reject) => {
    const subscription = liveQuery(async () =>
      tallyUploads(
        ids,
        await db.blobs.bulkGet([...ids]),
        await db.outbox.where('state').equals('rejected').toArray(),
      ),
    ).subscribe({
      next: (tally) => {
        onTally(tally);
        if (tally.refused.length > 0) finish(new FilesRefused(tally.refused));
        else if (tally.done === tally.total) finish();
      },
      error: (error: unknown) => finish(error),
    });
    const abort = () => finish(signal?.reason ?? new Error('Aborted'));
    signal?.addEventListener('abort', abort);
    let isFinished = false;
    function finish(error?: unknown) {
      if (isFinished) return;
      isFinished = true;
      // The first answer can come before subscribe() returns: unsubscribe after it has.
      queueMicrotask(() => subscription.unsubscribe());
      signal?.removeEventListener('abort', abort);
      if (error === undefined) resolve();
      else reject(error);
    }
    if (signal?.aborted) abort();
    else requestSync(); // registrations still queued go now, and their uploads after them
  });
}

/** The intake's photos leave the office computer (they are the citizen's on the server). */
export async function forgetCounterPhotos(accountId: string, intakeId: string): Promise<void> {
  const db = accountDb(accountId);
  await db.transaction('rw', db.blobs, db.entities, async () => {
    const ids = await db.blobs.where('draftId').equals(intakeId).primaryKeys();
    await db.blobs.bulkDelete(ids);
    await db.entities.bulkDelete(ids.map((id) => ['attachment', id] as [string, string]));
  });
}

/**
 * Photos of intakes left unsent (the officer moved on) do not stay on the office computer:
 * those older than ABANDONED_AFTER_MS go, except the current intake's.
 */
export async function forgetAbandonedPhotos(
  accountId: string,
  currentIntakeId: string,
  now: Date = new Date(),
): Promise<void> {
  const db = accountDb(accountId);
  const cutoff = new Date(now.getTime() - ABANDONED_AFTER_MS).toISOString();
  await db.transaction('rw', db.blobs, db.entities, async () => {
    const stale = await db.blobs
      .filter((blob) => blob.draftId !== currentIntakeId && blob.createdAt < cutoff)
      .primaryKeys();
    await db.blobs.bulkDelete(stale);
    await db.entities.bulkDelete(stale.map((id) => ['attachment', id] as [string, string]));
  });
}
