// The device's database in unit tests: IndexedDB in memory (fake-indexeddb, installed before
// Dexie opens anything), an account's database deleted after each test, stored files, and
// synced records as the server sends them.
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import type {
  AttachmentRecord,
  DossierRecord,
  DraftRecord,
  NotificationRecord,
} from '../sync/protocol';
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

const AT = '2026-11-22T01:00:00+00:00';

/** A dossier as the server sends it: just submitted online; `extra` changes what it says. */
export function dossierRecord(extra: Partial<DossierRecord> = {}): DossierRecord {
  const id = extra.id ?? '0190f5c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f';
  return {
    id,
    reference: '8C9D-0E1F',
    code: null,
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    procedureNameEn: 'Birth registration',
    variantKey: 'default',
    status: 'submitted',
    statusCode: 1,
    channel: 'online',
    returnMethod: 'counter',
    fields: {},
    documents: {},
    submittedAt: AT,
    receivedAt: null,
    dueAt: null,
    finishedAt: null,
    isOverdue: false,
    supplement: null,
    lookupPath: null,
    apologizedAt: null,
    result: null,
    allowedActions: ['withdraw'],
    timeline: [{ action: 'submit', status: 'submitted', at: AT, note: null }],
    updatedAt: AT,
    ...extra,
  };
}

/** A draft as the server last saved it. */
export function draftRecord(extra: Partial<DraftRecord> = {}): DraftRecord {
  return {
    id: 'draft-1',
    procedureCode: '1.001193',
    variantKey: null,
    fields: {},
    version: 1,
    updatedAt: AT,
    ...extra,
  };
}

/** A registered file as the server knows it: pending until its upload is checked. */
export function attachmentRecord(extra: Partial<AttachmentRecord> = {}): AttachmentRecord {
  return {
    id: 'a1',
    status: 'pending',
    slotKey: 'birthCertificate',
    sha256: 'a'.repeat(64),
    bytes: 1,
    mediaType: 'image/jpeg',
    ...extra,
  };
}

/** A notice in the inbox. */
export function notificationRecord(extra: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    id: 'n1',
    dossierId: null,
    template: 'dossier.submitted',
    content: {
      vi: { title: 'Đã gửi hồ sơ', body: 'Hồ sơ của bạn đã đến cơ quan giải quyết.' },
      en: { title: 'Application sent', body: 'Your application reached the agency.' },
    },
    createdAt: AT,
    readAt: null,
    ...extra,
  };
}
