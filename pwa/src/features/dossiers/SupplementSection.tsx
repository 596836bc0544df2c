// Answering a supplement request from the dossier's page, offline too (decision 0008): what is
// asked and by when; documents attached under the variant's slots (photos compressed on the
// phone, as in the application form) and a note; "Gửi bổ sung" keeps the answer on the device
// until its files have uploaded, then `dossier.supplement` is queued. Refusals come back here.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DocumentSlot } from '../../api/types';
import { accountDb } from '../../db/account-db';
import { catalogueDb } from '../../db/catalogue-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { localized } from '../../lib/i18n';
import type { DossierRecord } from '../../sync/protocol';
import {
  discardSubmission,
  findSupplementNote,
  findSupplementRefusal,
  keepSupplementNote,
  sendSupplement,
  type SubmissionRefusal,
} from '../../sync/submissions';
import {
  documentsOf,
  errorsByField,
  type FieldErrors,
  slotErrorField,
  slotErrors,
} from '../apply/application';
import { type DraftFile, withServerWord } from '../apply/DocumentSlotField';
import { DocumentsSection } from '../apply/DocumentsSection';
import { errorMessage } from '../apply/error-messages';
import { useDocumentSlots } from '../apply/useDocumentSlots';
import type { DeviceView } from './device-records';
import { DocumentList } from './DocumentList';
import { findSupplement, submissionState } from './dossier-list';
import { reasonLabel, tm } from './messages';
import { StateLabel } from './StateLabel';
import { answerFiles, dayWords, readSupplementRequest, supplementSlots } from './supplement';

interface Props {
  accountId: string;
  dossierId: string;
  /** The synced dossier. */
  data: DossierRecord;
  view: DeviceView;
}

/** The request and the answer: a form, the answer on its way, or why it was refused. */
export function SupplementSection({ accountId, dossierId, data, view }: Props) {
  const request = readSupplementRequest(data);
  const latest = findSupplement(view, dossierId);
  const state = latest && submissionState(latest, view);
  const refusal = useLiveQuery(
    () => findSupplementRefusal(accountId, dossierId),
    [accountId, dossierId],
  );
  const refusalValue = refusal.isLoaded ? refusal.value : undefined;
  if (!request) {
    // Answered, or no longer waiting for an answer: only a refusal is left to show.
    if (!latest || !refusalValue) return null;
    return (
      <RefusalNotice refusal={refusalValue} slots={[]}>
        <button type="button" onClick={() => void discardSubmission(latest.id)}>
          {tm('supplementDiscard')}
        </button>
      </RefusalNotice>
    );
  }
  const isOnItsWay =
    state?.kind === 'waiting_files' || state?.kind === 'queued' || state?.kind === 'sending';
  return (
    <>
      <section class="notice" aria-labelledby="supplement-heading">
        <h2 id="supplement-heading">{tm('supplementTitle')}</h2>
        <p>{tm('supplementIntro', { deadline: dayWords(request.deadline) })}</p>
        <ul aria-label={tm('supplementItems')}>
          {request.items.map((item, index) => (
            <li key={index}>{item}</li>
          ))}
        </ul>
        <p>{tm('supplementPaused')}</p>
      </section>
      {latest && state && isOnItsWay ? (
        <section aria-labelledby="supplement-files-heading">
          <p class="supplement-state" role="status">
            <StateLabel state={state} />
          </p>
          <p class="muted">{tm('supplementWaitingNote')}</p>
          <DocumentList
            documents={latest.documents}
            view={view}
            heading={tm('supplementFiles')}
            headingId="supplement-files-heading"
          />
          {latest.note && <p>{latest.note}</p>}
          {state.kind === 'waiting_files' && (
            <p>
              <button
                type="button"
                class="secondary"
                onClick={() => void discardSubmission(latest.id)}
              >
                {tm('supplementEdit')}
              </button>
            </p>
          )}
        </section>
      ) : (
        <SupplementForm
          key={latest?.id ?? 'new'}
          accountId={accountId}
          dossierId={dossierId}
          procedureCode={data.procedureCode}
          variantKey={data.variantKey}
          bound={data.documents}
          refusal={refusalValue}
        />
      )}
    </>
  );
}

/** The device's files for the answer, with the server's word on each. */
async function readAnswerFiles(
  accountId: string,
  dossierId: string,
  bound: Record<string, string[]>,
): Promise<DraftFile[]> {
  const blobs = await accountDb(accountId).blobs.where('dossierId').equals(dossierId).toArray();
  return withServerWord(accountId, answerFiles(blobs, dossierId, bound));
}

