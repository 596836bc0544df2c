import { describe, expect, it } from 'vitest';
import type { ApplicationSubmission, EntityRow, OutboxItem } from '../../db/account-db';
import { dossierRecord, draftRecord } from '../../db/test-account-db';
import { buildMyDossiers, type DeviceRecords } from './dossier-list';

const BIRTH = '1.001193';

function draft(id: string, updatedAt: string): EntityRow<'draft'> {
  const data = draftRecord({ id, procedureCode: BIRTH, updatedAt });
  return { entity: 'draft', id, version: 1, data };
}

function submission(
  id: string,
  draftId: string,
  extra: Partial<ApplicationSubmission> = {},
): ApplicationSubmission {
  return {
    id,
    draftId,
    procedureCode: BIRTH,
    fields: {},
    documents: { birthCertificate: ['a1', 'a2'], declarantIdentity: ['a3'] },
    returnMethod: 'counter',
    state: 'waiting_files',
    createdAt: '2026-11-22T08:00:00Z',
    ...extra,
  };
}

function outboxItem(mutationId: number, state: OutboxItem['state'], reason?: string): OutboxItem {
  return {
    mutationId,
    name: 'dossier.submit',
    args: {},
    state,
    attempts: 1,
    createdAt: '2026-11-22T08:00:00Z',
    ...(reason ? { reason } : {}),
  };
}

function records(extra: Partial<DeviceRecords>): DeviceRecords {
  return { drafts: [], dossiers: [], submissions: [], outbox: [], arrived: new Set(), ...extra };
}

describe('my dossiers', () => {
  it('shows a draft until it is submitted, then the submission with its upload progress', () => {
    const before = buildMyDossiers(records({ drafts: [draft('d1', '2026-11-22T07:00:00Z')] }));
    expect(before.drafts.map((item) => item.href)).toEqual([
      '/procedures/1.001193/apply?draft=d1',
    ]);
    const after = buildMyDossiers(
      records({
        drafts: [draft('d1', '2026-11-22T07:00:00Z')],
        submissions: [submission('0190f5c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f', 'd1')],
        arrived: new Set(['a2']),
      }),
    );
    expect(after.drafts).toEqual([]);
    expect(after.waiting).toHaveLength(1);
    expect(after.waiting[0]!.reference).toBe('8C9D-0E1F');
    expect(after.waiting[0]!.state).toEqual({ kind: 'waiting_files', done: 1, total: 3 });
  });

  it('says what the outbox says of a queued submission, and offers a fix when refused', () => {
    const queued = submission('s1', 'd1', { state: 'queued', mutationId: 4 });
    const sending = buildMyDossiers(records({ submissions: [queued], outbox: [outboxItem(4, 'sending')] }));
    expect(sending.waiting[0]!.state).toEqual({ kind: 'sending' });
    const refused = buildMyDossiers(
      records({ submissions: [queued], outbox: [outboxItem(4, 'rejected', 'invalid_form')] }),
    );
    expect(refused.waiting[0]!.state).toEqual({ kind: 'refused', reason: 'invalid_form' });
    expect(refused.waiting[0]!.href).toBe('/procedures/1.001193/apply?draft=d1');
  });

  it('lets the server dossier replace the submission, with its code once received', () => {
    const dossier: EntityRow<'dossier'> = {
      entity: 'dossier',
      id: 's1',
      version: 2,
      data: dossierRecord({
        id: 's1',
        procedureCode: BIRTH,
        status: 'received',
        code: 'H26.01-261122-0001',
        updatedAt: '2026-11-22T09:00:00Z',
      }),
    };
    const list = buildMyDossiers(
      records({ dossiers: [dossier], submissions: [submission('s1', 'd1', { state: 'queued', mutationId: 4 })] }),
    );
    expect(list.waiting).toEqual([]);
    expect(list.submitted).toEqual([
      expect.objectContaining({ id: 's1', code: 'H26.01-261122-0001', state: { kind: 'server', status: 'received' } }),
    ]);
    expect(list.submitted[0]!.reference).toBeUndefined();
  });

  it('orders each group newest first', () => {
    const list = buildMyDossiers(
      records({ drafts: [draft('old', '2026-11-20T00:00:00Z'), draft('new', '2026-11-21T00:00:00Z')] }),
    );
    expect(list.drafts.map((item) => item.id)).toEqual(['new', 'old']);
  });
});
