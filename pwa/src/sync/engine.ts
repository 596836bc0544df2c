// The sync loop (DESIGN §4): push the outbox, then pull pages of changes until there are no more.
// It runs on launch, when the network returns, when the page becomes visible, every 30 s while
// open and right after a local write. One tab per account syncs at a time (a Web Lock); the
// others see the results through IndexedDB. Failures wait with exponential backoff and full
// jitter; a lost IndexedDB connection (Safari, a backgrounded tab) reopens the database.
import { effect, signal } from '@preact/signals';
import { liveQuery } from 'dexie';
import { ApiError, apiCall } from '../api/client';
import { accountDb, closeAccountDb, type AccountDb, type OutboxItem } from '../db/account-db';
import { currentIdentity, isSessionExpired } from '../features/identity/identity';
import { uuidv7 } from '../lib/uuid';
import { backoff } from './backoff';
import {
  PROTOCOL_VERSION,
  type ClientRegistered,
  type DraftSaveResult,
  type Mutation,
  type PullResponse,
  type PushResponse,
} from './protocol';

const TIMER_MS = 30_000;
const PUSH_BATCH = 100;
const PULL_LIMIT = 500;
const META_CLIENT = 'sync.client';
const META_CURSOR = 'sync.cursor';
const META_NEXT_MUTATION = 'sync.nextMutationId';

export type SyncProblem = 'upgrade' | 'signIn' | 'failing';

export interface SyncState {
  isSyncing: boolean;
  /** Outbox items the server has not yet acknowledged (rejected ones excluded). */
  waiting: number;
  /** Outbox items the server refused for good; they wait for the user. */
  rejected: number;
  problem?: SyncProblem;
  lastSyncedAt?: string;
}

export const syncState = signal<SyncState>({ isSyncing: false, waiting: 0, rejected: 0 });

function patch(update: Partial<SyncState>): void {
  syncState.value = { ...syncState.value, ...update };
}

/** Work that runs after each successful sync (the upload queue hooks in here). */
const afterSync = new Set<(accountId: string) => Promise<void>>();
export function onSynced(listener: (accountId: string) => Promise<void>): void {
  afterSync.add(listener);
}

interface StoredClient {
  id: string;
  isRegistered: boolean;
}

