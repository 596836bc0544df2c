import type { ComponentChildren } from 'preact';
import type { FormField, LocalizedText } from '../../api/types';
import type { AdministrativeUnit } from '../../db/catalogue-db';
import { language } from '../../lib/i18n';
import {
  type AddressValue,
  type FieldValue,
  fieldControlId,
  fieldErrorId,
  isRadioChoice,
  type ShownError,
} from './application';
import { errorMessage } from './error-messages';
import { ta } from './messages';

/** A schema text in the UI language (Vietnamese when no English is given). */
export const inLanguage = ({ vi, en }: LocalizedText): string =>
  language.value === 'en' && en ? en : vi;

/** How a change came: typing (saved after a pause) or a pick (saved at once). */
export type ChangeKind = 'typing' | 'pick';

interface Props {
  field: FormField;
  value: FieldValue;
  error: ShownError | undefined;
  communes: AdministrativeUnit[];
  today: string;
  onValue: (value: FieldValue, kind: ChangeKind) => void;
  /** Focus left the field: check it and save. */
  onLeave: () => void;
}

const EMPTY_ADDRESS: AddressValue = { communeCode: '', detail: '' };

/** One field of the application form, its label, help and error tied to its control. */
export function FieldControl(props: Props) {
  const { field } = props;
  if (field.type === 'address') return <AddressField {...props} />;
  if (field.type === 'choice') {
    return isRadioChoice(field) ? <RadioField {...props} /> : <SelectField {...props} />;
  }
  return <InputField {...props} />;
}

function RequiredMark({ field }: { field: FormField }) {
  // Announced through the control's `required`; the mark is for the eye (see requiredNote).
  return field.required ? (
    <span class="required-mark" aria-hidden="true">
      {' *'}
    </span>
  ) : null;
}

function Help({ field }: { field: FormField }) {
  return field.help ? (
    <p id={`field-${field.key}-hint`} class="field-hint">
      {inLanguage(field.help)}
    </p>
  ) : null;
}

function ErrorText({ field, error }: { field: FormField; error: ShownError | undefined }) {
  return error ? (
    <p id={fieldErrorId(field.key)} class="field-error">
      <span class="visually-hidden">{ta('errorPrefix')} </span>
      {errorMessage(error, field)}
    </p>
  ) : null;
}

function describedBy(field: FormField, error: ShownError | undefined): string | undefined {
  const ids = [field.help && `field-${field.key}-hint`, error && fieldErrorId(field.key)];
  return ids.filter(Boolean).join(' ') || undefined;
}

function Field({
  field,
  error,
  children,
}: {
  field: FormField;
  error: ShownError | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <div class="field-label">
        {/* The label holds the schema's words only, so the control is found by them. */}
        <label for={fieldControlId(field)}>{inLanguage(field.label)}</label>
        <RequiredMark field={field} />
      </div>
      <Help field={field} />
      <ErrorText field={field} error={error} />
      {children}
    </div>
  );
}

function resolveDate(bound: string | null | undefined, today: string): string | undefined {
  return bound === 'today' ? today : (bound ?? undefined);
}

