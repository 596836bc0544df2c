// "Hồ sơ của tôi" as one list built from what the device holds: local drafts, submissions
// still on the device, and the server's dossiers. Pure, so the rules are tested without a
// browser.
import {
  type EntityRow,
  isApplication,
  type OutboxItem,
  type SubmissionRow,
  type SupplementSubmission,
} from '../../db/account-db';
import { dossierReference } from '../../lib/reference';
import type { DossierStatus } from '../../sync/protocol';

export type LocalState =
  | { kind: 'draft' }
  | { kind: 'waiting_files'; done: number; total: number }
  | { kind: 'queued' }
  | { kind: 'sending' }
  | { kind: 'refused'; reason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'server'; status: DossierStatus };

export interface ListItem {
  id: string;
  procedureCode: string;
  /** The desk's dossier code, once received. */
  code?: string;
  /** The short local reference, until then. */
  reference?: string;
  state: LocalState;
  /** When it last changed (ISO 8601), for ordering. */
  at: string;
  href: string;
  /** The draft to reopen, for drafts and refused submissions. */
  draftId?: string;
}

export interface MyDossiers {
  drafts: ListItem[];
  waiting: ListItem[];
  submitted: ListItem[];
}

export interface DeviceRecords {
  drafts: EntityRow<'draft'>[];
  dossiers: EntityRow<'dossier'>[];
  submissions: SubmissionRow[];
  outbox: OutboxItem[];
  /** Attachment ids whose upload has finished (or the server has), for progress. */
  arrived: ReadonlySet<string>;
}

const newestFirst = (a: ListItem, b: ListItem) => b.at.localeCompare(a.at);

function applyHref(procedureCode: string, draftId: string): string {
  return `/procedures/${encodeURIComponent(procedureCode)}/apply?draft=${encodeURIComponent(draftId)}`;
}

/** Where a submission stands on the device: uploading its files, queued, sent or refused. */
export function submissionState(row: SubmissionRow, records: DeviceRecords): LocalState {
  if (row.state === 'blocked') return { kind: 'blocked', reason: row.reason ?? 'file_refused' };
  if (row.state === 'waiting_files') {
    const ids = Object.values(row.documents).flat();
    const done = ids.filter((id) => records.arrived.has(id)).length;
    return { kind: 'waiting_files', done, total: ids.length };
  }
  const item = records.outbox.find((entry) => entry.mutationId === row.mutationId);
  if (item?.state === 'rejected') return { kind: 'refused', reason: item.reason ?? 'rejected' };
  if (item?.state === 'sending') return { kind: 'sending' };
  return { kind: 'queued' };
}

export function buildMyDossiers(records: DeviceRecords): MyDossiers {
  const onServer = new Set(records.dossiers.filter((row) => row.data).map((row) => row.id));
  const submitted: ListItem[] = records.dossiers.flatMap((row) => {
    const data = row.data;
    if (!data) return [];
    return [
      {
        id: row.id,
        procedureCode: data.procedureCode,
        ...(data.code ? { code: data.code } : { reference: data.reference }),
        state: { kind: 'server', status: data.status },
        at: data.updatedAt,
        href: `/dossiers/${row.id}`,
      },
    ];
  });
  const pendingDrafts = new Set<string>();
  const waiting: ListItem[] = records.submissions
    .filter(isApplication)
    .filter((row) => !onServer.has(row.id))
    .map((row) => {
      pendingDrafts.add(row.draftId);
      const state = submissionState(row, records);
      const canFix = state.kind === 'refused' || state.kind === 'blocked';
      return {
        id: row.id,
        procedureCode: row.procedureCode,
        reference: dossierReference(row.id),
        state,
        at: row.createdAt,
        href: canFix ? applyHref(row.procedureCode, row.draftId) : `/dossiers/${row.id}`,
        draftId: row.draftId,
      };
    });
  const drafts: ListItem[] = records.drafts.flatMap((row) => {
    if (!row.data || pendingDrafts.has(row.id)) return [];
    const { procedureCode, updatedAt } = row.data;
    return [
      {
        id: row.id,
        procedureCode,
        state: { kind: 'draft' },
        at: updatedAt,
        href: applyHref(procedureCode, row.id),
        draftId: row.id,
      },
    ];
  });
  return {
    drafts: drafts.sort(newestFirst),
    waiting: waiting.sort(newestFirst),
    submitted: submitted.sort(newestFirst),
  };
}

/**
 * The latest answer to the dossier's supplement request still on the device, if any: it is
 * uploading its files, queued or refused. None once the server has it.
 */
export function findSupplement(
  records: DeviceRecords,
  dossierId: string,
): SupplementSubmission | undefined {
  return records.submissions
    .filter((row): row is SupplementSubmission => row.kind === 'supplement')
    .filter((row) => row.dossierId === dossierId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .at(-1);
}
