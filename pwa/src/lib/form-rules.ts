// Application-form validation, a port of backend/features/catalogue/forms.py. The PWA checks a
// form offline with these rules and the server checks it again with the Python ones; both are
// held to tests/fixtures/form-validation-cases.json, so change the two together.
//
// Python semantics kept on purpose: lengths count code points (not UTF-16 units), strip() uses
// Python's whitespace set, and regular expressions match ASCII digits over the whole string.
import type { FieldType, FormField, FormSchema } from '../api/types';

export type {
  Choice,
  DocumentSlot,
  FieldType,
  FormField,
  FormSchema,
  FormSection,
  LocalizedText,
} from '../api/types';

/** The value of an `address` field. */
export interface Address {
  communeCode: string;
  detail: string;
}

export type FieldErrorCode =
  | 'required'
  | 'type'
  | 'too_short'
  | 'too_long'
  | 'integer'
  | 'too_small'
  | 'too_large'
  | 'date_format'
  | 'date_too_early'
  | 'date_too_late'
  | 'not_an_option'
  | 'phone'
  | 'cccd_format'
  | 'cccd_province'
  | 'cccd_century'
  | 'address_commune'
  | 'address_detail'
  | 'unknown_field';

/** One broken rule. `code` is stable; the message comes from the language tables. */
export interface FieldError {
  field: string;
  code: FieldErrorCode;
  params?: Record<string, string | number>;
}

export const TEXT_MAX_LENGTH = 500;

// Python's str.isspace() set, which its re `\s` and str.strip() use (JavaScript's differs).
const SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGE_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
const PHONE_NOISE = new RegExp(`[${SPACE}.\\-()]`, 'g');
const PHONE_PATTERN = /^(?:0|\+?84)(?:3|5|7|8|9)\d{8}$/;
const CCCD_PATTERN = /^\d{12}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const COMMUNE_PATTERN = /^\d{5}$/;
const CCCD_CENTURY: Readonly<Record<string, number>> = { 0: 1900, 1: 1900, 2: 2000, 3: 2000 };

