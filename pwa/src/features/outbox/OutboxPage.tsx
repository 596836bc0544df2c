import type { BlobRow, OutboxItem, SubmissionRow } from '../../db/account-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { dossierReference } from '../../lib/reference';
import { discardRejected } from '../../sync/drafts';
import { discardSubmission } from '../../sync/submissions';
import { detachFile, uploadProgress } from '../../sync/uploads';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { readDeviceView, type DeviceView } from '../dossiers/device-records';
import { buildMyDossiers, submissionState } from '../dossiers/dossier-list';
import { reasonLabel } from '../dossiers/messages';
import { stateText } from '../dossiers/StateLabel';
import { currentIdentity } from '../identity/identity';
import { to } from './messages';

/** Every item waiting on this device, its state and progress; refused ones to fix or drop. */
export function OutboxPage() {
  useDocumentTitle(to('outboxTitle'));
  const accountId = currentIdentity.value?.id;
  return (
    <>
      <h1 tabIndex={-1}>{to('outboxTitle')}</h1>
      <p class="lead">{to('outboxIntro')}</p>
      {accountId ? <Outbox accountId={accountId} /> : <p>{to('signInFirst')}</p>}
    </>
  );
}

function mutationLabel(item: OutboxItem): string {
  const dossierId = item.args['dossierId'];
  const reference = typeof dossierId === 'string' ? dossierReference(dossierId) : '';
  switch (item.name) {
    case 'draft.save':
      return to('mutation_draft_save');
    case 'draft.delete':
      return to('mutation_draft_delete');
    case 'attachment.register':
      return to('mutation_attachment_register');
    case 'dossier.submit':
      return to('mutation_dossier_submit', { reference });
    case 'dossier.withdraw':
      return to('mutation_dossier_withdraw', { reference });
    case 'dossier.supplement':
      return to('mutation_dossier_supplement', { reference });
    default:
      return to('mutation_other', { name: item.name });
  }
}

/** Where to put right what a submission sent: the application's form, or the dossier's page. */
function fixHref(row: SubmissionRow): string {
  if (row.kind === 'supplement') return `/dossiers/${encodeURIComponent(row.dossierId)}`;
  return `/procedures/${encodeURIComponent(row.procedureCode)}/apply?draft=${encodeURIComponent(row.draftId)}`;
}

function itemState(item: OutboxItem): string {
  if (item.state === 'sending') return to('stateSending');
  if (item.state === 'accepted') return to('stateAccepted');
  return item.attempts > 0 ? to('stateRetrying', { count: item.attempts }) : to('stateQueued');
}

function fileState(blob: BlobRow): string {
  const progress = uploadProgress.value.get(blob.id);
  if (progress !== undefined) return to('fileUploading', { percent: Math.round(progress * 100) });
  if (blob.upload === 'failed') return to('fileFailed');
  if (blob.upload === 'refused') return to('fileRefused', { reason: blob.refusal ?? '' });
  return to('fileWaiting');
}

function Outbox({ accountId }: { accountId: string }) {
  const view = useLiveQuery(() => readDeviceView(accountId), [accountId]);
  if (!view.isLoaded) return null;
  return <OutboxView view={view.value} />;
}

