// Walk-in intake (tiếp nhận hồ sơ trực tiếp): the desk officer finds the citizen (or enters a
// new one), chooses the procedure and its case, fills the form with the citizen's answers,
// photographs the papers, and receives the dossier at once: its code, due date and receipt
// exist before the citizen leaves the counter. The form is the citizen's own (FormSections,
// useDocumentSlots, the shared rules); the photos travel as the citizen's do.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import {
  type AccountMatch,
  findAccounts,
  receiveAtCounter,
  type ReturnMethod,
} from '../../api/intake';
import type { FormField, FormSchema, Procedure } from '../../api/types';
import type { ActionResult } from '../../api/work';
import { findCommunes } from '../../db/catalogue-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { validateField, validateForm } from '../../lib/form-rules';
import { formatDateTime, todayInVietnam } from '../../lib/format';
import { localized, t } from '../../lib/i18n';
import { isOnline } from '../../lib/online';
import { uuidv7 } from '../../lib/uuid';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import {
  chosenVariant,
  currentVariants,
  documentsOf,
  errorsByField,
  errorTargetId,
  type FieldErrors,
  type FieldValue,
  fieldControlId,
  formData,
  formFields,
  type FormValues,
  formValues,
  type ShownError,
  slotErrorField,
  slotErrors,
} from '../apply/application';
import { readDraftFiles } from '../apply/DocumentSlotField';
import { errorMessage } from '../apply/error-messages';
import { ErrorLink, ErrorSummary } from '../apply/ErrorSummary';
import { type ChangeKind, FieldControl, inLanguage } from '../apply/FieldControl';
import { FormSections } from '../apply/FormSections';
import { ta } from '../apply/messages';
import { ReturnMethodPicker } from '../apply/ReturnMethodPicker';
import { useDocumentSlots } from '../apply/useDocumentSlots';
import { procedureName } from '../catalogue/labels';
import { searchCatalogue } from '../catalogue/search';
import { useCatalogueIndex } from '../catalogue/useCatalogue';
import { currentIdentity } from '../identity/identity';
import { explainFailure } from '../identity/explain';
import {
  APPLICANT,
  APPLICANT_FIELDS,
  type Applicant,
  applicantErrors,
  applicantFieldError,
  deskAgencies,
  intakeRequest,
  lookupQuery,
  type LookupQuery,
  newApplicant,
  orderIntakeErrors,
  PROCEDURE,
  problemErrors,
  type UploadTally,
  VARIANT,
} from './intake';
import { ti } from './intake-messages';
import {
  FilesRefused,
  forgetAbandonedPhotos,
  forgetCounterPhotos,
  waitForUploads,
} from './intake-uploads';
import { tw } from './messages';
import { ProcessSheet } from './ProcessSheet';
import { receiptPdfPath, WORK_PATH, workReceiptPath } from './routes';
import { StaffOnly } from './StaffOnly';

/** The errors that stay when the procedure changes. */
const APPLICANT_KEYS = new Set([APPLICANT, ...APPLICANT_FIELDS.map((field) => field.key)]);

const TARGETS: Record<string, string> = {
  [APPLICANT]: 'intake-lookup',
  [PROCEDURE]: 'intake-procedure',
  [VARIANT]: 'intake-variant',
};

export function IntakePage() {
  useDocumentTitle(ti('title'));
  return (
    <StaffOnly title={ti('title')}>
      <p>
        <a href={WORK_PATH}>← {tw('backToQueue')}</a>
      </p>
      <IntakeSession />
    </StaffOnly>
  );
}

interface Received {
  result: ActionResult;
  applicantName: string;
  procedure: Procedure;
}

