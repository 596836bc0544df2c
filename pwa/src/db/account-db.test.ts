// Synced rows typed by entity on an in-memory IndexedDB: each accessor gives the rows of one
// entity only, and rows an older app version wrote (before the server added fields to its
// records, or a draft saved on the device without a version) still read.
import { describe, expect, it } from 'vitest';
// First: it puts IndexedDB in memory before Dexie is loaded.
import {
  attachmentRecord,
  deleteAccountDbAfterEach,
  dossierRecord,
  draftRecord,
  notificationRecord,
} from './test-account-db';
import { buildMyDossiers } from '../features/dossiers/dossier-list';
import { readSupplementRequest } from '../features/dossiers/supplement';
import {
  accountDb,
  entitiesOf,
  type EntityRow,
  findEntities,
  findEntity,
} from './account-db';

const ACCOUNT = 'account-1';
deleteAccountDbAfterEach(ACCOUNT);

const rows: EntityRow[] = [
  { entity: 'draft', id: 'same', data: draftRecord({ id: 'same' }), version: 1 },
  { entity: 'attachment', id: 'same', data: attachmentRecord({ id: 'same' }), version: 1 },
  {
    entity: 'attachment',
    id: 'a2',
    data: attachmentRecord({ id: 'a2', status: 'available' }),
    version: 2,
  },
  { entity: 'dossier', id: 'd1', data: dossierRecord({ id: 'd1' }), version: 1 },
  { entity: 'notification', id: 'n1', data: notificationRecord(), version: 1 },
];

describe('the synced rows', () => {
  it('are read by entity, whatever other entity shares an id', async () => {
    const db = accountDb(ACCOUNT);
    await db.entities.bulkPut(rows);
    const draft = await findEntity(db, 'draft', 'same');
    expect(draft?.data?.procedureCode).toBe('1.001193');
    const photo = await findEntity(db, 'attachment', 'same');
    expect(photo?.data?.status).toBe('pending');
    expect(await findEntity(db, 'dossier', 'same')).toBeUndefined();
    const attachments = await entitiesOf(db, 'attachment');
    expect(attachments.map((row) => row.id).sort()).toEqual(['a2', 'same']);
    const notices = await entitiesOf(db, 'notification');
    expect(notices.map((row) => row.data?.content.en.title)).toEqual(['Application sent']);
    const found = await findEntities(db, 'attachment', ['a2', 'missing', 'same']);
    expect(found.map((row) => row?.data?.status)).toEqual(['available', undefined, 'pending']);
  });

  it('written by an older app version still read', async () => {
    const db = accountDb(ACCOUNT);
    // A dossier pulled before supplements, the receipt's lookup path, the apology and the
    // result existed: its record has none of those fields.
    const { supplement, lookupPath, apologizedAt, result, ...before } = dossierRecord({
      id: 'd-old',
      status: 'supplement_requested',
    });
    expect([supplement, lookupPath, apologizedAt, result]).toEqual([null, null, null, null]);
    // A draft saved on the device and not yet by the server: no version of its own.
    const newDraft = draftRecord({ id: 'draft-old', updatedAt: '2026-11-20T00:00:00Z' });
    const { version, ...saved } = newDraft;
    expect(version).toBe(1);
    await db.entities.bulkPut([
      { entity: 'dossier', id: 'd-old', data: before, version: 3 },
      { entity: 'draft', id: 'draft-old', data: saved, version: 0, pendingMutationId: 1 },
    ]);
    const dossiers = await entitiesOf(db, 'dossier');
    const drafts = await entitiesOf(db, 'draft');
    const list = buildMyDossiers({
      drafts,
      dossiers,
      submissions: [],
      outbox: [],
      arrived: new Set(),
    });
    expect(list.submitted.map((item) => [item.id, item.reference, item.state])).toEqual([
      ['d-old', '8C9D-0E1F', { kind: 'server', status: 'supplement_requested' }],
    ]);
    expect(list.drafts.map((item) => [item.id, item.at])).toEqual([
      ['draft-old', '2026-11-20T00:00:00Z'],
    ]);
    expect(readSupplementRequest(dossiers[0]?.data)).toBeUndefined(); // no request to show
  });
});
