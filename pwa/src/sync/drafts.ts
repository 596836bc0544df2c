// Drafts for features: each change is written locally (so the screen shows it at once, offline
// too) together with its outbox mutation, in one IndexedDB transaction; then the loop is nudged.
import { accountDb, type DeviceDraft, type EntityRow, findEntity } from '../db/account-db';
import { currentIdentity } from '../features/identity/identity';
import { uuidv7 } from '../lib/uuid';
import { enqueue, persistStorage, requestSync } from './engine';
import { isDraftSubmitted } from './submissions';

function signedInAccount(): string {
  const accountId = currentIdentity.value?.id;
  if (!accountId) throw new Error('Not signed in');
  return accountId;
}

/**
 * Save a draft (a new one unless `draftId` is given); resolves with its id. A draft already
 * submitted is not saved again: the server deletes it when the dossier is created, and a later
 * save would bring it back.
 */
export async function saveDraft(
  procedureCode: string,
  fields: Record<string, unknown>,
  { draftId = uuidv7(), variantKey }: { draftId?: string; variantKey?: string } = {},
): Promise<string> {
  const db = accountDb(signedInAccount());
  await db.transaction('rw', [db.entities, db.outbox, db.meta, db.submissions], async () => {
    if (await isDraftSubmitted(db, draftId)) return;
    const local = await findEntity(db, 'draft', draftId);
    const version = local?.version ?? 0;
    const mutationId = await enqueue(db, 'draft.save', {
      draftId,
      procedureCode,
      fields,
      baseVersion: version > 0 ? version : null,
      ...(variantKey ? { variantKey } : {}),
    });
    const data: DeviceDraft = {
      id: draftId,
      procedureCode,
      variantKey: variantKey ?? null,
      fields,
      updatedAt: new Date().toISOString(),
    };
    await db.entities.put({
      entity: 'draft',
      id: draftId,
      data,
      version,
      pendingMutationId: mutationId,
    });
  });
  persistStorage();
  requestSync();
  return draftId;
}

/** Delete a draft: gone from the screen now, from the server at the next sync. */
export async function deleteDraft(draftId: string): Promise<void> {
  const db = accountDb(signedInAccount());
  await db.transaction('rw', db.entities, db.outbox, db.meta, async () => {
    const local = await findEntity(db, 'draft', draftId);
    const version = local?.version ?? 0;
    const mutationId = await enqueue(db, 'draft.delete', {
      draftId,
      ...(version > 0 ? { baseVersion: version } : {}),
    });
    const tombstone: EntityRow<'draft'> = {
      entity: 'draft',
      id: draftId,
      data: null,
      version,
      pendingMutationId: mutationId,
    };
    await db.entities.put(tombstone);
  });
  requestSync();
}

/** Forget a mutation the server refused (its reason has been read). */
export async function discardRejected(mutationId: number): Promise<void> {
  const db = accountDb(signedInAccount());
  await db.outbox.where({ mutationId, state: 'rejected' }).delete();
}
