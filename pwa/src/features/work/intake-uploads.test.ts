// Waiting for the counter's photos on an in-memory IndexedDB: the intake goes only once every
// photo has arrived, stops at the first refusal, and the photos leave the office computer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BlobRow } from '../../db/account-db';
import { attachmentRecord, deleteAccountDbAfterEach, storedFile } from '../../db/test-account-db';

const requestSync = vi.fn();
vi.mock('../../sync/engine', () => ({ requestSync }));

const { accountDb } = await import('../../db/account-db');
const {
  ABANDONED_AFTER_MS,
  FilesRefused,
  forgetAbandonedPhotos,
  forgetCounterPhotos,
  tallyUploads,
  waitForUploads,
} = await import('./intake-uploads');

const ACCOUNT = 'desk-1';
const INTAKE = 'intake-1';

/** A photo of the intake, taken just now. */
function blob(id: string, upload: BlobRow['upload'], extra: Partial<BlobRow> = {}): BlobRow {
  const createdAt = new Date().toISOString();
  return storedFile(id, { draftId: INTAKE, slotKey: 'contract', upload, createdAt, ...extra });
}

deleteAccountDbAfterEach(ACCOUNT);
afterEach(() => requestSync.mockClear());

describe('tallyUploads', () => {
  it('counts the arrived files and names the refused or vanished ones', () => {
    const blobs = [blob('a', 'done'), blob('b', 'uploading'), blob('c', 'refused'), undefined];
    expect(tallyUploads(['a', 'b', 'c', 'd'], blobs, [])).toEqual({
      done: 1,
      total: 4,
      refused: ['c', 'd'],
    });
  });

  it('counts a file whose registration the server refused as refused', () => {
    const outbox = [
      { name: 'attachment.register', args: { attachmentId: 'a' }, state: 'rejected' as const },
      { name: 'attachment.register', args: { attachmentId: 'b' }, state: 'accepted' as const },
    ];
    expect(tallyUploads(['a', 'b'], [blob('a', 'waiting'), blob('b', 'done')], outbox)).toEqual({
      done: 1,
      total: 2,
      refused: ['a'],
    });
  });
});

describe('waitForUploads', () => {
  it('resolves once every photo has arrived, telling the progress on the way', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.bulkPut([blob('a', 'done'), blob('b', 'uploading')]);
    const tallies: string[] = [];
    const waiting = waitForUploads(ACCOUNT, ['a', 'b'], (tally) =>
      tallies.push(`${tally.done}/${tally.total}`),
    );
    await vi.waitFor(() => expect(tallies).toContain('1/2'));
    expect(requestSync).toHaveBeenCalled();
    let isDone = false;
    void waiting.then(() => (isDone = true));
    await Promise.resolve();
    expect(isDone).toBe(false);
    await db.blobs.update('b', { upload: 'done' });
    await waiting;
    expect(tallies.at(-1)).toBe('2/2');
  });

  it('stops at a refused photo and names it', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.bulkPut([blob('a', 'uploading'), blob('b', 'waiting')]);
    const waiting = waitForUploads(ACCOUNT, ['a', 'b'], () => undefined);
    await db.blobs.update('b', { upload: 'refused' });
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FilesRefused);
    expect((error as InstanceType<typeof FilesRefused>).ids).toEqual(['b']);
  });

  it('stops waiting when aborted', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.put(blob('a', 'uploading'));
    const controller = new AbortController();
    const waiting = waitForUploads(ACCOUNT, ['a'], () => undefined, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});

describe('the photos leave the office computer', () => {
  it('after the intake: every file of that intake and its record', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.bulkPut([
      blob('a', 'done'),
      blob('b', 'done'),
      blob('c', 'waiting', { draftId: 'another' }),
    ]);
    await db.entities.bulkPut(
      ['a', 'b', 'c'].map((id) => ({
        entity: 'attachment' as const,
        id,
        data: attachmentRecord({ id }),
        version: 1,
      })),
    );
    await forgetCounterPhotos(ACCOUNT, INTAKE);
    expect(await db.blobs.toCollection().primaryKeys()).toEqual(['c']);
    expect((await db.entities.toArray()).map((row) => row.id)).toEqual(['c']);
  });

  it('when abandoned: older ones go, the current intake’s and recent ones stay', async () => {
    const db = accountDb(ACCOUNT);
    const now = new Date('2026-11-23T10:00:00Z');
    const old = new Date(now.getTime() - ABANDONED_AFTER_MS - 1).toISOString();
    const recent = new Date(now.getTime() - 60_000).toISOString();
    await db.blobs.bulkPut([
      blob('old', 'done', { draftId: 'earlier', createdAt: old }),
      blob('recent', 'done', { draftId: 'other', createdAt: recent }),
      blob('current', 'done', { draftId: INTAKE, createdAt: old }),
    ]);
    await forgetAbandonedPhotos(ACCOUNT, INTAKE, now);
    expect((await db.blobs.toCollection().primaryKeys()).sort()).toEqual(['current', 'recent']);
  });
});