function InputField({ field, value, error, today, onValue, onLeave }: Props) {
  const common = {
    id: fieldControlId(field),
    name: field.key,
    value: typeof value === 'string' ? value : '',
    required: field.required ?? false,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(field, error),
    onBlur: onLeave,
  };
  const onInput = (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    onValue(event.currentTarget.value, 'typing');
  let control;
  switch (field.type) {
    case 'text':
      control = field.multiline ? (
        <textarea {...common} rows={4} onInput={onInput} />
      ) : (
        <input {...common} type="text" onInput={onInput} />
      );
      break;
    case 'number':
      // A text input: type=number hides what it cannot parse, and Vietnamese write "3,5".
      control = (
        <input
          {...common}
          type="text"
          inputMode={field.integer ? 'numeric' : 'decimal'}
          autoComplete="off"
          onInput={onInput}
        />
      );
      break;
    case 'date':
      control = (
        <input
          {...common}
          type="date"
          min={resolveDate(field.minDate, today)}
          max={resolveDate(field.maxDate, today)}
          onInput={onInput}
        />
      );
      break;
    case 'phone':
      control = <input {...common} type="tel" inputMode="tel" onInput={onInput} />;
      break;
    default: // cccd
      control = (
        <input
          {...common}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          onInput={onInput}
        />
      );
  }
  return (
    <Field field={field} error={error}>
      {control}
    </Field>
  );
}

function SelectField({ field, value, error, onValue, onLeave }: Props) {
  return (
    <Field field={field} error={error}>
      <select
        id={fieldControlId(field)}
        name={field.key}
        required={field.required ?? false}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, error)}
        onChange={(event) => onValue(event.currentTarget.value, 'pick')}
        onBlur={onLeave}
      >
        <option value="" selected={value === ''}>
          {ta('choosePlaceholder')}
        </option>
        {(field.options ?? []).map((option) => (
          <option key={option.value} value={option.value} selected={value === option.value}>
            {inLanguage(option.label)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function RadioField({ field, value, error, onValue, onLeave }: Props) {
  const legendId = `field-${field.key}-legend`;
  return (
    <fieldset
      class={error ? 'field choice-group has-error' : 'field choice-group'}
      aria-describedby={describedBy(field, error)}
      onFocusOut={(event) => {
        // Left the group, not moved between its options.
        const next = event.relatedTarget as Node | null;
        if (!next || !event.currentTarget.contains(next)) onLeave();
      }}
    >
      <legend id={legendId}>
        {inLanguage(field.label)}
        <RequiredMark field={field} />
      </legend>
      <Help field={field} />
      <ErrorText field={field} error={error} />
      {(field.options ?? []).map((option, index) => {
        const id = `field-${field.key}-${index}`;
        return (
          <div class="choice" key={option.value}>
            <input
              id={id}
              type="radio"
              name={field.key}
              value={option.value}
              checked={value === option.value}
              required={field.required ?? false}
              aria-invalid={error ? true : undefined}
              onChange={() => onValue(option.value, 'pick')}
            />
            <label for={id}>{inLanguage(option.label)}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

function AddressField({ field, value, error, communes, onValue, onLeave }: Props) {
  const address = typeof value === 'string' ? EMPTY_ADDRESS : value;
  const communeId = fieldControlId(field);
  const detailId = `field-${field.key}-detail`;
  const isCommuneWrong = error && error.code !== 'address_detail' && error.code !== 'too_long';
  const isDetailWrong = error && error.code !== 'address_commune';
  const isKnown = communes.some((commune) => commune.code === address.communeCode);
  return (
    <fieldset
      class={error ? 'field address-group has-error' : 'field address-group'}
      onFocusOut={(event) => {
        const next = event.relatedTarget as Node | null;
        if (!next || !event.currentTarget.contains(next)) onLeave();
      }}
    >
      <legend>
        {inLanguage(field.label)}
        <RequiredMark field={field} />
      </legend>
      <Help field={field} />
      <ErrorText field={field} error={error} />
      {communes.length === 0 && <p class="field-hint">{ta('noCommunes')}</p>}
      <label for={communeId}>{ta('commune')}</label>
      <select
        id={communeId}
        name={`${field.key}.communeCode`}
        required={field.required ?? false}
        aria-invalid={isCommuneWrong ? true : undefined}
        aria-describedby={describedBy(field, error)}
        onChange={(event) =>
          onValue({ ...address, communeCode: event.currentTarget.value }, 'pick')
        }
      >
        <option value="" selected={address.communeCode === ''}>
          {ta('communePlaceholder')}
        </option>
        {address.communeCode !== '' && !isKnown && (
          <option value={address.communeCode} selected>
            {address.communeCode}
          </option>
        )}
        {communes.map((commune) => (
          <option
            key={commune.code}
            value={commune.code}
            selected={commune.code === address.communeCode}
          >
            {commune.name}
          </option>
        ))}
      </select>
      <label for={detailId}>{ta('addressDetail')}</label>
      <input
        id={detailId}
        name={`${field.key}.detail`}
        type="text"
        value={address.detail}
        required={field.required ?? false}
        aria-invalid={isDetailWrong ? true : undefined}
        aria-describedby={describedBy(field, error)}
        onInput={(event) => onValue({ ...address, detail: event.currentTarget.value }, 'typing')}
      />
    </fieldset>
  );
}
