import { accountDb, type BlobRow, type EntityRow, type OutboxItem } from '../../db/account-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { deleteDraft, discardRejected, type DraftData } from '../../sync/drafts';
import { attachFile, compressProgress, uploadProgress } from '../../sync/uploads';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { currentIdentity } from '../identity/identity';
import { td } from './messages';

interface Listing {
  drafts: EntityRow[];
  blobs: BlobRow[];
  /** The server's word on each attachment (status, rejectReason), by id. */
  attachments: Map<string, Record<string, unknown>>;
  outbox: OutboxItem[];
}

async function readListing(accountId: string): Promise<Listing> {
  const db = accountDb(accountId);
  const [drafts, blobs, outbox, attachmentRows] = await Promise.all([
    db.entities.where('entity').equals('draft').toArray(),
    db.blobs.toArray(),
    db.outbox.orderBy('mutationId').toArray(),
    db.entities.where('entity').equals('attachment').toArray(),
  ]);
  const attachments = new Map(
    attachmentRows.flatMap((row) => (row.data ? [[row.id, row.data] as const] : [])),
  );
  const live = drafts.filter((row) => row.data !== null);
  const updated = (row: EntityRow) => String((row.data as unknown as DraftData).updatedAt ?? '');
  live.sort((a, b) => updated(b).localeCompare(updated(a)));
  return { drafts: live, blobs, attachments, outbox };
}

export function DraftsPage() {
  useDocumentTitle(td('draftsTitle'));
  const accountId = currentIdentity.value?.id;
  return (
    <>
      <h1 tabIndex={-1}>{td('draftsTitle')}</h1>
      <p class="lead">{td('draftsIntro')}</p>
      {accountId ? <Drafts accountId={accountId} /> : <p>{td('signInFirst')}</p>}
    </>
  );
}

function Drafts({ accountId }: { accountId: string }) {
  const listing = useLiveQuery(() => readListing(accountId), [accountId]);
  if (!listing.isLoaded) return null;
  const { drafts, blobs, attachments, outbox } = listing.value;
  const rejected = outbox.filter((item) => item.state === 'rejected');
  const pending = outbox.filter((item) => item.state !== 'rejected');
  return (
    <>
      {pending.length > 0 && (
        <section aria-labelledby="outbox-heading">
          <h2 id="outbox-heading">{td('outboxTitle')}</h2>
          <ul aria-labelledby="outbox-heading">
            {pending.map((item) => (
              <li key={item.mutationId}>
                {mutationLabel(item.name)} — {stateLabel(item)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {rejected.length > 0 && (
        <section aria-labelledby="rejected-heading" class="notice">
          <h2 id="rejected-heading">{td('rejectedTitle')}</h2>
          <ul>
            {rejected.map((item) => (
              <li key={item.mutationId}>
                {td('rejectedItem', { name: mutationLabel(item.name), reason: item.reason ?? '' })}{' '}
                <button type="button" onClick={() => void discardRejected(item.mutationId)}>
                  {td('discard')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {drafts.length === 0 ? (
        <p>{td('noDrafts')}</p>
      ) : (
        <ul class="drafts-list" aria-label={td('draftsTitle')}>
          {drafts.map((row) => (
            <DraftItem
              key={row.id}
              row={row}
              blobs={blobs.filter((blob) => blob.draftId === row.id)}
              attachments={attachments}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function mutationLabel(name: string): string {
  if (name === 'draft.save') return td('mutationSave');
  if (name === 'draft.delete') return td('mutationDelete');
  if (name === 'attachment.register') return td('mutationAttach');
  return name;
}

function stateLabel(item: OutboxItem): string {
  if (item.state === 'sending') return td('stateSending');
  if (item.state === 'accepted') return td('stateAccepted');
  return item.attempts > 0 ? td('stateRetrying', { count: item.attempts }) : td('stateQueued');
}

function uploadLabel(blob: BlobRow, onServer: Record<string, unknown> | undefined): string {
  const progress = uploadProgress.value.get(blob.id);
  if (progress !== undefined) return td('uploading', { percent: Math.round(progress * 100) });
  if (onServer?.['status'] === 'available') return td('uploadAccepted');
  if (onServer?.['status'] === 'rejected') {
    return td('uploadRefused', { reason: String(onServer['rejectReason'] ?? '') });
  }
  if (blob.upload === 'done') return td('uploadDone');
  if (blob.upload === 'failed') return td('uploadFailed');
  if (blob.upload === 'refused') return td('uploadRefused', { reason: blob.refusal ?? '' });
  return td('uploadWaiting');
}

function DraftItem({
  row,
  blobs,
  attachments,
}: {
  row: EntityRow;
  blobs: BlobRow[];
  attachments: Map<string, Record<string, unknown>>;
}) {
  const draft = row.data as unknown as DraftData;
  const note = typeof draft.fields['note'] === 'string' ? draft.fields['note'] : '';
  const headingId = `draft-${row.id}`;
  const inputId = `photo-${row.id}`;
  const compressing = compressProgress.value.get(row.id);
  return (
    <li class="draft-item" aria-labelledby={headingId}>
      <h2 id={headingId}>{td('procedure', { code: draft.procedureCode })}</h2>
      <p>
        {td('note')}: {note || td('empty')}
      </p>
      <p class="muted">
        {row.pendingMutationId !== undefined || row.version === 0
          ? td('waitingToSync')
          : td('onServer', { version: row.version })}
      </p>
      {row.conflicts?.map((conflict) => (
        <p key={conflict.field} class="notice">
          {td('conflict', { field: conflict.field, server: JSON.stringify(conflict.serverValue) })}
        </p>
      ))}
      {blobs.length > 0 && (
        <>
          <h3>{td('photos')}</h3>
          <ul aria-label={td('photos')}>
            {blobs.map((blob) => (
              <li key={blob.id}>
                {blob.fileName} ({Math.ceil(blob.bytes / 1024)} KB) —{' '}
                {uploadLabel(blob, attachments.get(blob.id))}
                {uploadProgress.value.has(blob.id) && (
                  <progress
                    max={1}
                    value={uploadProgress.value.get(blob.id)}
                    aria-label={blob.fileName}
                  />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="field">
        <label for={inputId}>{td('attachPhoto')}</label>
        <input
          id={inputId}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          onChange={(event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            if (!file) return;
            attachFile(row.id, file).then(
              () => (input.value = ''),
              (error: unknown) => console.error('Could not attach the photo', error),
            );
          }}
        />
        {compressing !== undefined && (
          <p role="status">
            {td('compressing')}{' '}
            <progress max={1} value={compressing} aria-label={td('compressing')} />
          </p>
        )}
      </div>
      <button type="button" onClick={() => void deleteDraft(row.id)}>
        {td('deleteDraft')}
      </button>
    </li>
  );
}
