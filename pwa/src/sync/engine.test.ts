// The sync round against a scripted server, on an in-memory IndexedDB: the outbox rules
// (leave only when acknowledged by a pull, rejected items stay and block nothing), a page and
// its cursor written together, and a reset that keeps the outbox.
import { signal } from '@preact/signals';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  attachmentRecord,
  deleteAccountDbAfterEach,
  dossierRecord,
  draftRecord,
  notificationRecord,
} from '../db/test-account-db';
import type { Change, DraftChange } from './protocol';

vi.mock('../lib/i18n', () => ({ language: { value: 'vi' } }));
vi.mock('../features/identity/identity', () => ({
  currentIdentity: signal({ id: 'account-1', fullName: 'A' }),
  isSessionExpired: signal(false),
}));
vi.stubGlobal('navigator', { onLine: false }); // local writes do not start a sync by themselves

const { accountDb, findEntity } = await import('../db/account-db');
const { syncOnce } = await import('./engine');
const { saveDraft, deleteDraft } = await import('./drafts');

type Body = Record<string, unknown>;
type Handler = (path: string, body: Body) => unknown;

let calls: { path: string; body: Body }[] = [];

function serve(handler: Handler): void {
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Body;
    calls.push({ path, body });
    const answer = handler(path, body);
    if (answer instanceof Response) return answer;
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
}

const registered = { clientId: 'x', lastMutationId: 0 };
const pushed = (path: string) => calls.filter((call) => call.path === path);

function draftPut(id: string, note: string, version: number): DraftChange {
  const data = draftRecord({ id, procedureCode: 'P1', fields: { note }, version });
  return { entity: 'draft', id, op: 'put', data, version };
}

beforeEach(() => {
  calls = [];
});

deleteAccountDbAfterEach('account-1');

