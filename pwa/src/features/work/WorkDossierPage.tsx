// One dossier at a staff member's step: who applied, what they wrote and handed in, the
// actions of the step (receive, refuse, hand on, ask for more, record the fee, approve with the
// result document, stop, return) and the process-control sheet.
import { useEffect, useState } from 'preact/hooks';
import type { LocalizedText } from '../../api/types';
import { ApiError } from '../../api/client';
import {
  type ActionResult,
  type DossierDocument,
  fetchWorkDossier,
  issueApology,
  type ResultDocument,
  type StaffAction,
  takeAction,
  uploadResult,
  type WorkDetail,
} from '../../api/work';
import { findCommunes } from '../../db/catalogue-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { formatDateTime, formatFileSize, todayInVietnam } from '../../lib/format';
import { localized } from '../../lib/i18n';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useProcedure } from '../catalogue/useCatalogue';
import { statusLabel } from '../dossiers/messages';
import { explainFailure } from '../identity/explain';
import { useResource } from '../identity/useResource';
import { groupAnswers } from './answers';
import { channelLabel, tw } from './messages';
import { ProcessSheet } from './ProcessSheet';
import { receiptPdfPath, WORK_PATH, workReceiptPath } from './routes';
import { StaffOnly } from './StaffOnly';

const time = (iso: string) => formatDateTime(new Date(iso));

export function WorkDossierPage({ id }: { id: string }) {
  useDocumentTitle(tw('queueTitle'));
  return (
    <StaffOnly title={tw('queueTitle')}>
      <p>
        <a href={WORK_PATH}>← {tw('backToQueue')}</a>
      </p>
      <WorkDossier key={id} id={id} />
    </StaffOnly>
  );
}