function OutboxView({ view }: { view: DeviceView }) {
  const uploading = view.blobs.filter((blob) => blob.upload !== 'done' && blob.upload !== 'refused');
  const refusedFiles = view.blobs.filter((blob) => blob.upload === 'refused');
  const changes = view.outbox.filter((item) => item.state !== 'rejected');
  const rejected = view.outbox.filter((item) => item.state === 'rejected');
  const { waiting } = buildMyDossiers(view);
  const held = waiting.filter((item) => item.state.kind === 'waiting_files');
  const blocked = waiting.filter((item) => item.state.kind === 'blocked');
  // Answers to supplement requests, by the state of their files.
  const supplements = view.submissions.flatMap((row) =>
    row.kind === 'supplement' ? [{ row, state: submissionState(row, view) }] : [],
  );
  const heldSupplements = supplements.filter(({ state }) => state.kind === 'waiting_files');
  const blockedSupplements = supplements.filter(({ state }) => state.kind === 'blocked');
  const submissionOf = new Map(
    view.submissions.flatMap((row) => (row.mutationId ? [[row.mutationId, row] as const] : [])),
  );
  const isEmpty =
    uploading.length + refusedFiles.length + changes.length + rejected.length + held.length +
      blocked.length + heldSupplements.length + blockedSupplements.length ===
    0;
  if (isEmpty) return <p role="status">{to('allSent')}</p>;
  return (
    <>
      {(rejected.length > 0 ||
        refusedFiles.length > 0 ||
        blocked.length > 0 ||
        blockedSupplements.length > 0) && (
        <section aria-labelledby="refused-heading" class="notice">
          <h2 id="refused-heading">{to('refusedTitle')}</h2>
          <ul aria-labelledby="refused-heading">
            {rejected.map((item) => {
              const submission = submissionOf.get(item.mutationId);
              return (
                <li key={`m${item.mutationId}`}>
                  {mutationLabel(item)}: {reasonLabel(item.reason ?? 'rejected')}{' '}
                  {submission && (
                    <a class="button" href={fixHref(submission)}>
                      {to('fix')}
                    </a>
                  )}{' '}
                  <button
                    type="button"
                    onClick={() =>
                      void (submission
                        ? discardSubmission(submission.id)
                        : discardRejected(item.mutationId))
                    }
                  >
                    {to('discard')}
                  </button>
                </li>
              );
            })}
            {blocked.map((item) => (
              <li key={`s${item.id}`}>
                {stateText(item.state)}{' '}
                <a class="button" href={item.href}>
                  {to('fix')}
                </a>{' '}
                <button type="button" onClick={() => void discardSubmission(item.id)}>
                  {to('discard')}
                </button>
              </li>
            ))}
            {blockedSupplements.map(({ row, state }) => (
              <li key={`s${row.id}`}>
                {to('mutation_dossier_supplement', { reference: dossierReference(row.dossierId) })}:{' '}
                {stateText(state)}{' '}
                <a class="button" href={fixHref(row)}>
                  {to('fix')}
                </a>
              </li>
            ))}
            {refusedFiles.map((blob) => (
              <li key={`f${blob.id}`}>
                {to('fileLine', {
                  name: blob.fileName,
                  size: Math.ceil(blob.bytes / 1024),
                  state: fileState(blob),
                })}{' '}
                <button type="button" onClick={() => void detachFile(blob.id)}>
                  {to('removeFile')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {uploading.length > 0 && (
        <section aria-labelledby="uploads-heading">
          <h2 id="uploads-heading">{to('uploadsTitle')}</h2>
          <ul aria-labelledby="uploads-heading" class="upload-list">
            {uploading.map((blob) => {
              const progress = uploadProgress.value.get(blob.id);
              return (
                <li key={blob.id}>
                  {to('fileLine', {
                    name: blob.fileName,
                    size: Math.ceil(blob.bytes / 1024),
                    state: fileState(blob),
                  })}
                  <progress max={1} value={progress ?? 0} aria-label={blob.fileName} />
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {held.length + heldSupplements.length > 0 && (
        <section aria-labelledby="held-heading">
          <h2 id="held-heading">{to('waitingFilesTitle')}</h2>
          <ul aria-labelledby="held-heading">
            {held.map((item) => (
              <li key={item.id}>
                <a href={item.href}>{dossierReference(item.id)}</a> — {stateText(item.state)}
              </li>
            ))}
            {heldSupplements.map(({ row, state }) => (
              <li key={row.id}>
                <a href={fixHref(row)}>
                  {to('mutation_dossier_supplement', { reference: dossierReference(row.dossierId) })}
                </a>{' '}
                — {stateText(state)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {changes.length > 0 && (
        <section aria-labelledby="changes-heading">
          <h2 id="changes-heading">{to('changesTitle')}</h2>
          <ul aria-labelledby="changes-heading">
            {changes.map((item) => (
              <li key={item.mutationId}>
                {mutationLabel(item)} — {itemState(item)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
