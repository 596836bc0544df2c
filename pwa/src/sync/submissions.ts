// Sending what names files, offline as well as online (DESIGN §4, issue 5, decision 0008): an
// application (`dossier.submit`) and the answer to a supplement request (`dossier.supplement`).
//
// A submission is kept on the device first (`submissions` table), then its files upload; only
// when every file it names has arrived is its mutation numbered and queued. Mutations are
// applied strictly in order, so a submission waiting for its photos must not sit in the
// outbox: it would hold back everything queued after it. An application's row goes when the
// server's dossier arrives; a supplement's when a pull acknowledges its mutation.
import {
  accountDb,
  type AccountDb,
  type ApplicationSubmission,
  findEntity,
  isApplication,
  type SubmissionRow,
  type SupplementSubmission,
} from '../db/account-db';
import { currentIdentity } from '../features/identity/identity';
import { uuidv7 } from '../lib/uuid';
export { dossierReference } from '../lib/reference';
import { enqueue, onSynced, persistStorage, requestSync } from './engine';

export interface SubmissionInput {
  /** Made with uuidv7() when absent. */
  dossierId?: string;
  draftId: string;
  procedureCode: string;
  variantKey?: string;
  fields: Record<string, unknown>;
  /** Attachment ids by document slot key, in the citizen's order. */
  documents: Record<string, string[]>;
  returnMethod?: 'counter' | 'post';
}

