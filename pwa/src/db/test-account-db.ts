// The device's database in unit tests: IndexedDB in memory (fake-indexeddb, installed before
// Dexie opens anything), an account's database deleted after each test, and stored files.
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import type { BlobRow } from './account-db';

/** Each test starts with an empty database for the account: it is deleted after each test. */
export function deleteAccountDbAfterEach(accountId: string): void {
  afterEach(async () => {
    // Imported late: the test file mocks what the database module depends on first.
    const { accountDb, closeAccountDb } = await import('./account-db');
    const db = accountDb(accountId);
    closeAccountDb();
    await db.delete();
  });
}

/** A stored file, one byte of JPEG waiting to upload; `extra` says what it belongs to. */
export function storedFile(id: string, extra: Partial<BlobRow> = {}): BlobRow {
  return {
    id,
    blob: new Blob(['x']),
    sha256: 'a'.repeat(64),
    bytes: 1,
    mediaType: 'image/jpeg',
    fileName: `${id}.jpg`,
    upload: 'waiting',
    createdAt: '2026-11-22T08:00:00Z',
    ...extra,
  };
}