describe('a sync round', () => {
  it('pushes the outbox in order and drops items once a pull acknowledges them', async () => {
    const first = await saveDraft('P1', { note: 'một' });
    const second = await saveDraft('P1', { note: 'hai' });
    const db = accountDb('account-1');
    expect((await db.outbox.toArray()).map((item) => item.state)).toEqual(['queued', 'queued']);
    serve((path) => {
      if (path.endsWith('/clients')) return registered;
      if (path.endsWith('/push')) {
        return {
          results: [
            { mutationId: 1, status: 'applied', result: { version: 1, conflicts: [] } },
            {
              mutationId: 2,
              status: 'applied',
              result: { version: 1, conflicts: [{ field: 'note', serverValue: 'khác' }] },
            },
          ],
          lastMutationId: 2,
        };
      }
      return {
        changes: [draftPut(first, 'một', 1), draftPut(second, 'khác', 1)],
        cursor: 'c1',
        hasMore: false,
        lastMutationId: 2,
      };
    });
    await syncOnce('account-1');

    const mutations = pushed('/api/v1/sync/push')[0]!.body['mutations'] as Body[];
    expect(mutations.map((m) => [m['mutationId'], m['name']])).toEqual([
      [1, 'draft.save'],
      [2, 'draft.save'],
    ]);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.meta.get('sync.cursor'))?.value).toBe('c1');
    const row = await db.entities.get(['draft', second]);
    expect(row?.version).toBe(1);
    expect(row?.pendingMutationId).toBeUndefined();
    expect(row?.conflicts).toEqual([{ field: 'note', serverValue: 'khác' }]);
  });

  it('keeps a rejected item with its reason and lets the next one through', async () => {
    await saveDraft('UNKNOWN', { note: 'sai' });
    const good = await saveDraft('P1', { note: 'đúng' });
    serve((path) => {
      if (path.endsWith('/clients')) return registered;
      if (path.endsWith('/push')) {
        return {
          results: [
            { mutationId: 1, status: 'rejected', reason: 'unknown_procedure' },
            { mutationId: 2, status: 'applied', result: { version: 1 } },
          ],
          lastMutationId: 2,
        };
      }
      return {
        changes: [draftPut(good, 'đúng', 1)],
        cursor: 'c1',
        hasMore: false,
        lastMutationId: 2,
      };
    });
    await syncOnce('account-1');

    const db = accountDb('account-1');
    const left = await db.outbox.toArray();
    expect(left.map((item) => [item.mutationId, item.state, item.reason])).toEqual([
      [1, 'rejected', 'unknown_procedure'],
    ]);
    await syncOnce('account-1');
    // The rejected item is never sent again.
    expect(pushed('/api/v1/sync/push')).toHaveLength(1);
  });

  it('keeps unanswered mutations queued, and a local write the server has not acknowledged', async () => {
    const id = await saveDraft('P1', { note: 'một' });
    await saveDraft('P1', { note: 'hai' }, { draftId: id });
    serve((path) => {
      if (path.endsWith('/clients')) return registered;
      if (path.endsWith('/push')) {
        return { results: [{ mutationId: 1, status: 'applied' }], lastMutationId: 1 };
      }
      return { changes: [draftPut(id, 'một', 1)], cursor: 'c1', hasMore: false, lastMutationId: 1 };
    });
    await syncOnce('account-1');

    const db = accountDb('account-1');
    expect((await db.outbox.toArray()).map((item) => [item.mutationId, item.state])).toEqual([
      [2, 'queued'],
    ]);
    const row = await findEntity(db, 'draft', id);
    expect(row?.data?.fields['note']).toBe('hai'); // not overwritten by the pull
  });

  it('on a reset drops synced records, keeps the outbox and pulls from the start', async () => {
    const db = accountDb('account-1');
    const old = draftRecord({ id: 'old' });
    await db.entities.put({ entity: 'draft', id: 'old', data: old, version: 3 });
    await db.meta.put({ key: 'sync.cursor', value: 'stale', updatedAt: '' });
    await db.meta.put({
      key: 'sync.client',
      value: { id: 'x', isRegistered: true },
      updatedAt: '',
    });
    const pending = await saveDraft('P1', { note: 'chờ' });
    let pulls = 0;
    serve((path, body) => {
      if (path.endsWith('/push')) return { results: [], lastMutationId: 0 }; // server busy at a gap
      pulls += 1;
      if (body['cursor'] === 'stale') {
        return {
          changes: [],
          cursor: null,
          hasMore: false,
          lastMutationId: 0,
          resetRequired: 'epoch',
        };
      }
      expect(body['cursor']).toBeNull();
      return {
        changes: [draftPut('new', 'mới', 1)],
        cursor: 'fresh',
        hasMore: false,
        lastMutationId: 0,
      };
    });
    await syncOnce('account-1');

    expect(pulls).toBe(2);
    const ids = (await db.entities.toArray()).map((row) => row.id).sort();
    expect(ids).toEqual(['new', pending].sort());
    expect(await db.outbox.count()).toBe(1);
    expect((await db.meta.get('sync.cursor'))?.value).toBe('fresh');
  });

  it('pulls page after page until there are no more', async () => {
    serve((path, body) => {
      if (path.endsWith('/clients')) return registered;
      if (path.endsWith('/push')) throw new Error('nothing to push');
      const page = body['cursor'] === null ? 1 : 2;
      return {
        changes: [draftPut(`d${page}`, 'x', 1)],
        cursor: `c${page}`,
        hasMore: page === 1,
        lastMutationId: 0,
      };
    });
    await syncOnce('account-1');
    const db = accountDb('account-1');
    expect(await db.entities.count()).toBe(2);
    expect((await db.meta.get('sync.cursor'))?.value).toBe('c2');
  });

  it('deletes locally at once and for good once the server acknowledges it', async () => {
    const db = accountDb('account-1');
    const gone = draftRecord({ id: 'gone' });
    await db.entities.put({ entity: 'draft', id: 'gone', data: gone, version: 2 });
    await deleteDraft('gone');
    expect((await db.entities.get(['draft', 'gone']))?.data).toBeNull();
    serve((path) => {
      if (path.endsWith('/clients')) return registered;
      if (path.endsWith('/push'))
        return { results: [{ mutationId: 1, status: 'applied' }], lastMutationId: 1 };
      return {
        changes: [{ entity: 'draft', id: 'gone', op: 'remove', data: null, version: 3 }],
        cursor: 'c1',
        hasMore: false,
        lastMutationId: 1,
      };
    });
    await syncOnce('account-1');
    const args = (pushed('/api/v1/sync/push')[0]!.body['mutations'] as Body[])[0]!['args'];
    expect(args).toEqual({ draftId: 'gone', baseVersion: 2 });
    expect(await db.entities.get(['draft', 'gone'])).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps each pulled change as its entity’s row: the typed record, without the op', async () => {
    const dossier = dossierRecord({ id: 'd1', status: 'received', code: 'C-1' });
    const photo = attachmentRecord({ id: 'a1', status: 'available', dossierId: 'd1' });
    const notice = notificationRecord({ id: 'n1', dossierId: 'd1' });
    const changes: Change[] = [
      { entity: 'dossier', id: 'd1', op: 'put', data: dossier, version: 2 },
      { entity: 'attachment', id: 'a1', op: 'put', data: photo, version: 3 },
      { entity: 'notification', id: 'n1', op: 'put', data: notice, version: 1 },
    ];
    serve((path) => {
      if (path.endsWith('/clients')) return registered;
      return { changes, cursor: 'c1', hasMore: false, lastMutationId: 0 };
    });
    await syncOnce('account-1');
    const db = accountDb('account-1');
    expect(await db.entities.get(['dossier', 'd1'])).toEqual({
      entity: 'dossier',
      id: 'd1',
      data: dossier,
      version: 2,
    });
    expect((await findEntity(db, 'dossier', 'd1'))?.data?.code).toBe('C-1');
    expect((await findEntity(db, 'attachment', 'a1'))?.data?.dossierId).toBe('d1');
    expect((await findEntity(db, 'notification', 'n1'))?.data?.content.vi.title).toBe(
      notice.content.vi.title,
    );
  });
});