async function metaValue<T>(db: AccountDb, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

function putMeta(db: AccountDb, key: string, value: unknown): Promise<string> {
  return db.meta.put({ key, value, updatedAt: new Date().toISOString() });
}

/** This installation's client id for the account, registered with the server once. */
async function ensureClient(db: AccountDb): Promise<string> {
  let client = await metaValue<StoredClient>(db, META_CLIENT);
  if (!client) {
    client = { id: uuidv7(), isRegistered: false };
    await putMeta(db, META_CLIENT, client);
  }
  if (!client.isRegistered) {
    await apiCall<ClientRegistered>('POST', '/api/v1/sync/clients', {
      clientId: client.id,
      protocolVersion: PROTOCOL_VERSION,
    });
    await putMeta(db, META_CLIENT, { ...client, isRegistered: true });
  }
  return client.id;
}

/**
 * Number the next mutation and queue it; call inside a rw transaction over outbox and meta
 * (the local write of the same change goes in that transaction too).
 */
export async function enqueue(
  db: AccountDb,
  name: Mutation['name'],
  args: Record<string, unknown>,
): Promise<number> {
  const mutationId = (await metaValue<number>(db, META_NEXT_MUTATION)) ?? 1;
  await putMeta(db, META_NEXT_MUTATION, mutationId + 1);
  await db.outbox.add({
    mutationId,
    name,
    args,
    state: 'queued',
    attempts: 0,
    createdAt: new Date().toISOString(),
  });
  return mutationId;
}

async function push(db: AccountDb, clientId: string): Promise<void> {
  for (;;) {
    const batch = await db.outbox
      .where('state')
      .anyOf('queued', 'sending')
      .sortBy('mutationId')
      .then((items) => items.slice(0, PUSH_BATCH));
    if (batch.length === 0) return;
    await db.outbox.bulkUpdate(
      batch.map((item) => ({
        key: item.mutationId,
        changes: { state: 'sending', attempts: item.attempts + 1 },
      })),
    );
    const clientTime = new Date().toISOString();
    const mutations = batch.map(
      ({ mutationId, name, args }) =>
        ({ name, mutationId, clientTime, args }) as unknown as Mutation,
    );
    let response: PushResponse;
    try {
      response = await apiCall<PushResponse>('POST', '/api/v1/sync/push', {
        clientId,
        protocolVersion: PROTOCOL_VERSION,
        mutations,
      });
    } catch (error) {
      await requeue(db, batch);
      throw error;
    }
    await recordResults(db, batch, response);
    // A batch stopped at a gap, or fully answered: another round only when all were answered.
    if (response.results.length < batch.length) return;
  }
}

async function requeue(db: AccountDb, items: OutboxItem[]): Promise<void> {
  await db.outbox
    .where('mutationId')
    .anyOf(items.map((item) => item.mutationId))
    .modify((item) => {
      if (item.state === 'sending') item.state = 'queued';
    });
}

async function recordResults(
  db: AccountDb,
  batch: OutboxItem[],
  response: PushResponse,
): Promise<void> {
  const answered = new Map(response.results.map((result) => [result.mutationId, result]));
  await db.transaction('rw', db.outbox, db.entities, async () => {
    for (const item of batch) {
      const result = answered.get(item.mutationId);
      if (!result) {
        await db.outbox.update(item.mutationId, { state: 'queued' });
      } else if (result.status === 'rejected') {
        await db.outbox.update(item.mutationId, {
          state: 'rejected',
          reason: result.reason ?? 'rejected',
          ...(result.detail ? { detail: result.detail } : {}),
        });
      } else {
        await db.outbox.update(item.mutationId, { state: 'accepted' });
        if (item.name === 'draft.save' && result.result) {
          const saved = result.result as unknown as DraftSaveResult;
          const key: [string, string] = ['draft', String(item.args['draftId'])];
          await db.entities.update(key, { conflicts: saved.conflicts ?? [] });
        }
      }
    }
  });
}

/** Write one page of changes, the cursor and the acknowledgements in one transaction. */
async function applyPage(db: AccountDb, page: PullResponse): Promise<void> {
  const acked = page.lastMutationId;
  await db.transaction('rw', db.entities, db.outbox, db.meta, async () => {
    if (page.resetRequired) {
      // Drop what came from the server; keep local writes the server has not acknowledged.
      await db.entities.filter((row) => (row.pendingMutationId ?? 0) <= acked).delete();
      await putMeta(db, META_CURSOR, null);
      return;
    }
    for (const change of page.changes) {
      const key: [string, string] = [change.entity, change.id];
      const local = await db.entities.get(key);
      if (local && (local.pendingMutationId ?? 0) > acked) continue; // our write is still coming
      if (change.op === 'remove') {
        await db.entities.delete(key);
      } else {
        const { op: _put, ...row } = change; // the row: entity, id, the typed record, version
        await db.entities.put({
          ...row,
          ...(local?.conflicts?.length ? { conflicts: local.conflicts } : {}),
        });
      }
    }
    // Acknowledged: those mutations leave the outbox; their rows are the server's now.
    await db.outbox
      .where('mutationId')
      .belowOrEqual(acked)
      .filter((item) => item.state !== 'rejected')
      .delete();
    await db.entities
      .filter((row) => row.pendingMutationId !== undefined && row.pendingMutationId <= acked)
      .modify((row) => {
        if (row.data === null) return false; // a delete the server has done; drop the tombstone
        delete row.pendingMutationId;
        return true;
      });
    await db.entities
      .filter((row) => row.data === null && row.pendingMutationId === undefined)
      .delete();
    await putMeta(db, META_CURSOR, page.cursor);
  });
}

async function pull(db: AccountDb, clientId: string): Promise<void> {
  for (let pages = 0; pages < 1000; pages++) {
    const cursor = (await metaValue<string | null>(db, META_CURSOR)) ?? null;
    const page = await apiCall<PullResponse>('POST', '/api/v1/sync/pull', {
      clientId,
      protocolVersion: PROTOCOL_VERSION,
      cursor,
      limit: PULL_LIMIT,
    });
    await applyPage(db, page);
    if (!page.resetRequired && !page.hasMore) return;
  }
}

function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'DatabaseClosedError' ||
    error.name === 'InvalidStateError' ||
    /connection.*lost|database.*closed/i.test(error.message)
  );
}