/** One intake after another: each has its own id (the dossier's, and its photos' group). */
function IntakeSession() {
  const me = currentIdentity.value;
  const [intakeId, setIntakeId] = useState(uuidv7);
  const [received, setReceived] = useState<Received>();
  const desks = useMemo(() => deskAgencies(me?.roles ?? []), [me]);
  useEffect(() => {
    if (me) void forgetAbandonedPhotos(me.id, intakeId);
  }, [me?.id]);
  const firstIntake = useRef(intakeId);
  useEffect(() => {
    // The next intake starts at the top, like a new page (the router does that for pages).
    if (intakeId !== firstIntake.current) document.querySelector<HTMLElement>('main h1')?.focus();
  }, [intakeId]);
  if (!me) return null;
  if (received) {
    return (
      <ReceivedDossier
        {...received}
        onAnother={() => {
          setReceived(undefined);
          setIntakeId(uuidv7());
        }}
      />
    );
  }
  return (
    <>
      <h1 tabIndex={-1}>{ti('title')}</h1>
      <p class="lead">{ti('intro')}</p>
      {desks.length === 0 ? (
        <p>{ti('noDesk')}</p>
      ) : (
        <IntakeForm
          key={intakeId}
          accountId={me.id}
          intakeId={intakeId}
          desks={desks.map((grant) => ({
            code: grant.agencyCode ?? '',
            name: grant.agencyName ?? grant.agencyCode ?? '',
          }))}
          onReceived={setReceived}
        />
      )}
    </>
  );
}

type Lookup =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'found'; matches: AccountMatch[]; chosen?: AccountMatch }
  | { state: 'none'; query: string }
  | { state: 'failed'; message: string };

type Phase =
  | { kind: 'idle'; problem?: string; isReceivedAlready?: boolean }
  | { kind: 'checking' }
  | { kind: 'uploading'; tally: UploadTally }
  | { kind: 'sending' };