export interface FieldRefusal {
  /** A form field key, or `documents.<slotKey>`. */
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export interface SubmissionRefusal {
  reason: string;
  errors: FieldRefusal[];
}

export interface SupplementInput {
  dossierId: string;
  /** Attachment ids by document slot key, in the citizen's order. */
  documents: Record<string, string[]>;
  note?: string;
}

function signedInAccount(): string {
  const accountId = currentIdentity.value?.id;
  if (!accountId) throw new Error('Not signed in');
  return accountId;
}

/** Queue the application (works offline); resolves with the dossier id. */
export async function submitApplication(input: SubmissionInput): Promise<string> {
  const accountId = signedInAccount();
  const db = accountDb(accountId);
  const id = input.dossierId ?? uuidv7();
  await db.transaction('rw', db.submissions, db.outbox, async () => {
    // A refused earlier submission of this draft is superseded by this one.
    const earlier = await db.submissions.where('draftId').equals(input.draftId).toArray();
    await supersede(db, earlier);
    const row: ApplicationSubmission = {
      id,
      kind: 'submit',
      draftId: input.draftId,
      procedureCode: input.procedureCode,
      ...(input.variantKey ? { variantKey: input.variantKey } : {}),
      fields: input.fields,
      documents: input.documents,
      returnMethod: input.returnMethod ?? 'counter',
      state: 'waiting_files',
      createdAt: new Date().toISOString(),
    };
    await db.submissions.add(row);
  });
  persistStorage();
  await queueReadySubmissions(accountId);
  requestSync();
  return id;
}

/**
 * Send the answer to a supplement request (works offline); it goes once its files have
 * uploaded. An earlier answer the server refused, or one still waiting, is replaced by this one.
 */
export async function sendSupplement(input: SupplementInput): Promise<string> {
  const accountId = signedInAccount();
  const db = accountDb(accountId);
  const id = uuidv7();
  const note = input.note?.trim();
  await db.transaction('rw', db.submissions, db.outbox, async () => {
    await supersede(db, await db.submissions.where('dossierId').equals(input.dossierId).toArray());
    const row: SupplementSubmission = {
      id,
      kind: 'supplement',
      dossierId: input.dossierId,
      documents: input.documents,
      ...(note ? { note } : {}),
      state: 'waiting_files',
      createdAt: new Date().toISOString(),
    };
    await db.submissions.add(row);
  });
  persistStorage();
  await queueReadySubmissions(accountId);
  requestSync();
  return id;
}

const noteKey = (dossierId: string) => `supplement.note.${dossierId}`;

/** Keep the note of an answer being written on the device, so that a reload loses nothing. */
export async function keepSupplementNote(dossierId: string, note: string): Promise<void> {
  const db = accountDb(signedInAccount());
  await db.meta.put({ key: noteKey(dossierId), value: note, updatedAt: new Date().toISOString() });
}

/** The note of the answer being written to the dossier's supplement request ('' if none). */
export async function findSupplementNote(accountId: string, dossierId: string): Promise<string> {
  const value = (await accountDb(accountId).meta.get(noteKey(dossierId)))?.value;
  return typeof value === 'string' ? value : '';
}

/** Drop earlier submissions of the same thing; one on its way (not refused) cannot be. */
async function supersede(db: AccountDb, earlier: SubmissionRow[]): Promise<void> {
  for (const row of earlier) {
    if (row.state === 'queued' && row.mutationId !== undefined) {
      const item = await db.outbox.get(row.mutationId);
      if (item && item.state !== 'rejected') throw new Error('Already submitted');
      if (item) await db.outbox.delete(row.mutationId);
    }
    await db.submissions.delete(row.id);
  }
}

type FileState = 'ready' | 'waiting' | 'refused' | 'missing';

async function fileState(db: AccountDb, attachmentId: string): Promise<FileState> {
  const [blob, entity] = await Promise.all([
    db.blobs.get(attachmentId),
    findEntity(db, 'attachment', attachmentId),
  ]);
  const status = entity?.data?.status;
  if (blob?.upload === 'refused' || status === 'rejected') return 'refused';
  if (blob?.upload === 'done' || status === 'available') return 'ready';
  return blob || entity ? 'waiting' : 'missing';
}

/**
 * Queue the mutation of every submission whose files have all arrived on the server;
 * block those with a refused or missing file. Safe in several tabs at once: the state is
 * checked again inside the transaction that numbers the mutation.
 */
export async function queueReadySubmissions(accountId: string): Promise<number> {
  const db = accountDb(accountId);
  let queued = 0;
  const waiting = await db.submissions.where('state').equals('waiting_files').toArray();
  for (const submission of waiting) {
    const states = new Map<string, FileState>();
    for (const ids of Object.values(submission.documents)) {
      for (const id of ids) states.set(id, await fileState(db, id));
    }
    const values = [...states.values()];
    if (values.includes('waiting')) continue;
    await db.transaction('rw', db.submissions, db.outbox, db.meta, async () => {
      const current = await db.submissions.get(submission.id);
      if (current?.state !== 'waiting_files') return;
      if (values.includes('refused') || values.includes('missing')) {
        const reason = values.includes('refused') ? 'file_refused' : 'file_missing';
        await db.submissions.update(submission.id, { state: 'blocked', reason });
        return;
      }
      const mutationId = isApplication(current)
        ? await enqueue(db, 'dossier.submit', applicationArgs(current))
        : await enqueue(db, 'dossier.supplement', supplementArgs(current));
      await db.submissions.update(submission.id, { state: 'queued', mutationId });
      queued += 1;
    });
  }
  return queued;
}

function applicationArgs(row: ApplicationSubmission): Record<string, unknown> {
  return {
    dossierId: row.id,
    procedureCode: row.procedureCode,
    ...(row.variantKey ? { variantKey: row.variantKey } : {}),
    fields: row.fields,
    documents: row.documents,
    draftId: row.draftId,
    returnMethod: row.returnMethod,
  };
}

function supplementArgs(row: SupplementSubmission): Record<string, unknown> {
  return {
    dossierId: row.dossierId,
    documents: row.documents,
    ...(row.note ? { note: row.note } : {}),
  };
}

/**
 * Delivered submissions are dropped (after each sync): an application once the server's
 * dossier has replaced it, a supplement once a pull has acknowledged its mutation (the same
 * pull brings the dossier as the answer left it).
 */
async function forgetDelivered(accountId: string): Promise<void> {
  const db = accountDb(accountId);
  await db.transaction('rw', [db.submissions, db.entities, db.outbox, db.meta], async () => {
    for (const row of await db.submissions.where('state').equals('queued').toArray()) {
      if (isApplication(row)) {
        if (await findEntity(db, 'dossier', row.id)) await db.submissions.delete(row.id);
      } else if (row.mutationId !== undefined && !(await db.outbox.get(row.mutationId))) {
        await db.submissions.delete(row.id);
        await db.meta.delete(noteKey(row.dossierId));
      }
    }
  });
}

/** The server's (or the device's) refusal of this draft's latest submission, if any. */
export async function findSubmissionRefusal(
  accountId: string,
  draftId: string,
): Promise<SubmissionRefusal | undefined> {
  const db = accountDb(accountId);
  const rows = await db.submissions.where('draftId').equals(draftId).sortBy('createdAt');
  return refusalOf(db, rows.at(-1));
}

/** The refusal of the latest answer to the dossier's supplement request, if any. */
export async function findSupplementRefusal(
  accountId: string,
  dossierId: string,
): Promise<SubmissionRefusal | undefined> {
  const db = accountDb(accountId);
  const rows = await db.submissions.where('dossierId').equals(dossierId).sortBy('createdAt');
  return refusalOf(db, rows.at(-1));
}

async function refusalOf(
  db: AccountDb,
  latest: SubmissionRow | undefined,
): Promise<SubmissionRefusal | undefined> {
  if (!latest) return undefined;
  if (latest.state === 'blocked') {
    const errors = Object.entries(latest.documents)
      .filter(([, ids]) => ids.length > 0)
      .map(([slot]) => ({ field: `documents.${slot}`, code: latest.reason ?? 'file_refused' }));
    return { reason: latest.reason ?? 'file_refused', errors };
  }
  if (latest.mutationId === undefined) return undefined;
  const item = await db.outbox.get(latest.mutationId);
  if (item?.state !== 'rejected') return undefined;
  const errors = item.detail?.['errors'];
  return {
    reason: item.reason ?? 'rejected',
    errors: Array.isArray(errors) ? (errors as FieldRefusal[]) : [],
  };
}

/**
 * Give up a submission that was refused or blocked, or take back one still waiting for its
 * files (the draft, or a supplement's files, stay, to fix and send again).
 */
export async function discardSubmission(submissionId: string): Promise<void> {
  const db = accountDb(signedInAccount());
  await db.transaction('rw', db.submissions, db.outbox, async () => {
    const row = await db.submissions.get(submissionId);
    if (!row) return;
    if (row.mutationId !== undefined) {
      const item = await db.outbox.get(row.mutationId);
      if (item && item.state !== 'rejected') return; // on its way: too late to take back
      if (item) await db.outbox.delete(row.mutationId);
    }
    await db.submissions.delete(submissionId);
  });
}

/**
 * Withdraw a dossier. One still on the device (its files uploading) is simply cancelled;
 * otherwise `dossier.withdraw` is queued and the dossier shows as withdrawn at once.
 */
export async function withdrawDossier(dossierId: string, reason?: string): Promise<void> {
  const db = accountDb(signedInAccount());
  await db.transaction('rw', [db.submissions, db.outbox, db.meta, db.entities], async () => {
    const local = await db.submissions.get(dossierId);
    if (local && local.state !== 'queued') {
      await db.submissions.delete(dossierId);
      return;
    }
    const mutationId = await enqueue(db, 'dossier.withdraw', {
      dossierId,
      ...(reason ? { reason } : {}),
    });
    const row = await findEntity(db, 'dossier', dossierId);
    if (row?.data) {
      await db.entities.put({
        ...row,
        data: { ...row.data, status: 'withdrawn' },
        pendingMutationId: mutationId,
      });
    }
  });
  requestSync();
}

/** Is this draft already on its way as a submission (not refused)? Its edits are then over. */
export async function isDraftSubmitted(db: AccountDb, draftId: string): Promise<boolean> {
  for (const row of await db.submissions.where('draftId').equals(draftId).toArray()) {
    if (row.state === 'waiting_files') return true;
    if (row.state === 'queued' && row.mutationId !== undefined) {
      const item = await db.outbox.get(row.mutationId);
      if (item?.state !== 'rejected') return true;
    }
  }
  return false;
}

/** After each sync: queue the submissions whose files have arrived, drop delivered ones. */
export function startSubmissions(): void {
  onSynced(async (accountId) => {
    const queued = await queueReadySubmissions(accountId);
    await forgetDelivered(accountId);
    if (queued > 0) requestSync();
  });
}
