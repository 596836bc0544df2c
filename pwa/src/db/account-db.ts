// Each account's own data on the device, in its own IndexedDB database
// (motcua-account-<accountId>), so that people sharing a phone never see each other's drafts,
// outbox or history: the app opens only the database of the signed-in account. Nothing
// account-specific lives in shared storage except the last identity (localStorage).
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Change, DraftRecord, FieldConflict } from '../sync/protocol';

/** Small per-account facts, by key; later also the drafts' and the outbox's bookkeeping. */
export interface MetaEntry {
  key: string;
  value: unknown;
  updatedAt: string;
}

/** A procedure the account looked at, for "recently viewed". */
export interface RecentProcedure {
  code: string;
  name: string;
  nameEn?: string;
  viewedAt: string;
}

/** Each entity's record as the server sends it: the generated protocol types, by entity. */
type ServerRecords = { [C in Change as C['entity']]: NonNullable<C['data']> };

/**
 * A draft as the device holds it: the server's, or one saved on this device that the server has
 * not saved yet, which has no version of its own (the row's `version` is the one it started from).
 */
export type DeviceDraft = Omit<DraftRecord, 'version'> & Partial<Pick<DraftRecord, 'version'>>;

/**
 * What a row holds, by entity: the server's record, or the device's own optimistic write of it
 * (the same shape; for a draft, `DeviceDraft`). Rows written by an older app version read the
 * same way: fields the server added later are optional in the protocol types.
 */
export type EntityData = Omit<ServerRecords, 'draft'> & { draft: DeviceDraft };

/** The kinds of synced record: the protocol's change entities. */
export type Entity = keyof EntityData;

interface RowOf<E extends Entity> {
  entity: E;
  id: string;
  /** The record; null for a local delete waiting for the server. */
  data: EntityData[E] | null;
  /** The server's version this row is based on; 0 before the server has seen it. */
  version: number;
  /** The last local mutation that changed the row and the server has not acknowledged. */
  pendingMutationId?: number;
  /** The server's notes from the last save: fields where its value won over this device's. */
  conflicts?: FieldConflict[];
}

/**
 * A synced record as this device last knows it, typed by its entity: the server's state from a
 * pull, or the local optimistic write of a mutation still in the outbox (`pendingMutationId`),
 * which a pull does not overwrite until the server has acknowledged that mutation.
 * `EntityRow<'dossier'>` is a dossier's row; `EntityRow` any row.
 */
export type EntityRow<E extends Entity = Entity> = Extract<AnyRow, { entity: E }>;
type AnyRow = { [K in Entity]: RowOf<K> }[Entity];

export type OutboxState = 'queued' | 'sending' | 'accepted' | 'rejected';

/** A mutation waiting for the server, numbered 1, 2, 3… per client. */
export interface OutboxItem {
  mutationId: number;
  name: string;
  args: Record<string, unknown>;
  state: OutboxState;
  reason?: string;
  detail?: Record<string, unknown>;
  attempts: number;
  createdAt: string;
}

/** A file kept on the device until its upload has finished (and for showing it). */
export interface BlobRow {
  id: string;
  blob: Blob;
  sha256: string;
  bytes: number;
  mediaType: string;
  fileName: string;
  draftId?: string;
  /**
   * The dossier whose supplement request the file answers (a file attached on its page rather
   * than to a draft). It stays on the file once sent; the dossier's documents then list it.
   */
  dossierId?: string;
  /** The document slot of the form the file fills (absent on rows kept before slots). */
  slotKey?: string;
  upload: 'waiting' | 'uploading' | 'done' | 'failed' | 'refused';
  /** Why the server refused the file (its problem detail), when it did. */
  refusal?: string;
  createdAt: string;
}

export type SubmissionState = 'waiting_files' | 'queued' | 'blocked';

/**
 * Something the citizen sent from this device that names files: it waits for them to finish
 * uploading (`waiting_files`); then its mutation is numbered and queued (`queued`,
 * `mutationId`). `blocked`: a file was refused, so it cannot be sent until the citizen replaces
 * the file. Decision 0008.
 */
interface SubmissionBase {
  id: string;
  /** Attachment ids by document slot key. */
  documents: Record<string, string[]>;
  state: SubmissionState;
  mutationId?: number;
  /** Why it is blocked. */
  reason?: string;
  createdAt: string;
}