function IntakeForm(props: {
  accountId: string;
  intakeId: string;
  desks: { code: string; name: string }[];
  onReceived: (received: Received) => void;
}) {
  const { accountId, intakeId, desks, onReceived } = props;
  const today = todayInVietnam();
  const [deskCode, setDeskCode] = useState(desks[0]?.code ?? '');
  const [lookupText, setLookupText] = useState('');
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  const [applicantValues, setApplicantValues] = useState<FormValues>(() =>
    formValues([...APPLICANT_FIELDS], {}),
  );
  const [procedureQuery, setProcedureQuery] = useState('');
  const [procedureCode, setProcedureCode] = useState('');
  const [variantKey, setVariantKey] = useState<string>();
  const [values, setValues] = useState<FormValues>({});
  const valuesRef = useRef(values);
  const [returnMethod, setReturnMethod] = useState<ReturnMethod>('counter');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [isSummaryShown, setSummaryShown] = useState(false);
  const [summaryFocus, setSummaryFocus] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const waiting = useRef<AbortController>();

  const index = useCatalogueIndex();
  const communesResult = useLiveQuery(findCommunes, []);
  const communes = communesResult.isLoaded ? communesResult.value : [];
  const communeCodes = useMemo(() => new Set(communes.map((unit) => unit.code)), [communes]);
  const procedures = useMemo(
    () => (index ? searchCatalogue(index, procedureQuery) : []),
    [index, procedureQuery],
  );
  const procedure = index?.find((entry) => entry.procedure.code === procedureCode)?.procedure;
  const variants = useMemo(
    () => (procedure ? currentVariants(procedure, today) : []),
    [procedure, today],
  );
  const variant = chosenVariant(variants, variantKey);
  const schema = variant?.form;
  const fields = useMemo(() => (schema ? formFields(schema) : []), [schema]);

  const filesResult = useLiveQuery(
    () => readDraftFiles(accountId, intakeId),
    [accountId, intakeId],
  );
  const slotFiles = useDocumentSlots({
    holder: { draftId: intakeId },
    slots: schema?.documents ?? [],
    files: filesResult.isLoaded ? filesResult.value : undefined,
    setErrors,
    rule: 'clear-on-choice',
  });

  useEffect(() => {
    if (summaryFocus > 0) summaryRef.current?.focus();
  }, [summaryFocus]);
  useEffect(() => () => waiting.current?.abort(), []);

  function showError(key: string, error: ShownError | null) {
    setErrors((shown) => {
      if (!error && !shown[key]) return shown;
      const { [key]: _, ...rest } = shown;
      return error ? { ...rest, [key]: error } : rest;
    });
  }

  async function find(event: Event) {
    event.preventDefault();
    const query = lookupQuery(lookupText);
    if (!query) {
      setLookup({ state: 'idle' });
      showError(APPLICANT, { field: APPLICANT, code: 'lookup' });
      return;
    }
    setLookup({ state: 'searching' });
    try {
      const matches = await findAccounts(query);
      showError(APPLICANT, null);
      if (matches.length === 0) {
        startNewApplicant(query);
      } else {
        const only = matches.length === 1 ? matches[0] : undefined;
        setLookup({ state: 'found', matches, ...(only ? { chosen: only } : {}) });
      }
    } catch (error) {
      setLookup({ state: 'failed', message: explainFailure(error) });
    }
  }

  function startNewApplicant(query: LookupQuery) {
    const typed = 'phone' in query ? query.phone : query.cccd;
    setLookup({ state: 'none', query: typed });
    setApplicantValues((current) => ({
      ...current,
      ...('phone' in query ? { applicantPhone: query.phone } : { applicantCccd: query.cccd }),
    }));
  }

  function lookAgain() {
    setLookup({ state: 'idle' });
    setTimeout(() => document.getElementById('intake-lookup')?.focus());
  }

  function changeApplicant(field: FormField, value: FieldValue) {
    setApplicantValues((current) => ({ ...current, [field.key]: value }));
    if (errors[field.key]) showError(field.key, applicantFieldError(field, value, today));
  }

  function leaveApplicant(field: FormField) {
    showError(field.key, applicantFieldError(field, applicantValues[field.key] ?? '', today));
  }

  function chooseProcedure(code: string) {
    setProcedureCode(code);
    setVariantKey(undefined);
    // Answers to fields the next form also has stay; errors about the last form go.
    const chosen = index?.find((entry) => entry.procedure.code === code)?.procedure;
    const everyField = chosen
      ? currentVariants(chosen, today).flatMap((candidate) => formFields(candidate.form))
      : [];
    const next = formValues(everyField, valuesRef.current);
    valuesRef.current = next;
    setValues(next);
    setErrors((shown) =>
      Object.fromEntries(Object.entries(shown).filter(([key]) => APPLICANT_KEYS.has(key))),
    );
    setSummaryShown(false);
  }

  function checkField(field: FormField, value: FieldValue): ShownError | null {
    const data = formData([field], { [field.key]: value });
    return validateField(field, data[field.key], today, communeCodes);
  }

  function change(field: FormField, value: FieldValue, kind: ChangeKind) {
    const next = { ...valuesRef.current, [field.key]: value };
    valuesRef.current = next;
    setValues(next);
    // A field showing an error is checked as it is corrected; a choice once picked.
    if (errors[field.key] || (kind === 'pick' && field.type === 'choice')) {
      showError(field.key, checkField(field, value));
    }
  }

  function leave(field: FormField) {
    const value = valuesRef.current[field.key];
    if (value !== undefined) showError(field.key, checkField(field, value));
  }

  function showErrors(found: ShownError[]) {
    setErrors(errorsByField(found));
    setSummaryShown(true);
    setSummaryFocus((count) => count + 1);
  }

  function applicant(): { chosen?: Applicant; name: string; errors: ShownError[] } {
    if (lookup.state === 'found' && lookup.chosen) {
      return { chosen: { accountId: lookup.chosen.id }, name: lookup.chosen.fullName, errors: [] };
    }
    if (lookup.state === 'none') {
      const found = applicantErrors(applicantValues, today);
      const details = newApplicant(applicantValues);
      return { chosen: { applicant: details }, name: details.fullName, errors: found };
    }
    return { name: '', errors: [{ field: APPLICANT, code: 'required' }] };
  }

  async function receive(event: Event) {
    event.preventDefault();
    if (phase.kind !== 'idle') return;
    setPhase({ kind: 'checking' });
    // Photos still being compressed belong to the dossier: wait for them, then read them.
    await slotFiles.allStored();
    let stored: Awaited<ReturnType<typeof readDraftFiles>>;
    try {
      stored = await readDraftFiles(accountId, intakeId);
    } catch (error) {
      setPhase({ kind: 'idle', problem: ti('failed', { reason: explainFailure(error) }) });
      return;
    }
    const who = applicant();
    const data = formData(fields, valuesRef.current);
    const found = [
      ...who.errors,
      ...(procedure ? [] : [{ field: PROCEDURE, code: 'required' }]),
      ...(procedure && !variant ? [{ field: VARIANT, code: 'required' }] : []),
      ...(schema
        ? [
            ...validateForm(schema, data, { today, communes: communeCodes }),
            ...slotErrors(schema.documents ?? [], stored),
          ]
        : []),
    ];
    if (found.length > 0 || !who.chosen || !procedure || !variant || !schema) {
      showErrors(found);
      setPhase({ kind: 'idle' });
      return;
    }
    setErrors({});
    setSummaryShown(false);
    if (!isOnline.value) {
      setPhase({ kind: 'idle', problem: ti('offline') });
      return;
    }
    const documents = documentsOf(schema.documents ?? [], stored);
    const ids = Object.values(documents).flat();
    const controller = new AbortController();
    waiting.current = controller;
    try {
      setPhase({ kind: 'uploading', tally: { done: 0, total: ids.length, refused: [] } });
      await waitForUploads(
        accountId,
        ids,
        (tally) => setPhase({ kind: 'uploading', tally }),
        controller.signal,
      );
      setPhase({ kind: 'sending' });
      const result = await receiveAtCounter(
        intakeRequest({
          dossierId: intakeId,
          agencyCode: deskCode,
          procedureCode: procedure.code,
          variantKey: variant.key,
          fields: data,
          documents,
          applicant: who.chosen,
          returnMethod,
        }),
      );
      void forgetCounterPhotos(accountId, intakeId);
      onReceived({ result, applicantName: who.name, procedure });
    } catch (error) {
      if (controller.signal.aborted) return setPhase({ kind: 'idle' });
      if (error instanceof FilesRefused) {
        const refusedSlots = Object.entries(documents).filter(([, inSlot]) =>
          inSlot.some((id) => error.ids.includes(id)),
        );
        showErrors(
          refusedSlots.map(([key]) => ({ field: slotErrorField(key), code: 'file_refused' })),
        );
        return setPhase({ kind: 'idle' });
      }
      const refusal = serverRefusal(error);
      if (refusal.errors.length > 0) showErrors(refusal.errors);
      setPhase({
        kind: 'idle',
        ...(refusal.message ? { problem: ti('failed', { reason: refusal.message }) } : {}),
        ...(refusal.isReceivedAlready ? { isReceivedAlready: true } : {}),
      });
    } finally {
      waiting.current = undefined;
    }
  }

  const summary = isSummaryShown ? orderIntakeErrors(schema, Object.values(errors)) : [];
  const isBusy = phase.kind !== 'idle';
  return (
    <>
      {summary.length > 0 && (
        <ErrorSummary refTo={summaryRef} count={summary.length}>
          <ul>
            {summary.map((error) => (
              <SummaryItem key={error.field} error={error} schema={schema} />
            ))}
          </ul>
        </ErrorSummary>
      )}
      {desks.length > 1 && (
        <div class="field">
          <label for="intake-desk">{ti('desk')}</label>
          <select id="intake-desk" onChange={(event) => setDeskCode(event.currentTarget.value)}>
            {desks.map((desk) => (
              <option key={desk.code} value={desk.code} selected={desk.code === deskCode}>
                {desk.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <section class="form-section" aria-labelledby="intake-applicant-heading">
        <h2 id="intake-applicant-heading">{ti('applicantTitle')}</h2>
        <ApplicantLookup
          text={lookupText}
          lookup={lookup}
          error={errors[APPLICANT]}
          onText={setLookupText}
          onFind={(event) => void find(event)}
          onChoose={(match) =>
            lookup.state === 'found' && setLookup({ ...lookup, chosen: match })
          }
          onAgain={lookAgain}
        />
        {lookup.state === 'none' && (
          <fieldset class="form-section" aria-label={ti('applicantTitle')}>
            {APPLICANT_FIELDS.map((field) => (
              <FieldControl
                key={field.key}
                field={field}
                value={applicantValues[field.key] ?? ''}
                error={errors[field.key]}
                communes={[]}
                today={today}
                onValue={(value) => changeApplicant(field, value)}
                onLeave={() => leaveApplicant(field)}
              />
            ))}
          </fieldset>
        )}
      </section>
      <form
        id="intake-form"
        class="application-form"
        noValidate
        onSubmit={(event) => void receive(event)}
      >
        <section class="form-section" aria-labelledby="intake-procedure-heading">
          <h2 id="intake-procedure-heading">{ti('procedureTitle')}</h2>
          {!index ? (
            <p role="status">{t('loading')}</p>
          ) : (
            <ProcedurePicker
              query={procedureQuery}
              procedures={procedures}
              chosen={procedureCode}
              error={errors[PROCEDURE]}
              onQuery={setProcedureQuery}
              onChoose={chooseProcedure}
            />
          )}
          {procedure && variants.length === 0 && <p>{ti('noForm')}</p>}
          {variants.length > 1 && (
            <div class={errors[VARIANT] ? 'field has-error' : 'field'}>
              <label for="intake-variant">{ti('variant')}</label>
              <ShownErrorText id="intake-variant-error" error={errors[VARIANT]} />
              <select
                id="intake-variant"
                aria-invalid={errors[VARIANT] ? true : undefined}
                aria-describedby={errors[VARIANT] ? 'intake-variant-error' : undefined}
                onChange={(event) => {
                  setVariantKey(event.currentTarget.value || undefined);
                  showError(VARIANT, null);
                }}
              >
                <option value="" selected={!variant}>
                  {ta('choosePlaceholder')}
                </option>
                {variants.map((candidate) => (
                  <option
                    key={candidate.key}
                    value={candidate.key}
                    selected={candidate.key === variant?.key}
                  >
                    {localized(candidate.name, candidate.nameEn)}
                  </option>
                ))}
              </select>
            </div>
          )}
        </section>
        {schema && (
          <>
            <p class="muted">{ta('requiredNote')}</p>
            <FormSections
              schema={schema}
              values={values}
              errors={errors}
              communes={communes}
              today={today}
              onValue={change}
              onLeave={leave}
              slotFiles={slotFiles}
            />
            <ReturnMethodPicker chosen={returnMethod} onChoose={setReturnMethod} />
          </>
        )}
        <PhaseStatus phase={phase} onStop={() => waiting.current?.abort()} />
        {phase.kind === 'idle' && phase.problem && (
          <div class="task-error" role="alert">
            <p>{phase.problem}</p>
            {phase.isReceivedAlready && (
              <p class="actions">
                <a href={workReceiptPath(intakeId)}>{tw('printReceipt')}</a>
              </p>
            )}
          </div>
        )}
        <button type="submit" class="submit-button" disabled={isBusy}>
          {ti('receive')}
        </button>
      </form>
    </>
  );
}

/** What the server said: errors to put beside fields, or a message about the whole intake. */
function serverRefusal(error: unknown): {
  errors: ShownError[];
  message?: string;
  isReceivedAlready?: boolean;
} {
  if (!(error instanceof ApiError)) return { errors: [], message: explainFailure(error) };
  const reason = (error.problem as { reason?: unknown } | undefined)?.reason;
  if (error.status === 422) {
    const errors = problemErrors(error.problem);
    if (errors.length > 0) return { errors };
  }
  if (error.status === 404) return { errors: [{ field: APPLICANT, code: 'not_found' }] };
  if (error.status === 403) return { errors: [], message: ti('notYourDesk') };
  if (reason === 'phone_of_staff' || reason === 'phone_of_another_person') {
    return { errors: [{ field: 'applicantPhone', code: reason }] };
  }
  if (reason === 'cccd_of_another_account') {
    return { errors: [{ field: 'applicantCccd', code: reason }] };
  }
  if (reason === 'already_exists') {
    return { errors: [], message: ti('alreadyReceived'), isReceivedAlready: true };
  }
  if (reason === 'procedure_without_route') return { errors: [], message: ti('noRoute') };
  return { errors: [], message: explainFailure(error) };
}

/** The words for an error on the intake page: its own parts, the applicant's and the form's. */
function intakeErrorMessage(error: ShownError, schema: FormSchema | undefined): string {
  if (error.field === APPLICANT) {
    if (error.code === 'lookup') return ti('lookupInvalid');
    return error.code === 'not_found' ? ti('accountGone') : ti('applicantRequired');
  }
  if (error.field === PROCEDURE || error.field === VARIANT) {
    if (error.code !== 'required') return ti('noLongerOffered');
    return error.field === PROCEDURE ? ti('procedureRequired') : ti('variantRequired');
  }
  if (error.code === 'phone_of_staff') return ti('phoneOfStaff');
  if (error.code === 'phone_of_another_person') return ti('phoneOfAnotherPerson');
  if (error.code === 'cccd_of_another_account') return ti('cccdOfAnotherAccount');
  const field =
    APPLICANT_FIELDS.find((candidate) => candidate.key === error.field) ??
    (schema ? formFields(schema).find((candidate) => candidate.key === error.field) : undefined);
  return errorMessage(error, field);
}

function SummaryItem({ error, schema }: { error: ShownError; schema: FormSchema | undefined }) {
  const applicantField = APPLICANT_FIELDS.find((field) => field.key === error.field);
  const section = schema?.sections.find((s) => s.fields.some((f) => f.key === error.field));
  const field = section?.fields.find((f) => f.key === error.field);
  const slot = schema?.documents?.find((s) => slotErrorField(s.key) === error.field);
  const subject =
    error.field === APPLICANT
      ? ti('applicantTitle')
      : error.field === PROCEDURE
        ? ti('procedureTitle')
        : error.field === VARIANT
          ? ti('variant')
          : applicantField
            ? inLanguage(applicantField.label)
            : field && section
              ? `${inLanguage(section.title)} — ${inLanguage(field.label)}`
              : slot
                ? inLanguage(slot.name)
                : error.field;
  const target =
    TARGETS[error.field] ??
    (applicantField
      ? fieldControlId(applicantField)
      : schema && (field || slot)
        ? errorTargetId(schema, error)
        : undefined);
  const text = `${subject}: ${intakeErrorMessage(error, schema)}`;
  if (!target) return <li>{text}</li>;
  return (
    <li>
      <ErrorLink target={target}>{text}</ErrorLink>
    </li>
  );
}

function ShownErrorText({ id, error }: { id: string; error: ShownError | undefined }) {
  return error ? (
    <p id={id} class="field-error">
      <span class="visually-hidden">{ta('errorPrefix')} </span>
      {intakeErrorMessage(error, undefined)}
    </p>
  ) : null;
}

function ApplicantLookup(props: {
  text: string;
  lookup: Lookup;
  error: ShownError | undefined;
  onText: (text: string) => void;
  onFind: (event: Event) => void;
  onChoose: (match: AccountMatch) => void;
  onAgain: () => void;
}) {
  const { text, lookup, error, onText, onFind, onChoose, onAgain } = props;
  if (lookup.state === 'found' && lookup.chosen) {
    const { chosen } = lookup;
    return (
      <div class="notice" role="status">
        <p>{ti('found')}</p>
        <p class="item-title">{chosen.fullName}</p>
        <p class="muted">
          {ti('phoneMasked', { phone: chosen.phoneMasked })}
          {chosen.cccdMasked && ` · ${ti('cccdMasked', { cccd: chosen.cccdMasked })}`}
        </p>
        <button type="button" class="secondary" onClick={onAgain}>
          {ti('lookupAgain')}
        </button>
      </div>
    );
  }
  const hintIds = ['intake-lookup-hint', error && 'intake-lookup-error'].filter(Boolean).join(' ');
  return (
    <>
      <form class="stacked-form" onSubmit={onFind} noValidate>
        <div class={error ? 'field has-error' : 'field'}>
          <label for="intake-lookup">{ti('lookup')}</label>
          <p id="intake-lookup-hint" class="field-hint">
            {ti('lookupHint')}
          </p>
          <ShownErrorText id="intake-lookup-error" error={error} />
          <input
            id="intake-lookup"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            value={text}
            aria-invalid={error ? true : undefined}
            aria-describedby={hintIds}
            onInput={(event) => onText(event.currentTarget.value)}
          />
        </div>
        <button type="submit" class="secondary" disabled={lookup.state === 'searching'}>
          {ti('lookupButton')}
        </button>
      </form>
      <div role="status">
        {lookup.state === 'searching' && <p>{ti('lookingUp')}</p>}
        {lookup.state === 'none' && <p>{ti('notFound', { query: lookup.query })}</p>}
      </div>
      {lookup.state === 'failed' && (
        <p class="field-error" role="alert">
          {lookup.message}
        </p>
      )}
      {lookup.state === 'found' && (
        <>
          <p>{ti('foundSeveral', { count: lookup.matches.length })}</p>
          <ul class="item-list">
            {lookup.matches.map((match) => (
              <li key={match.id} class="item">
                <p class="item-title">{match.fullName}</p>
                <p class="muted">
                  {ti('phoneMasked', { phone: match.phoneMasked })}
                  {match.cccdMasked && ` · ${ti('cccdMasked', { cccd: match.cccdMasked })}`}
                </p>
                <button type="button" onClick={() => onChoose(match)}>
                  {ti('choose', { name: match.fullName })}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function ProcedurePicker(props: {
  query: string;
  procedures: Procedure[];
  chosen: string;
  error: ShownError | undefined;
  onQuery: (query: string) => void;
  onChoose: (code: string) => void;
}) {
  const { query, procedures, chosen, error, onQuery, onChoose } = props;
  // The chosen procedure stays an option while the search looks for another.
  const isChosenListed = !chosen || procedures.some((procedure) => procedure.code === chosen);
  return (
    <>
      <div class="field">
        <label for="intake-procedure-search">{ti('procedureSearch')}</label>
        <input
          id="intake-procedure-search"
          type="search"
          autoComplete="off"
          value={query}
          aria-describedby="intake-procedure-count"
          onInput={(event) => onQuery(event.currentTarget.value)}
        />
        <p id="intake-procedure-count" class="field-hint" aria-live="polite">
          {procedures.length === 0
            ? ti('noProcedure')
            : ti('procedureCount', { count: procedures.length })}
        </p>
      </div>
      <div class={error ? 'field has-error' : 'field'}>
        <label for="intake-procedure">{ti('procedure')}</label>
        <ShownErrorText id="intake-procedure-error" error={error} />
        <select
          id="intake-procedure"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'intake-procedure-error' : undefined}
          onChange={(event) => onChoose(event.currentTarget.value)}
        >
          <option value="" selected={!chosen}>
            {ta('choosePlaceholder')}
          </option>
          {!isChosenListed && (
            <option value={chosen} selected>
              {chosen}
            </option>
          )}
          {procedures.map((procedure) => (
            <option
              key={procedure.code}
              value={procedure.code}
              selected={procedure.code === chosen}
            >
              {procedure.code} — {procedureName(procedure)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

function PhaseStatus({ phase, onStop }: { phase: Phase; onStop: () => void }) {
  return (
    <div class="task-progress" role="status">
      {phase.kind === 'uploading' && (
        <p>
          {ti('uploading', { done: phase.tally.done, total: phase.tally.total })}{' '}
          <progress max={phase.tally.total || 1} value={phase.tally.done} />{' '}
          <button type="button" class="secondary" onClick={onStop}>
            {ti('stopWaiting')}
          </button>
        </p>
      )}
      {phase.kind === 'sending' && <p>{ti('sending')}</p>}
    </div>
  );
}

function ReceivedDossier(props: Received & { onAnother: () => void }) {
  const { result, applicantName, procedure, onAnother } = props;
  const code = result.code ?? '';
  const due = result.dueAt ? formatDateTime(new Date(result.dueAt)) : '';
  useDocumentTitle(code);
  useEffect(() => {
    document.getElementById('intake-done')?.focus();
  }, []);
  const { step } = result;
  return (
    <>
      <h1 tabIndex={-1}>{code}</h1>
      <p id="intake-done" class="notice" role="status" tabIndex={-1}>
        {tw('done_receive', { code, due })}
      </p>
      <dl class="summary">
        <Fact term={ti('receivedFor')}>{applicantName}</Fact>
        <Fact term={ti('procedureOf')}>{procedureName(procedure)}</Fact>
        {result.dueAt && <Fact term={tw('resultDue')}>{due}</Fact>}
        {step && (
          <Fact term={ti('nextStep')}>
            {localized(step.name, step.nameEn)} — {step.agencyName}
          </Fact>
        )}
      </dl>
      <p class="actions">
        <a class="button-link" href={workReceiptPath(result.id)}>
          {tw('printReceipt')}
        </a>
        <a href={receiptPdfPath(result.id)} target="_blank" rel="noopener">
          {tw('receiptPdf')}
        </a>
      </p>
      <p class="actions">
        <button type="button" onClick={onAnother}>
          {ti('another')}
        </button>
        <a href={WORK_PATH}>{tw('backToQueue')}</a>
      </p>
      <ProcessSheet rows={result.sheet} />
    </>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
