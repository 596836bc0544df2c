import { useLocation } from 'preact-iso';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FormField, FormSchema, Procedure, Variant } from '../../api/types';
import { accountDb, type EntityRow, findEntity } from '../../db/account-db';
import type { AdministrativeUnit } from '../../db/catalogue-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { validateField, validateForm } from '../../lib/form-rules';
import { formatDateTime } from '../../lib/format';
import { localized } from '../../lib/i18n';
import { saveDraft } from '../../sync/drafts';
import {
  findSubmissionRefusal,
  type SubmissionRefusal,
  submitApplication,
} from '../../sync/submissions';
import {
  chosenVariant,
  documentsOf,
  errorsByField,
  errorTargetId,
  type FieldErrors,
  type FieldValue,
  formData,
  formFields,
  type FormValues,
  formValues,
  orderErrors,
  type ShownError,
  slotErrorField,
  slotErrors,
} from './application';
import { readDraftFiles } from './DocumentSlotField';
import { errorMessage, refusalReason } from './error-messages';
import { ErrorLink, ErrorSummary } from './ErrorSummary';
import { type ChangeKind, inLanguage } from './FieldControl';
import { FormSections } from './FormSections';
import { InstallInvitation } from './InstallInvitation';
import { ta } from './messages';
import { type ReturnMethod, ReturnMethodPicker } from './ReturnMethodPicker';
import { type SaveState, useAutosave } from './useAutosave';
import { useDocumentSlots } from './useDocumentSlots';

interface Props {
  procedure: Procedure;
  /** The variants in force: one, or several for the citizen to choose from. */
  variants: Variant[];
  accountId: string;
  draftId: string;
  /** The draft as stored on the device now (undefined before its first save). */
  row: EntityRow<'draft'> | undefined;
  communes: AdministrativeUnit[];
  today: string;
}

/** Every field of every variant once (a key keeps its first field), for values across them. */
function allFields(variants: Variant[]): FormField[] {
  const byKey = new Map<string, FormField>();
  for (const field of variants.flatMap((variant) => formFields(variant.form))) {
    if (!byKey.has(field.key)) byKey.set(field.key, field);
  }
  return [...byKey.values()];
}

/**
 * The application form of one draft: fields by the chosen variant's schema, its document
 * slots, autosave to the device, and submission (queued on the device, so offline too).
 */
