// Answering a supplement request from the dossier's page, offline too (decision 0008): what is
// asked and by when; documents attached under the variant's slots (photos compressed on the
// phone, as in the application form) and a note; "Gửi bổ sung" keeps the answer on the device
// until its files have uploaded, then `dossier.supplement` is queued. Refusals come back here.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { DocumentSlot } from '../../api/types';
import { accountDb } from '../../db/account-db';
import { catalogueDb } from '../../db/catalogue-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { localized } from '../../lib/i18n';
import {
  discardSubmission,
  findSupplementNote,
  findSupplementRefusal,
  keepSupplementNote,
  sendSupplement,
  type SubmissionRefusal,
} from '../../sync/submissions';
import { attachSupplementFile, detachFile } from '../../sync/uploads';
import {
  DEFAULT_MAX_FILES,
  documentsOf,
  filesBySlot,
  isAcceptedFile,
  type ShownError,
  slotErrorField,
  slotErrors,
} from '../apply/application';
import { DocumentSlotField, type DraftFile } from '../apply/DocumentSlotField';
import { errorMessage } from '../apply/error-messages';
import { ta } from '../apply/messages';
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
  data: Record<string, unknown>;
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
          procedureCode={String(data['procedureCode'] ?? '')}
          variantKey={data['variantKey']}
          bound={(data['documents'] ?? {}) as Record<string, string[]>}
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
  const db = accountDb(accountId);
  const blobs = answerFiles(
    await db.blobs.where('dossierId').equals(dossierId).toArray(),
    dossierId,
    bound,
  );
  const records = await db.entities.bulkGet(blobs.map((blob) => ['attachment', blob.id]));
  return blobs.map((blob, index) => {
    const server = records[index]?.data ?? {};
    const serverStatus = server['status'];
    const rejectReason = server['rejectReason'];
    return {
      id: blob.id,
      ...(blob.slotKey ? { slotKey: blob.slotKey } : {}),
      createdAt: blob.createdAt,
      isRefused: blob.upload === 'refused' || serverStatus === 'rejected',
      blob: blob.blob,
      fileName: blob.fileName,
      mediaType: blob.mediaType,
      bytes: blob.bytes,
      upload: blob.upload,
      ...(blob.refusal ? { refusal: blob.refusal } : {}),
      ...(typeof serverStatus === 'string' ? { serverStatus } : {}),
      ...(typeof rejectReason === 'string' ? { rejectReason } : {}),
    };
  });
}

function byField(errors: ShownError[]): Record<string, ShownError> {
  const shown: Record<string, ShownError> = {};
  for (const error of errors) shown[error.field] ??= error;
  return shown;
}

function SupplementForm(props: {
  accountId: string;
  dossierId: string;
  procedureCode: string;
  variantKey: unknown;
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
  const files = filesResult.isLoaded ? filesResult.value : [];
  const filesOfSlot = filesBySlot(slots, files);
  // The note as typed here (undefined until typed), else as kept on the device.
  const [typedNote, setTypedNote] = useState<string>();
  const storedNote = useLiveQuery(
    () => findSupplementNote(accountId, dossierId),
    [accountId, dossierId],
  );
  const note = typedNote ?? (storedNote.isLoaded ? storedNote.value : '');
  // Chosen files wait in one queue: photos are compressed one at a time.
  const attachQueue = useRef<Promise<void>>(Promise.resolve());
  const [waitingFiles, setWaitingFiles] = useState<Record<string, number>>({});
  const [compressingSlot, setCompressingSlot] = useState<string>();
  const [slotNotices, setSlotNotices] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, ShownError>>({});
  const [sendState, setSendState] = useState<{ isSending: boolean; problem?: string }>({
    isSending: false,
  });

  // The server's refusal puts its errors on the slots, until the files change.
  useEffect(() => {
    if (refusal && refusal.errors.length > 0) setErrors(byField(refusal.errors));
  }, [JSON.stringify(refusal)]);
  const filesSeen = useRef<string>();
  useEffect(() => {
    if (!filesResult.isLoaded) return;
    const signature = files.map((file) => `${file.id}:${file.isRefused}`).join();
    const isFirst = filesSeen.current === undefined;
    const isChanged = filesSeen.current !== signature;
    filesSeen.current = signature;
    if (!isFirst && isChanged) setErrors(byField(slotErrors(slots, files)));
  }, [files, slots]);

  function countWaiting(slotKey: string, change: number) {
    setWaitingFiles((waiting) => ({ ...waiting, [slotKey]: (waiting[slotKey] ?? 0) + change }));
  }

  function showSlotNotice(slotKey: string, notice: string | undefined) {
    setSlotNotices(({ [slotKey]: _, ...rest }) => (notice ? { ...rest, [slotKey]: notice } : rest));
  }

  function attach(slot: DocumentSlot, chosen: File[], replaces?: string) {
    const max = slot.maxFiles ?? DEFAULT_MAX_FILES;
    const held = (filesOfSlot.get(slot.key) ?? []).length + (waitingFiles[slot.key] ?? 0);
    const accepted = chosen.filter((file) => isAcceptedFile(file.type));
    const wrongType = chosen.find((file) => !isAcceptedFile(file.type));
    const taken = replaces ? accepted.slice(0, 1) : accepted.slice(0, Math.max(max - held, 0));
    let notice = wrongType ? ta('fileTypeRefused', { file: wrongType.name }) : undefined;
    if (taken.length < accepted.length) notice = ta('filesSkipped', { max });
    showSlotNotice(slot.key, notice);
    if (taken.length === 0) return;
    countWaiting(slot.key, taken.length);
    attachQueue.current = attachQueue.current.then(async () => {
      setCompressingSlot(slot.key);
      for (const file of taken) {
        try {
          await attachSupplementFile(dossierId, file, slot.key, replaces ? { replaces } : {});
        } catch (error) {
          const reason = error instanceof Error ? error.message : '?';
          showSlotNotice(slot.key, ta('attachFailed', { file: file.name, reason }));
        } finally {
          countWaiting(slot.key, -1);
        }
      }
      setCompressingSlot(undefined);
    });
  }

  async function send(event: Event) {
    event.preventDefault();
    if (sendState.isSending) return;
    setSendState({ isSending: true });
    try {
      // Photos still being compressed belong to the answer: wait for them, then read them.
      await attachQueue.current;
      const stored = await readAnswerFiles(accountId, dossierId, bound);
      const found = slotErrors(slots, stored);
      if (found.length > 0) {
        setErrors(byField(found));
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
        <section class="form-section documents-section" aria-labelledby="supplement-form-heading">
          <h2 id="supplement-form-heading">{tm('supplementFiles')}</h2>
          {procedure.isLoaded && slots.length === 0 ? (
            <p class="field-hint">{tm('supplementNoSlots')}</p>
          ) : (
            <p class="field-hint">{tm('supplementFilesIntro')}</p>
          )}
          {slots.map((slot) => (
            <DocumentSlotField
              key={slot.key}
              slot={slot}
              files={filesOfSlot.get(slot.key) ?? []}
              // The key of the compression progress: the dossier's, for its answer.
              draftId={dossierId}
              error={errors[slotErrorField(slot.key)]}
              notice={slotNotices[slot.key]}
              waiting={waitingFiles[slot.key] ?? 0}
              isCompressing={compressingSlot === slot.key}
              onAttach={(chosen, replaces) => attach(slot, chosen, replaces)}
              onRemove={(id) => void detachFile(id)}
            />
          ))}
        </section>
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