function strip(text: string): string {
  return text.replace(EDGE_SPACE, '');
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldError(
  field: string,
  code: FieldErrorCode,
  params?: Record<string, string | number>,
): FieldError {
  return params === undefined ? { field, code } : { field, code, params };
}

/** The national form of a Vietnamese mobile number: 0 followed by nine digits. */
export function normalizePhone(value: string): string {
  const digits = value.replace(PHONE_NOISE, '');
  if (digits.startsWith('+84')) return '0' + digits.slice(3);
  if (digits.startsWith('84') && codePoints(digits) === 11) return '0' + digits.slice(2);
  return digits;
}

export function isValidPhone(value: string): boolean {
  return PHONE_PATTERN.test(normalizePhone(value));
}

/**
 * Why a citizen identity card number (CCCD) is invalid, or null. `today` is the ISO date in
 * Asia/Ho_Chi_Minh. 12 digits: birth province (001-096), century and sex, two-digit birth year,
 * six more digits; there is no checksum.
 */
export function cccdError(
  value: string,
  today: string,
): 'cccd_format' | 'cccd_province' | 'cccd_century' | null {
  if (!CCCD_PATTERN.test(value)) return 'cccd_format';
  const province = Number(value.slice(0, 3));
  if (province < 1 || province > 96) return 'cccd_province';
  const century = CCCD_CENTURY[value.charAt(3)];
  if (century === undefined || century + Number(value.slice(4, 6)) > Number(today.slice(0, 4))) {
    return 'cccd_century';
  }
  return null;
}

/** An ISO calendar date (YYYY-MM-DD, year 1 or later), or null. */
function parseDate(value: unknown): string | null {
  if (typeof value !== 'string' || !DATE_PATTERN.test(value)) return null;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= monthDays ? value : null;
}

// Fixed-width ISO dates compare correctly as strings.
function resolveDate(bound: string, today: string): string {
  return bound === 'today' ? today : bound;
}

function isBlank(value: unknown): boolean {
  return value == null || (typeof value === 'string' && strip(value) === '');
}

/** Check one value against its field's rules; blank values only fail `required`. */
export function validateField(
  field: FormField,
  value: unknown,
  today: string,
  communes: ReadonlySet<string> = new Set(),
): FieldError | null {
  const key = field.key;
  const isEmptyAddress =
    field.type === 'address' && isRecord(value) && Object.keys(value).length === 0;
  if (isBlank(value) || isEmptyAddress) {
    return field.required ? fieldError(key, 'required') : null;
  }
  const type: FieldType = field.type;
  switch (type) {
    case 'text': {
      if (typeof value !== 'string') return fieldError(key, 'type');
      const length = codePoints(strip(value));
      const maxLength = field.maxLength || TEXT_MAX_LENGTH;
      if (field.minLength != null && length < field.minLength) {
        return fieldError(key, 'too_short', { min: field.minLength });
      }
      if (length > maxLength) return fieldError(key, 'too_long', { max: maxLength });
      return null;
    }
    case 'number': {
      // JSON.parse turns 1e400 into Infinity where the server's decoder refuses it
      if (typeof value !== 'number' || !Number.isFinite(value)) return fieldError(key, 'type');
      if (field.integer && !Number.isInteger(value)) return fieldError(key, 'integer');
      if (field.min != null && value < field.min) {
        return fieldError(key, 'too_small', { min: field.min });
      }
      if (field.max != null && value > field.max) {
        return fieldError(key, 'too_large', { max: field.max });
      }
      return null;
    }
    case 'date': {
      const date = parseDate(value);
      if (date === null) return fieldError(key, 'date_format');
      if (field.minDate != null && date < resolveDate(field.minDate, today)) {
        return fieldError(key, 'date_too_early', { min: field.minDate });
      }
      if (field.maxDate != null && date > resolveDate(field.maxDate, today)) {
        return fieldError(key, 'date_too_late', { max: field.maxDate });
      }
      return null;
    }
    case 'choice':
      if (typeof value !== 'string' || !(field.options ?? []).some((o) => o.value === value)) {
        return fieldError(key, 'not_an_option');
      }
      return null;
    case 'phone':
      return typeof value === 'string' && isValidPhone(value) ? null : fieldError(key, 'phone');
    case 'cccd': {
      if (typeof value !== 'string') return fieldError(key, 'cccd_format');
      const code = cccdError(value, today);
      return code === null ? null : fieldError(key, code);
    }
    case 'address':
      return addressError(key, value, communes);
  }
}

function addressError(
  key: string,
  value: unknown,
  communes: ReadonlySet<string>,
): FieldError | null {
  if (!isRecord(value)) return fieldError(key, 'type');
  const { communeCode, detail } = value;
  if (typeof communeCode !== 'string' || !COMMUNE_PATTERN.test(communeCode)) {
    return fieldError(key, 'address_commune');
  }
  if (communes.size > 0 && !communes.has(communeCode)) return fieldError(key, 'address_commune');
  if (typeof detail !== 'string' || strip(detail) === '') return fieldError(key, 'address_detail');
  if (codePoints(strip(detail)) > TEXT_MAX_LENGTH) {
    return fieldError(key, 'too_long', { max: TEXT_MAX_LENGTH });
  }
  return null;
}

export interface ValidateOptions {
  /** Today's ISO date in Asia/Ho_Chi_Minh, for "today" bounds and CCCD birth years. */
  today: string;
  /** Known commune codes; empty: only the code's shape is checked. */
  communes?: ReadonlySet<string>;
}

/**
 * Every broken rule of `data` against `schema`, unknown keys first, then in form order; empty
 * when valid. Keys the form does not know are refused, as the server refuses them.
 */
export function validateForm(
  schema: Pick<FormSchema, 'sections'>,
  data: Readonly<Record<string, unknown>>,
  { today, communes = new Set() }: ValidateOptions,
): FieldError[] {
  const fields = new Map<string, FormField>();
  for (const section of schema.sections) {
    // like a Python dict: a repeated key keeps its first position and its last field
    for (const field of section.fields) fields.set(field.key, field);
  }
  const errors: FieldError[] = Object.keys(data)
    .filter((key) => !fields.has(key))
    .map((key) => fieldError(key, 'unknown_field'));
  for (const [key, field] of fields) {
    const value = Object.hasOwn(data, key) ? data[key] : undefined;
    const error = validateField(field, value, today, communes);
    if (error !== null) errors.push(error);
  }
  return errors;
}
