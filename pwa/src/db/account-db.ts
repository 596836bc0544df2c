// Each account's own data on the device, in its own IndexedDB database
// (motcua-account-<accountId>), so that people sharing a phone never see each other's drafts,
// outbox or history: the app opens only the database of the signed-in account. Nothing
// account-specific lives in shared storage except the last identity (localStorage).
import Dexie, { type EntityTable } from 'dexie';

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

export type AccountDb = Dexie & {
  meta: EntityTable<MetaEntry, 'key'>;
  recentProcedures: EntityTable<RecentProcedure, 'code'>;
};

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