function SupplementForm(props: {
  accountId: string;
  dossierId: string;
  procedureCode: string;
  variantKey: string;
  bound: Record<string, string[]>;
  refusal: SubmissionRefusal | undefined;
}) {
  const { accountId, dossierId, procedureCode, variantKey, bound, refusal } = props;
  const procedure = useLiveQuery(() => catalogueDb.procedures.get(procedureCode), [procedureCode]);
  const slots = useMemo(
    () => supplementSlots(procedure.isLoaded ? procedure.value : undefined, variantKey),
    [procedure, variantKey],
  );
  const boundKey = JSON.stringify(bound);
  const filesResult = useLiveQuery(
    () => readAnswerFiles(accountId, dossierId, bound),
    [accountId, dossierId, boundKey],
  );
  // The note as typed here (undefined until typed), else as kept on the device.
  const [typedNote, setTypedNote] = useState<string>();
  const storedNote = useLiveQuery(
    () => findSupplementNote(accountId, dossierId),
    [accountId, dossierId],
  );
  const note = typedNote ?? (storedNote.isLoaded ? storedNote.value : '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sendState, setSendState] = useState<{ isSending: boolean; problem?: string }>({
    isSending: false,
  });

  // The server's refusal puts its errors on the slots, until the files change.
  useEffect(() => {
    if (refusal && refusal.errors.length > 0) setErrors(errorsByField(refusal.errors));
  }, [JSON.stringify(refusal)]);
  const slotFiles = useDocumentSlots({
    holder: { dossierId },
    slots,
    files: filesResult.isLoaded ? filesResult.value : undefined,
    setErrors,
    rule: 'show-afresh',
  });

  async function send(event: Event) {
    event.preventDefault();
    if (sendState.isSending) return;
    setSendState({ isSending: true });
    try {
      // Photos still being compressed belong to the answer: wait for them, then read them.
      await slotFiles.allStored();
      const stored = await readAnswerFiles(accountId, dossierId, bound);
      const found = slotErrors(slots, stored);
      if (found.length > 0) {
        setErrors(errorsByField(found));
        setSendState({ isSending: false, problem: tm('supplementNotReady') });
        return;
      }
      const documents = documentsOf(slots, stored);
      if (Object.keys(documents).length === 0 && !note.trim()) {
        setSendState({ isSending: false, problem: tm('supplementEmpty') });
        return;
      }
      setErrors({});
      await sendSupplement({ dossierId, documents, note });
      setSendState({ isSending: false });
    } catch (error) {
      const reason = error instanceof Error ? error.message : '?';
      setSendState({ isSending: false, problem: tm('supplementFailed', { reason }) });
    }
  }

  return (
    <>
      {refusal && <RefusalNotice refusal={refusal} slots={slots} />}
      <form class="application-form" noValidate onSubmit={send}>
        <DocumentsSection
          headingId="supplement-form-heading"
          title={tm('supplementFiles')}
          hint={
            procedure.isLoaded && slots.length === 0
              ? tm('supplementNoSlots')
              : tm('supplementFilesIntro')
          }
          slots={slots}
          slotFiles={slotFiles}
          errors={errors}
        />
        <div class="field">
          <label for="supplement-note">{tm('supplementNote')}</label>
          <textarea
            id="supplement-note"
            maxLength={1000}
            value={note}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setTypedNote(value);
              void keepSupplementNote(dossierId, value);
            }}
          />
        </div>
        {sendState.problem && (
          <p class="task-error" role="alert">
            {sendState.problem}
          </p>
        )}
        <p class="field-hint">{tm('supplementOffline')}</p>
        <button type="submit" class="submit-button" disabled={sendState.isSending}>
          {sendState.isSending ? tm('supplementSaving') : tm('supplementSend')}
        </button>
      </form>
    </>
  );
}

function RefusalNotice({
  refusal,
  slots,
  children,
}: {
  refusal: SubmissionRefusal;
  slots: DocumentSlot[];
  children?: ComponentChildren;
}) {
  const slotName = (field: string) => {
    const slot = slots.find((candidate) => slotErrorField(candidate.key) === field);
    return slot ? localized(slot.name.vi, slot.name.en) : field.replace(/^documents\./, '');
  };
  return (
    <aside class="notice refusal-notice" role="alert" aria-labelledby="supplement-refusal-heading">
      <h2 id="supplement-refusal-heading">{tm('supplementRefused')}</h2>
      <p>
        {refusal.reason === 'invalid_form' && refusal.errors.length > 0
          ? tm('supplementInvalid')
          : tm('localRefused', { reason: reasonLabel(refusal.reason) })}
      </p>
      {refusal.errors.length > 0 && (
        <ul>
          {refusal.errors.map((error, index) => (
            <li key={index}>
              {slotName(error.field)}: {errorMessage(error)}
            </li>
          ))}
        </ul>
      )}
      <p>{children ?? tm('supplementRefusedFix')}</p>
    </aside>
  );
}