export function ApplicationForm(props: Props) {
  const { procedure, variants, accountId, draftId, row, communes, today } = props;
  const { route } = useLocation();
  const stored = row?.data ?? undefined;
  const everyField = useMemo(() => allFields(variants), [variants]);

  // The latest values live in refs too: a pick saves at once, before the next render.
  const [values, setValuesState] = useState<FormValues>(() =>
    formValues(everyField, stored?.fields ?? {}),
  );
  const valuesRef = useRef(values);
  const [variantKey, setVariantKeyState] = useState(
    () => chosenVariant(variants, stored?.variantKey)?.key,
  );
  const variantKeyRef = useRef(variantKey);
  const variant = variants.find((candidate) => candidate.key === variantKey);
  const schema = variant?.form;
  const fields = useMemo(() => (schema ? formFields(schema) : []), [schema]);
  const communeCodes = useMemo(() => new Set(communes.map((unit) => unit.code)), [communes]);

  const [errors, setErrors] = useState<FieldErrors>({});
  const [isSummaryShown, setSummaryShown] = useState(false);
  const [summaryFocus, setSummaryFocus] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [returnMethod, setReturnMethod] = useState<ReturnMethod>('counter');
  const [submitState, setSubmitState] = useState<{ isSubmitting: boolean; problem?: string }>({
    isSubmitting: false,
  });

  const hasRow = useRef(row !== undefined);
  const autosave = useAutosave(async () => {
    const key = variantKeyRef.current;
    const chosen = variants.find((candidate) => candidate.key === key);
    if (!chosen) return;
    const data = formData(formFields(chosen.form), valuesRef.current);
    await saveDraft(procedure.code, data, { draftId, variantKey: chosen.key });
    hasRow.current = true;
  });

  const filesResult = useLiveQuery(() => readDraftFiles(accountId, draftId), [accountId, draftId]);
  const refusal = useLiveQuery(
    () => findSubmissionRefusal(accountId, draftId),
    [accountId, draftId],
  );

  // The server's refusal of the last submission: its notice lists the errors, and each goes on
  // its field until the citizen changes it.
  const refusalValue = refusal.isLoaded ? refusal.value : undefined;
  useEffect(() => {
    if (!refusalValue || refusalValue.errors.length === 0) return;
    setErrors((shown) => ({ ...errorsByField(refusalValue.errors), ...shown }));
  }, [JSON.stringify(refusalValue)]);

  useAdoptServerMerge(accountId, draftId, row, everyField, valuesRef, autosave.isSettled, (next) =>
    setValues(next),
  );

  // Slot errors already shown follow the files as the citizen adds and removes them.
  const slotFiles = useDocumentSlots({
    holder: { draftId },
    slots: schema?.documents ?? [],
    // Without a variant there are no slots to keep in step.
    files: schema && filesResult.isLoaded ? filesResult.value : undefined,
    prepare: ensureDraftSaved,
    setErrors,
    rule: 'follow-shown',
  });

  useEffect(() => {
    if (summaryFocus > 0) summaryRef.current?.focus();
  }, [summaryFocus]);

  function setValues(next: FormValues) {
    valuesRef.current = next;
    setValuesState(next);
  }

  function checkField(field: FormField, value: FieldValue): ShownError | null {
    const data = formData([field], { [field.key]: value });
    return validateField(field, data[field.key], today, communeCodes);
  }

  function showFieldError(key: string, error: ShownError | null) {
    setErrors((shown) => {
      if (!error && !shown[key]) return shown;
      const { [key]: _, ...rest } = shown;
      return error ? { ...rest, [key]: error } : rest;
    });
  }

  function change(field: FormField, value: FieldValue, kind: ChangeKind) {
    setValues({ ...valuesRef.current, [field.key]: value });
    // A field showing an error is checked as it is corrected; others wait for the blur, but a
    // choice is complete once picked.
    const isComplete = kind === 'pick' && field.type === 'choice';
    if (errors[field.key] || isComplete) showFieldError(field.key, checkField(field, value));
    autosave.changed(kind === 'pick' ? 0 : undefined);
  }

  function leave(field: FormField) {
    const value = valuesRef.current[field.key];
    if (value !== undefined) showFieldError(field.key, checkField(field, value));
    void autosave.flush();
  }

  function chooseVariant(key: string) {
    variantKeyRef.current = key;
    setVariantKeyState(key);
    setErrors({});
    setSummaryShown(false);
    autosave.changed(0);
  }

  /** Attachments belong to a draft the server knows: save it first if it never was. */
  async function ensureDraftSaved() {
    if (!hasRow.current) autosave.changed(0);
    await autosave.flush();
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (submitState.isSubmitting || !schema || !variant) return;
    setSubmitState({ isSubmitting: true });
    try {
      // Files still being compressed belong to the application: wait for them, then read them.
      await slotFiles.allStored();
      const storedFiles = await readDraftFiles(accountId, draftId);
      const data = formData(fields, valuesRef.current);
      const found = [
        ...validateForm(schema, data, { today, communes: communeCodes }),
        ...slotErrors(schema.documents ?? [], storedFiles),
      ];
      if (found.length > 0) {
        setErrors(errorsByField(found));
        setSummaryShown(true);
        setSubmitState({ isSubmitting: false });
        setSummaryFocus((count) => count + 1);
        return;
      }
      setErrors({});
      setSummaryShown(false);
      await autosave.flush();
      const dossierId = await submitApplication({
        draftId,
        procedureCode: procedure.code,
        variantKey: variant.key,
        fields: data,
        documents: documentsOf(schema.documents ?? [], storedFiles),
        returnMethod,
      });
      route(`/dossiers/${encodeURIComponent(dossierId)}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : '?';
      setSubmitState({ isSubmitting: false, problem: ta('submitFailed', { reason }) });
    }
  }

  const summary = schema && isSummaryShown ? orderErrors(schema, Object.values(errors)) : [];
  return (
    <>
      <InstallInvitation />
      <p class="lead">{ta('intro')}</p>
      {refusalValue && <RefusalNotice refusal={refusalValue} schema={schema} />}
      {row?.conflicts?.length ? (
        <ConflictNotes conflicts={row.conflicts} fields={everyField} />
      ) : null}
      {schema && summary.length > 0 && (
        <ErrorSummary refTo={summaryRef} count={summary.length}>
          <ErrorList schema={schema} errors={summary} />
        </ErrorSummary>
      )}
      <form id="application-form" class="application-form" noValidate onSubmit={submit}>
        <p class="muted">{ta('requiredNote')}</p>
        {variants.length > 1 && (
          <VariantPicker variants={variants} chosen={variantKey} onChoose={chooseVariant} />
        )}
        {schema && (
          <>
            <FormSections
              schema={schema}
              values={values}
              errors={errors}
              communes={communes}
              today={today}
              onValue={change}
              onLeave={leave}
              slotFiles={slotFiles}
              documentsHint={ta('documentsIntro')}
            />
            <ReturnMethodPicker chosen={returnMethod} onChoose={setReturnMethod} />
            <SaveStatus state={autosave.state} storedAt={stored?.updatedAt} />
            {submitState.problem && (
              <p class="task-error" role="alert">
                {submitState.problem}
              </p>
            )}
            <p class="field-hint">{ta('submitOffline')}</p>
            <button type="submit" class="submit-button" disabled={submitState.isSubmitting}>
              {submitState.isSubmitting ? ta('submitting') : ta('submit')}
            </button>
          </>
        )}
      </form>
    </>
  );
}

/**
 * When the server's merge of the draft arrives (no local change waiting), show its values:
 * where both sides changed a field, the server's value won, and the form must say so.
 */
function useAdoptServerMerge(
  accountId: string,
  draftId: string,
  row: EntityRow<'draft'> | undefined,
  fields: FormField[],
  valuesRef: { current: FormValues },
  isSettled: () => boolean,
  adopt: (values: FormValues) => void,
) {
  const adoptedVersion = useRef(row?.version ?? 0);
  useEffect(() => {
    if (!row?.data || row.pendingMutationId !== undefined) return;
    if (row.version <= adoptedVersion.current || !isSettled()) return;
    const server = row.data.fields;
    // The row this render saw may be older than a save that finished since (a live query
    // answers a little later): adopt only what the device holds now, with no save of this
    // draft waiting, or the citizen's last change would be undone.
    void isServerCopyCurrent(accountId, draftId, row.version).then((isCurrent) => {
      if (!isCurrent || !isSettled() || row.version <= adoptedVersion.current) return;
      adoptedVersion.current = row.version;
      const ours = formData(fields, valuesRef.current);
      const theirs = formData(fields, formValues(fields, server));
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) adopt(formValues(fields, server));
    });
  }, [row?.version, row?.pendingMutationId]);
}

/** The device's draft row is the server's `version`, and no save of the draft is queued. */
async function isServerCopyCurrent(
  accountId: string,
  draftId: string,
  version: number,
): Promise<boolean> {
  const db = accountDb(accountId);
  const [current, waiting] = await Promise.all([
    findEntity(db, 'draft', draftId),
    db.outbox
      .filter((item) => item.name === 'draft.save' && item.args['draftId'] === draftId)
      .count(),
  ]);
  return (
    current?.version === version && current.pendingMutationId === undefined && waiting === 0
  );
}

/** Each error with the field it is about; a link to the field when the form has it. */
function ErrorList({ schema, errors }: { schema: FormSchema | undefined; errors: ShownError[] }) {
  const sections = schema?.sections ?? [];
  const fields = new Map(
    sections.flatMap((section) => section.fields.map((field) => [field.key, field] as const)),
  );
  const sectionOf = new Map(
    sections.flatMap((section) => section.fields.map((field) => [field.key, section] as const)),
  );
  const slots = new Map((schema?.documents ?? []).map((slot) => [slotErrorField(slot.key), slot]));
  return (
    <ul>
      {errors.map((error) => {
        const field = fields.get(error.field);
        const slot = slots.get(error.field);
        const section = sectionOf.get(error.field);
        const subject = field
          ? `${section ? `${inLanguage(section.title)} — ` : ''}${inLanguage(field.label)}`
          : slot
            ? inLanguage(slot.name)
            : error.field;
        const text = `${subject}: ${errorMessage(error, field)}`;
        if (!schema || (!field && !slot)) return <li key={error.field}>{text}</li>;
        const target = errorTargetId(schema, error);
        return (
          <li key={error.field}>
            <ErrorLink target={target}>{text}</ErrorLink>
          </li>
        );
      })}
    </ul>
  );
}

function VariantPicker({
  variants,
  chosen,
  onChoose,
}: {
  variants: Variant[];
  chosen: string | undefined;
  onChoose: (key: string) => void;
}) {
  return (
    <fieldset class="field choice-group variant-picker">
      <legend>
        {ta('chooseVariant')}
        <span class="required-mark" aria-hidden="true">
          {' *'}
        </span>
      </legend>
      <p class="field-hint" id="variant-hint">
        {ta('chooseVariantHint')}
      </p>
      {variants.map((variant) => {
        const id = `variant-${variant.key}`;
        return (
          <div class="choice" key={variant.key}>
            <input
              id={id}
              type="radio"
              name="variant"
              value={variant.key}
              checked={variant.key === chosen}
              required
              aria-describedby="variant-hint"
              onChange={() => onChoose(variant.key)}
            />
            <label for={id}>{localized(variant.name, variant.nameEn)}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

/** Where the draft stands on the device; a resumed draft shows when it was last saved. */
function SaveStatus({ state, storedAt }: { state: SaveState; storedAt: string | undefined }) {
  let message = storedAt ? ta('savedAt', { time: formatDateTime(new Date(storedAt)) }) : '';
  if (state.status === 'saved') message = ta('savedAt', { time: formatDateTime(state.at) });
  if (state.status === 'failed') message = ta('saveFailed', { reason: state.reason });
  return (
    <p class={state.status === 'failed' ? 'save-status field-error' : 'save-status'} role="status">
      {message}
    </p>
  );
}

function RefusalNotice({
  refusal,
  schema,
}: {
  refusal: SubmissionRefusal;
  schema: FormSchema | undefined;
}) {
  const errors = schema ? orderErrors(schema, refusal.errors) : refusal.errors;
  return (
    <aside class="notice refusal-notice" aria-labelledby="refusal-heading">
      <h2 id="refusal-heading">{ta('refusedTitle')}</h2>
      <p>{refusalReason(refusal.reason)}</p>
      {errors.length > 0 && <ErrorList schema={schema} errors={errors} />}
      <p>{ta('refusedFix')}</p>
    </aside>
  );
}

function ConflictNotes({
  conflicts,
  fields,
}: {
  conflicts: NonNullable<EntityRow['conflicts']>;
  fields: FormField[];
}) {
  const labelOf = (key: string) => {
    const field = fields.find((candidate) => candidate.key === key);
    return field ? inLanguage(field.label) : key;
  };
  const shown = (value: unknown) => {
    if (value === undefined || value === null || value === '') return ta('emptyValue');
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  return (
    <aside class="notice" aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading">{ta('conflictsTitle')}</h2>
      <ul>
        {conflicts.map((conflict) => (
          <li key={conflict.field}>
            {ta('conflict', {
              field: labelOf(conflict.field),
              server: shown(conflict.serverValue),
            })}
          </li>
        ))}
      </ul>
    </aside>
  );
}