/** One full round for the account: register if needed, push, then pull to the end. */
export async function syncOnce(accountId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const db = accountDb(accountId);
      const clientId = await ensureClient(db);
      await push(db, clientId);
      await pull(db, clientId);
      return;
    } catch (error) {
      if (attempt === 0 && isConnectionLost(error)) {
        closeAccountDb(); // reopened by accountDb() on the next try
        continue;
      }
      throw error;
    }
  }
}

let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let isRunning = false;
let isRequestedAgain = false;

function scheduleRetry(seconds: number): void {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => requestSync(), seconds * 1000);
}

/** Sync now (or right after the run in progress). Safe to call often. */
export function requestSync(): void {
  const accountId = currentIdentity.value?.id;
  if (!accountId || !navigator.onLine || isSessionExpired.value) return;
  if (syncState.value.problem === 'upgrade' || syncState.value.problem === 'signIn') return;
  if (isRunning) {
    isRequestedAgain = true;
    return;
  }
  isRunning = true;
  void runAsLeader(accountId).finally(() => {
    isRunning = false;
    if (isRequestedAgain) {
      isRequestedAgain = false;
      requestSync();
    }
  });
}

async function runAsLeader(accountId: string): Promise<void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return run(accountId);
  await locks.request(`motcua-sync-${accountId}`, { ifAvailable: true }, async (lock) => {
    if (lock) await run(accountId); // otherwise another tab is syncing this account right now
  });
}

async function run(accountId: string): Promise<void> {
  patch({ isSyncing: true });
  try {
    await syncOnce(accountId);
    failures = 0;
    patch({ isSyncing: false, problem: undefined, lastSyncedAt: new Date().toISOString() });
    for (const listener of afterSync) {
      await listener(accountId).catch((error: unknown) => console.error('After sync', error));
    }
  } catch (error) {
    patch({ isSyncing: false });
    if (error instanceof ApiError && error.status === 426) return patch({ problem: 'upgrade' });
    if (error instanceof ApiError && error.status === 401) return patch({ problem: 'signIn' });
    const seconds = error instanceof ApiError && error.retryAfter ? error.retryAfter : 0;
    scheduleRetry(Math.max(seconds, backoff(failures++, { base: 2 })));
    if (!(error instanceof TypeError)) {
      // The network failing is ordinary offline life; anything else is worth a trace.
      console.error('Sync failed', error);
      patch({ problem: 'failing' });
    }
  }
}

/**
 * Keep the waiting and rejected counts of the signed-in account current: its outbox, and the
 * files not yet uploaded.
 */
function watchOutbox(accountId: string): () => void {
  let waitingBefore = 0;
  const subscription = liveQuery(async () => {
    const db = accountDb(accountId);
    const [items, uploads] = await Promise.all([db.outbox.toArray(), db.blobs.toArray()]);
    const refusedMutations = items.filter((item) => item.state === 'rejected').length;
    const refusedUploads = uploads.filter((row) => row.upload === 'refused').length;
    const waitingUploads = uploads.filter(
      (row) => row.upload !== 'done' && row.upload !== 'refused',
    ).length;
    return {
      waiting: items.length - refusedMutations + waitingUploads,
      rejected: refusedMutations + refusedUploads,
    };
  }).subscribe({
    next: (counts) => {
      patch(counts);
      // Another tab wrote while this one may be the leader: sync it (the lock picks one tab).
      if (counts.waiting > waitingBefore) requestSync();
      waitingBefore = counts.waiting;
    },
    error: (error: unknown) => console.error('Sync counts failed', error),
  });
  return () => subscription.unsubscribe();
}

/** Ask the browser not to evict this origin's storage: it holds unsent work. */
export function persistStorage(): void {
  void navigator.storage?.persist?.().catch(() => undefined);
}

/** Start syncing the signed-in account; follows sign-in, sign-out and account switches. */
export function startSync(): void {
  let stopWatching: (() => void) | undefined;
  effect(() => {
    const accountId = currentIdentity.value?.id;
    void isSessionExpired.value; // signed in again: try again at once
    stopWatching?.();
    stopWatching = undefined;
    failures = 0;
    syncState.value = { isSyncing: false, waiting: 0, rejected: 0 };
    if (accountId) {
      stopWatching = watchOutbox(accountId);
      queueMicrotask(requestSync);
    }
  });
  addEventListener('online', () => {
    failures = 0;
    requestSync();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') requestSync();
  });
  setInterval(() => {
    if (document.visibilityState === 'visible') requestSync();
  }, TIMER_MS);
}