/** An application (`dossier.submit`), until the server's dossier replaces it. */
export interface ApplicationSubmission extends SubmissionBase {
  /** Absent on rows kept before supplements existed. */
  kind?: 'submit';
  /** The dossier id, chosen on the device. */
  id: string;
  draftId: string;
  procedureCode: string;
  variantKey?: string;
  fields: Record<string, unknown>;
  returnMethod: 'counter' | 'post';
}

/** The answer to a supplement request (`dossier.supplement`), until the server has it. */
export interface SupplementSubmission extends SubmissionBase {
  kind: 'supplement';
  /** The dossier it answers for (the row's own id is the answer's). */
  dossierId: string;
  note?: string;
}

export type SubmissionRow = ApplicationSubmission | SupplementSubmission;

export const isApplication = (row: SubmissionRow): row is ApplicationSubmission =>
  row.kind !== 'supplement';

export type AccountDb = Dexie & {
  meta: EntityTable<MetaEntry, 'key'>;
  recentProcedures: EntityTable<RecentProcedure, 'code'>;
  entities: Table<EntityRow, [string, string]>;
  outbox: EntityTable<OutboxItem, 'mutationId'>;
  blobs: EntityTable<BlobRow, 'id'>;
  submissions: EntityTable<SubmissionRow, 'id'>;
};

function isOf<E extends Entity>(entity: E): (row: AnyRow) => row is EntityRow<E> {
  return (row): row is EntityRow<E> => row.entity === entity;
}

/** The device's row of one record, typed by its entity. */
export async function findEntity<E extends Entity>(
  db: AccountDb,
  entity: E,
  id: string,
): Promise<EntityRow<E> | undefined> {
  const row = await db.entities.get([entity, id]);
  return row && isOf(entity)(row) ? row : undefined;
}

/** The device's rows of these records of one entity, in the order of `ids` (undefined: none). */
export async function findEntities<E extends Entity>(
  db: AccountDb,
  entity: E,
  ids: string[],
): Promise<(EntityRow<E> | undefined)[]> {
  const rows = await db.entities.bulkGet(ids.map((id) => [entity, id]));
  return rows.map((row) => (row && isOf(entity)(row) ? row : undefined));
}

/** Every row of one entity. */
export async function entitiesOf<E extends Entity>(
  db: AccountDb,
  entity: E,
): Promise<EntityRow<E>[]> {
  return (await db.entities.where('entity').equals(entity).toArray()).filter(isOf(entity));
}

const RECENT_LIMIT = 10;

export function accountDbName(accountId: string): string {
  return `motcua-account-${accountId}`;
}

let open: { accountId: string; db: AccountDb } | undefined;

/** The database of `accountId`; opening another account's closes the previous one. */
export function accountDb(accountId: string): AccountDb {
  if (open?.accountId === accountId) return open.db;
  closeAccountDb();
  const db = new Dexie(accountDbName(accountId)) as AccountDb;
  db.version(1).stores({
    meta: 'key',
    recentProcedures: 'code, viewedAt',
  });
  // Sync: the records (by entity and id), the outbox (by mutation id), files waiting to upload.
  db.version(2).stores({
    entities: '[entity+id], entity',
    outbox: 'mutationId, state',
    blobs: 'id, draftId, upload',
  });
  // Applications submitted on the device, until the server's dossier replaces them.
  db.version(3).stores({
    submissions: 'id, draftId, state',
  });
  // Answers to supplement requests: their files and submissions, by dossier.
  db.version(4).stores({
    blobs: 'id, draftId, upload, dossierId',
    submissions: 'id, draftId, state, dossierId',
  });
  open = { accountId, db };
  return db;
}

/** Close the open account database (at sign-out), so nothing keeps a handle on it. */
export function closeAccountDb(): void {
  open?.db.close();
  open = undefined;
}

export async function recordProcedureView(
  accountId: string,
  procedure: Omit<RecentProcedure, 'viewedAt'>,
): Promise<void> {
  const { recentProcedures } = accountDb(accountId);
  await recentProcedures.put({ ...procedure, viewedAt: new Date().toISOString() });
  const stale = await recentProcedures
    .orderBy('viewedAt')
    .reverse()
    .offset(RECENT_LIMIT)
    .primaryKeys();
  if (stale.length > 0) await recentProcedures.bulkDelete(stale);
}

export function findRecentProcedures(accountId: string): Promise<RecentProcedure[]> {
  return accountDb(accountId).recentProcedures.orderBy('viewedAt').reverse().toArray();
}
