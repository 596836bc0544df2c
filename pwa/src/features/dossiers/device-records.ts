// What the device holds of the signed-in account's applications, read in one go for the pages.
import { accountDb, type BlobRow, entitiesOf } from '../../db/account-db';
import { catalogueDb } from '../../db/catalogue-db';
import { localized } from '../../lib/i18n';
import type { AttachmentRecord } from '../../sync/protocol';
import type { DeviceRecords } from './dossier-list';

export interface DeviceView extends DeviceRecords {
  blobs: BlobRow[];
  /** The server's word on each attachment (status), by id. */
  attachments: Map<string, AttachmentRecord>;
  /** Procedure names by code, from the offline catalogue. */
  procedureNames: Map<string, { name: string; nameEn?: string }>;
}

export async function readDeviceView(accountId: string): Promise<DeviceView> {
  const db = accountDb(accountId);
  const [drafts, dossiers, attachmentRows, submissions, outbox, blobs, procedures] =
    await Promise.all([
      entitiesOf(db, 'draft'),
      entitiesOf(db, 'dossier'),
      entitiesOf(db, 'attachment'),
      db.submissions.toArray(),
      db.outbox.orderBy('mutationId').toArray(),
      db.blobs.toArray(),
      catalogueDb.procedures.toArray(),
    ]);
  const attachments = new Map(
    attachmentRows.flatMap((row) => (row.data ? [[row.id, row.data] as const] : [])),
  );
  const arrived = new Set([
    ...blobs.filter((blob) => blob.upload === 'done').map((blob) => blob.id),
    ...[...attachments].filter(([, data]) => data.status === 'available').map(([id]) => id),
  ]);
  const procedureNames = new Map(
    procedures.map((p) => [p.code, { name: p.name, ...(p.nameEn ? { nameEn: p.nameEn } : {}) }]),
  );
  return {
    drafts,
    dossiers,
    submissions,
    outbox,
    arrived,
    blobs,
    attachments,
    procedureNames,
  };
}

export function procedureName(view: DeviceView, code: string, fallback?: string): string {
  const found = view.procedureNames.get(code);
  return found ? localized(found.name, found.nameEn) : (fallback ?? code);
}
