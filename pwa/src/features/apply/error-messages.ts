// The words for a broken rule, whether the phone found it or the server did: both use the codes
// of lib/form-rules.ts, and document slots add theirs.
import type { FormField } from '../../api/types';
import type { FieldErrorCode } from '../../lib/form-rules';
import type { ShownError } from './application';
import { type ApplyMessage, ta } from './messages';

const FIELD_MESSAGES = {
  required: 'required',
  type: 'type',
  too_short: 'too_short',
  too_long: 'too_long',
  integer: 'integer',
  too_small: 'too_small',
  too_large: 'too_large',
  date_format: 'date_format',
  date_too_early: 'date_too_early',
  date_too_late: 'date_too_late',
  not_an_option: 'not_an_option',
  phone: 'phone',
  cccd_format: 'cccd_format',
  cccd_province: 'cccd_province',
  cccd_century: 'cccd_century',
  address_commune: 'address_commune',
  address_detail: 'address_detail',
  unknown_field: 'unknown_field',
} as const satisfies Record<FieldErrorCode, ApplyMessage>;

const SLOT_MESSAGES: Record<string, ApplyMessage> = {
  required: 'documentRequired',
  too_many_files: 'too_many_files',
  file_refused: 'file_refused',
  file_missing: 'file_missing',
  file_repeated: 'file_repeated',
  file_not_found: 'file_not_found',
  file_not_available: 'file_not_available',
  file_in_use: 'file_in_use',
  unknown_slot: 'unknown_slot',
};

const isFieldCode = (code: string): code is FieldErrorCode => Object.hasOwn(FIELD_MESSAGES, code);

/** 2025-07-01 as 01/07/2025; "today" in words. */
function dateWords(value: string | number | undefined): string {
  if (value === 'today') return ta('today');
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value ?? ''));
  return match ? `${match[3]}/${match[2]}/${match[1]}` : String(value ?? '');
}

/** What is wrong, in the UI language. `field` is absent for a document slot's error (the
 * device's codes and the server's, backend/features/dossiers/service.py). */
export function errorMessage(error: ShownError, field?: FormField): string {
  const params = { ...error.params };
  if (!field) {
    const key = SLOT_MESSAGES[error.code];
    return key ? ta(key, params) : ta('invalid', { code: error.code });
  }
  if (!isFieldCode(error.code)) return ta('invalid', { code: error.code });
  if (error.code === 'type' && field.type === 'number') return ta('notANumber');
  if (error.code === 'required' && field.type === 'choice') return ta('requiredChoice');
  if (error.code === 'date_too_early') params['min'] = dateWords(params['min']);
  if (error.code === 'date_too_late') params['max'] = dateWords(params['max']);
  return ta(FIELD_MESSAGES[error.code], params);
}

/** Why the server (or the device) did not send the last submission. */
export function refusalReason(reason: string): string {
  if (reason === 'file_refused') return ta('reasonFileRefused');
  if (reason === 'file_missing') return ta('reasonFileMissing');
  if (reason === 'invalid_form') return ta('reasonInvalidForm');
  if (reason === 'unknown_variant') return ta('reasonUnknownVariant');
  if (reason === 'invalid_text') return ta('reasonInvalidText');
  return ta('reasonOther', { reason });
}
