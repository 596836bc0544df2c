// Submissions on an in-memory IndexedDB: an application and the answer to a supplement request
// both wait for their files before their mutation is numbered (decision 0008); a refused one
// stays to be fixed and is replaced by the next; a delivered one leaves the device.
import { signal } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import type { BlobRow } from '../db/account-db';
import { deleteAccountDbAfterEach, dossierRecord, storedFile } from '../db/test-account-db';

vi.mock('../lib/i18n', () => ({ language: { value: 'vi' } }));
vi.mock('../features/identity/identity', () => ({
  currentIdentity: signal({ id: 'account-1', fullName: 'A' }),
  isSessionExpired: signal(false),
}));
vi.stubGlobal('navigator', { onLine: false });

let afterSync: ((accountId: string) => Promise<void>) | undefined;
vi.mock('./engine', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./engine')>()),
  onSynced: (listener: (accountId: string) => Promise<void>) => {
    afterSync = listener;
  },
  requestSync: () => undefined,
}));

const { accountDb } = await import('../db/account-db');
const submissions = await import('./submissions');
const {
  findSupplementNote,
  findSupplementRefusal,
  keepSupplementNote,
  queueReadySubmissions,
  sendSupplement,
  startSubmissions,
  submitApplication,
} = submissions;
startSubmissions();

const ACCOUNT = 'account-1';
const DOSSIER = '0190f5c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f';

deleteAccountDbAfterEach(ACCOUNT);

const file = (id: string, upload: BlobRow['upload'], holder: Partial<BlobRow>) =>
  storedFile(id, { slotKey: 'birthCertificate', upload, ...holder });

async function outbox() {
  return (await accountDb(ACCOUNT).outbox.orderBy('mutationId').toArray()).map((item) => ({
    mutationId: item.mutationId,
    name: item.name,
    args: item.args,
    state: item.state,
  }));
}

async function synced(): Promise<void> {
  await afterSync?.(ACCOUNT);
}

describe('the answer to a supplement request', () => {
  it('waits on the device for its files, then queues dossier.supplement once', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.put(file('f1', 'uploading', { dossierId: DOSSIER }));
    await sendSupplement({
      dossierId: DOSSIER,
      documents: { birthCertificate: ['f1'] },
      note: '  Bản sao đã chứng thực  ',
    });
    const [waiting] = await db.submissions.toArray();
    expect(waiting).toMatchObject({ kind: 'supplement', dossierId: DOSSIER, state: 'waiting_files' });
    expect(await outbox()).toEqual([]);

    await db.blobs.update('f1', { upload: 'done' });
    expect(await queueReadySubmissions(ACCOUNT)).toBe(1);
    expect(await queueReadySubmissions(ACCOUNT)).toBe(0);
    expect(await outbox()).toEqual([
      {
        mutationId: 1,
        name: 'dossier.supplement',
        args: { dossierId: DOSSIER, documents: { birthCertificate: ['f1'] }, note: 'Bản sao đã chứng thực' },
        state: 'queued',
      },
    ]);
    expect(await db.submissions.get(waiting!.id)).toMatchObject({ state: 'queued', mutationId: 1 });
    await expect(
      sendSupplement({ dossierId: DOSSIER, documents: {}, note: 'again' }),
    ).rejects.toThrow('Already submitted');
  });

  it('stays refused until the next answer replaces it, and leaves once acknowledged', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.put(file('f1', 'done', { dossierId: DOSSIER }));
    await keepSupplementNote(DOSSIER, 'Gửi bản sao');
    await sendSupplement({ dossierId: DOSSIER, documents: { birthCertificate: ['f1'] } });
    const errors = [{ field: 'documents.birthCertificate', code: 'file_not_available' }];
    await db.outbox.update(1, { state: 'rejected', reason: 'invalid_form', detail: { errors } });
    await synced();
    expect(await findSupplementRefusal(ACCOUNT, DOSSIER)).toEqual({ reason: 'invalid_form', errors });

    await sendSupplement({ dossierId: DOSSIER, documents: { birthCertificate: ['f1'] } });
    expect(await findSupplementRefusal(ACCOUNT, DOSSIER)).toBeUndefined();
    expect((await outbox()).map((item) => [item.mutationId, item.state])).toEqual([[2, 'queued']]);
    expect(await db.submissions.count()).toBe(1);

    await synced(); // not acknowledged yet: it stays
    expect(await db.submissions.count()).toBe(1);
    await db.outbox.delete(2); // a pull acknowledged it
    await synced();
    expect(await db.submissions.count()).toBe(0);
    expect(await findSupplementNote(ACCOUNT, DOSSIER)).toBe('');
  });

  it('is blocked by a file the server refused, naming its slot', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.put(file('f1', 'refused', { dossierId: DOSSIER }));
    await sendSupplement({ dossierId: DOSSIER, documents: { birthCertificate: ['f1'] } });
    expect(await outbox()).toEqual([]);
    expect(await findSupplementRefusal(ACCOUNT, DOSSIER)).toEqual({
      reason: 'file_refused',
      errors: [{ field: 'documents.birthCertificate', code: 'file_refused' }],
    });
  });
});

describe('an application', () => {
  it('is queued as dossier.submit and leaves only when the server’s dossier arrives', async () => {
    const db = accountDb(ACCOUNT);
    await db.blobs.put(file('a1', 'done', { draftId: 'draft-1' }));
    const id = await submitApplication({
      dossierId: DOSSIER,
      draftId: 'draft-1',
      procedureCode: '1.001193',
      fields: { childFullName: 'An' },
      documents: { birthCertificate: ['a1'] },
    });
    expect((await outbox()).map((item) => item.name)).toEqual(['dossier.submit']);
    await db.outbox.clear();
    await synced();
    expect(await db.submissions.get(id)).toMatchObject({ kind: 'submit', state: 'queued' });
    await db.entities.put({ entity: 'dossier', id, data: dossierRecord({ id }), version: 1 });
    await synced();
    expect(await db.submissions.get(id)).toBeUndefined();
  });
});