/** The dossier, or null when it is not (or no longer) at one of this person's steps. */
async function loadDossier(id: string): Promise<WorkDetail | null> {
  try {
    return await fetchWorkDossier(id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function WorkDossier({ id }: { id: string }) {
  const [dossier, reload] = useResource(() => loadDossier(id), true);
  const [done, setDone] = useState<{ action: StaffAction; result: ActionResult }>();
  if (done) return <ActionDone {...done} dossierId={id} />;
  if (dossier.status === 'loading') return <p role="status">{tw('loading')}</p>;
  if (dossier.status === 'failed') {
    return (
      <p class="notice" role="alert">
        {dossier.message}
      </p>
    );
  }
  const detail = dossier.value;
  if (!detail) {
    return (
      <>
        <h1 tabIndex={-1}>{tw('queueTitle')}</h1>
        <p>{tw('notYours')}</p>
      </>
    );
  }
  return <Detail detail={detail} onDone={(action, result) => setDone({ action, result })} onChanged={reload} />;
}

/** Whether a due time (absent, or null, when there is none) has passed. */
const isPast = (dueAt: string | null | undefined) => dueAt != null && new Date(dueAt) < new Date();

function Detail(props: {
  detail: WorkDetail;
  onDone: (action: StaffAction, result: ActionResult) => void;
  onChanged: () => void;
}) {
  const { detail, onDone, onChanged } = props;
  const { step } = detail;
  const isLate = detail.isOverdue || isPast(step?.dueAt) || isPast(detail.dueAt);
  useDocumentTitle(detail.code ?? detail.procedureName);
  return (
    <>
      <h1 tabIndex={-1}>{detail.code ?? tw('reference', { reference: detail.reference })}</h1>
      <p class="lead">{detail.procedureName}</p>
      <p>
        <span class={`state-label status-${detail.status}`}>{statusLabel(detail.status)}</span>
        {detail.isOverdue && <span class="tag overdue">{tw('overdue')}</span>}
      </p>
      <dl class="work-facts">
        <dt>{tw('currentStep')}</dt>
        <dd>
          {step ? `${localized(step.name, step.nameEn)} — ${step.agencyName}` : tw('finished')}
        </dd>
        <dt>{tw('submitted')}</dt>
        <dd>
          {time(detail.submittedAt)} · {channelLabel(detail.channel)}
        </dd>
        {step?.dueAt && (
          <>
            <dt>{tw('sheetDue')}</dt>
            <dd>{time(step.dueAt)}</dd>
          </>
        )}
        {detail.dueAt && (
          <>
            <dt>{tw('resultDue')}</dt>
            <dd>{time(detail.dueAt)}</dd>
          </>
        )}
      </dl>
      <section aria-labelledby="applicant-heading">
        <h2 id="applicant-heading">{tw('applicant')}</h2>
        <dl class="work-facts">
          <dt>{tw('applicantName')}</dt>
          <dd>{detail.applicant.fullName}</dd>
          <dt>{tw('applicantPhone')}</dt>
          <dd>{detail.applicant.phone}</dd>
          {detail.applicant.cccd && (
            <>
              <dt>{tw('applicantCccd')}</dt>
              <dd>{detail.applicant.cccd}</dd>
            </>
          )}
        </dl>
      </section>
      <Answers procedureCode={detail.procedureCode} fields={detail.fields} />
      <Documents procedureCode={detail.procedureCode} documents={detail.documents} />
      <Actions detail={detail} onDone={onDone} onChanged={onChanged} />
      {isLate && detail.actions.length > 0 && <Apology detail={detail} onChanged={onChanged} />}
      <ProcessSheet rows={detail.sheet} />
    </>
  );
}

/** The form's answers under the form's sections, as the citizen wrote them. */
function Answers({ procedureCode, fields }: { procedureCode: string; fields: Record<string, unknown> }) {
  const procedure = useProcedure(procedureCode);
  const communes = useLiveQuery(findCommunes, []);
  const groups = groupAnswers(
    procedure.isLoaded ? procedure.value : undefined,
    fields,
    communes.isLoaded ? communes.value : [],
  );
  const inLanguage = (text: LocalizedText | string) =>
    typeof text === 'string' ? text : localized(text.vi, text.en);
  if (groups.length === 0) return null;
  return (
    <section aria-labelledby="answers-heading">
      <h2 id="answers-heading">{tw('answers')}</h2>
      {groups.map((group) => (
        <div key={group.key} class="answer-group">
          {group.title && <h3>{inLanguage(group.title)}</h3>}
          <dl class="work-facts">
            {group.rows.map((row) => (
              <div key={row.key}>
                <dt>{row.label ? inLanguage(row.label) : row.key}</dt>
                <dd>{inLanguage(row.text)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}

function Documents(props: { procedureCode: string; documents: DossierDocument[] }) {
  const { procedureCode, documents } = props;
  const procedure = useProcedure(procedureCode);
  const slotName = (key: string) => {
    const variants = procedure.isLoaded ? (procedure.value?.variants ?? []) : [];
    const slot = variants.flatMap((v) => v.form.documents ?? []).find((d) => d.key === key);
    return slot ? localized(slot.name.vi, slot.name.en) : key;
  };
  return (
    <section aria-labelledby="work-documents-heading">
      <h2 id="work-documents-heading">{tw('documents')}</h2>
      {documents.length === 0 ? (
        <p>{tw('noDocuments')}</p>
      ) : (
        <ul class="work-documents">
          {documents.map((document) => {
            const sameSlot = documents.filter((d) => d.slotKey === document.slotKey);
            const name =
              sameSlot.length > 1
                ? `${slotName(document.slotKey)} (${sameSlot.indexOf(document) + 1})`
                : slotName(document.slotKey);
            return (
              <li key={document.id}>
                {document.mediaType.startsWith('image/') && (
                  <img src={document.href} alt="" loading="lazy" width={96} height={128} />
                )}
                <a href={document.href} target="_blank" rel="noopener">
                  {tw('openDocument', { name })}
                </a>{' '}
                <span class="muted">({formatFileSize(document.bytes)})</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const NEEDS_REASONS: readonly StaffAction[] = ['refuse', 'stop'];
const DANGEROUS: readonly StaffAction[] = ['refuse', 'stop'];

function Actions(props: {
  detail: WorkDetail;
  onDone: (action: StaffAction, result: ActionResult) => void;
  onChanged: () => void;
}) {
  const { detail, onDone, onChanged } = props;
  const [chosen, setChosen] = useState<StaffAction>();
  const { nextStep } = detail;
  return (
    <section aria-labelledby="actions-heading" class="work-actions">
      <h2 id="actions-heading">{tw('actions')}</h2>
      {nextStep && (
        <p class="muted">
          {tw('nextStep', {
            step: localized(nextStep.name, nextStep.nameEn),
            agency: nextStep.agencyName,
          })}
        </p>
      )}
      {detail.actions.includes('approve') && (
        <ResultUpload dossierId={detail.id} current={detail.resultDocument} onUploaded={onChanged} />
      )}
      {detail.actions.length === 0 && <p class="muted">{tw(detail.step ? 'readOnly' : 'readOnlyFinished')}</p>}
      {chosen ? (
        <ActionForm
          key={chosen}
          detail={detail}
          action={chosen}
          onCancel={() => setChosen(undefined)}
          onDone={(result) => onDone(chosen, result)}
        />
      ) : (
        <p class="actions">
          {detail.actions.map((action) => (
            <button
              key={action}
              type="button"
              class={DANGEROUS.includes(action) ? 'danger' : undefined}
              disabled={action === 'approve' && !detail.resultDocument}
              onClick={() => setChosen(action)}
            >
              {tw(`action_${action}`)}
            </button>
          ))}
        </p>
      )}
    </section>
  );
}

function ActionForm(props: {
  detail: WorkDetail;
  action: StaffAction;
  onCancel: () => void;
  onDone: (result: ActionResult) => void;
}) {
  const { detail, action, onCancel, onDone } = props;
  const [note, setNote] = useState('');
  const [items, setItems] = useState('');
  const [deadline, setDeadline] = useState('');
  const [problem, setProblem] = useState<string>();
  const [isWorking, setWorking] = useState(false);
  const needsReasons = NEEDS_REASONS.includes(action);
  const isSupplement = action === 'request_supplement';
  const submit = async (event: Event) => {
    event.preventDefault();
    const listed = items
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (needsReasons && !note.trim()) return setProblem(tw('needReasons'));
    if (isSupplement && listed.length === 0) return setProblem(tw('needItems'));
    if (isSupplement && !deadline) return setProblem(tw('needDeadline'));
    setProblem(undefined);
    setWorking(true);
    try {
      const result = await takeAction(detail.id, {
        action,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(isSupplement ? { items: listed, deadline } : {}),
      });
      onDone(result);
    } catch (error) {
      setProblem(explainFailure(error));
      setWorking(false);
    }
  };
  return (
    <form class="stacked-form action-form" onSubmit={(event) => void submit(event)} noValidate>
      <h3>{tw(`action_${action}`)}</h3>
      {isSupplement && (
        <>
          <div class="field">
            <label for="supplement-items">{tw('supplementItems')}</label>
            <textarea
              id="supplement-items"
              rows={4}
              value={items}
              onInput={(event) => setItems(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="supplement-deadline">{tw('supplementDeadline')}</label>
            <input
              id="supplement-deadline"
              type="date"
              min={todayInVietnam()}
              value={deadline}
              onInput={(event) => setDeadline(event.currentTarget.value)}
            />
          </div>
        </>
      )}
      <div class="field">
        <label for="action-note">{needsReasons ? tw('reasons') : tw('note')}</label>
        <textarea
          id="action-note"
          rows={3}
          maxLength={2000}
          value={note}
          aria-required={needsReasons}
          onInput={(event) => setNote(event.currentTarget.value)}
        />
      </div>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      <p class="actions">
        <button type="submit" disabled={isWorking}>
          {isWorking ? tw('working') : tw('confirm')}
        </button>
        <button type="button" class="secondary" onClick={onCancel} disabled={isWorking}>
          {tw('cancel')}
        </button>
      </p>
    </form>
  );
}

/** The signed result document, attached before the approval (replaceable until then). */
function ResultUpload(props: {
  dossierId: string;
  current?: ResultDocument | null;
  onUploaded: () => void;
}) {
  const { dossierId, current, onUploaded } = props;
  const [state, setState] = useState<{ working: boolean; problem?: string }>({ working: false });
  const choose = async (file: File | undefined) => {
    if (!file) return;
    setState({ working: true });
    try {
      await uploadResult(dossierId, file);
      setState({ working: false });
      onUploaded();
    } catch (error) {
      setState({ working: false, problem: explainFailure(error) });
    }
  };
  return (
    <div class="result-document">
      <h3>{tw('resultDocument')}</h3>
      {current ? (
        <p>
          <a href={current.href} target="_blank" rel="noopener">
            {tw('resultUploaded', { name: current.fileName, size: formatFileSize(current.bytes) })}
          </a>
        </p>
      ) : (
        <p class="muted">{tw('resultNeeded')}</p>
      )}
      <div class="field">
        <label for="result-file">{tw('resultChoose')}</label>
        <input
          id="result-file"
          type="file"
          accept="application/pdf,image/jpeg,image/png"
          disabled={state.working}
          onChange={(event) => void choose(event.currentTarget.files?.[0])}
        />
      </div>
      {state.working && <p role="status">{tw('resultUploading')}</p>}
      {state.problem && (
        <p class="field-error" role="alert">
          {state.problem}
        </p>
      )}
    </div>
  );
}

function ActionDone(props: { action: StaffAction; result: ActionResult; dossierId: string }) {
  const { action, result, dossierId } = props;
  const message =
    action === 'receive' && result.code
      ? tw('done_receive', { code: result.code, due: result.dueAt ? time(result.dueAt) : '' })
      : tw('done_other', { action: tw(`action_${action}`), status: statusLabel(result.status) });
  useEffect(() => {
    document.getElementById('action-done')?.focus();
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>{result.code ?? tw('queueTitle')}</h1>
      <p id="action-done" class="notice" role="status" tabIndex={-1}>
        {message}
      </p>
      {action === 'receive' && result.code && (
        <p class="actions">
          <a class="button-link" href={workReceiptPath(dossierId)}>
            {tw('printReceipt')}
          </a>
          <a href={receiptPdfPath(dossierId)} target="_blank" rel="noopener">
            {tw('receiptPdf')}
          </a>
        </p>
      )}
      <p>
        <a href={WORK_PATH}>{tw('backToQueue')}</a>
      </p>
      <ProcessSheet rows={result.sheet} />
    </>
  );
}

/** The late agency's apology letter with a new date, once. */
function Apology({ detail, onChanged }: { detail: WorkDetail; onChanged: () => void }) {
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [state, setState] = useState<{ working?: boolean; problem?: string; done?: string }>({});
  const send = async (event: Event) => {
    event.preventDefault();
    if (!date || !reason.trim()) return setState({ problem: tw('needReasons') });
    setState({ working: true });
    try {
      // The new date's end of the working day, in Vietnam.
      const answer = await issueApology(detail.id, `${date}T17:00:00+07:00`, reason.trim());
      setState({ done: tw('apologyDone', { due: answer.dueAt ? time(answer.dueAt) : date }) });
      onChanged();
    } catch (error) {
      setState({ problem: explainFailure(error) });
    }
  };
  return (
    <section aria-labelledby="apology-heading">
      <h2 id="apology-heading">{tw('apology')}</h2>
      {state.done ? (
        <p role="status">{state.done}</p>
      ) : (
        <form class="stacked-form" onSubmit={(event) => void send(event)} noValidate>
          <p class="muted">{tw('apologyIntro')}</p>
          <div class="field">
            <label for="apology-date">{tw('apologyNewDate')}</label>
            <input
              id="apology-date"
              type="date"
              min={todayInVietnam()}
              value={date}
              onInput={(event) => setDate(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="apology-reason">{tw('apologyReason')}</label>
            <textarea
              id="apology-reason"
              rows={3}
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </div>
          {state.problem && (
            <p class="field-error" role="alert">
              {state.problem}
            </p>
          )}
          <button type="submit" disabled={state.working}>
            {tw('apologySend')}
          </button>
        </form>
      )}
    </section>
  );
}
