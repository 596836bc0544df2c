import type { JSX } from 'preact';
import { t } from '../lib/i18n';

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onInput'>;

interface Props extends InputProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
  /** The broken rule, shown under the field and announced with it. */
  error?: string;
  isOptional?: boolean;
}

/** A labelled text input with its hint and error tied to it for assistive technology. */
export function TextField({ id, label, value, onValue, hint, error, isOptional, ...input }: Props) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        {label}
        {isOptional && <span class="optional"> {t('optionalField')}</span>}
      </label>
      {hint && (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} class="field-error">
          {error}
        </p>
      )}
      <input
        {...input}
        id={id}
        name={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
    </div>
  );
}
