import { describe, expect, it } from 'vitest';
import vectorsJson from '../../../tests/fixtures/form-validation-cases.json';
import {
  cccdError,
  type FieldError,
  type FormField,
  type FormSchema,
  normalizePhone,
  validateField,
  validateForm,
} from './form-rules';

interface FieldCase {
  name: string;
  field: FormField;
  value?: unknown;
  error: string | null;
  params?: Record<string, string | number>;
}

interface FormCase {
  name: string;
  schema: Pick<FormSchema, 'sections'>;
  data: Record<string, unknown>;
  errors: FieldError[];
}

interface Vectors {
  today: string;
  communes: string[];
  cases: FieldCase[];
  forms: FormCase[];
}

const vectors = vectorsJson as unknown as Vectors;
const { today } = vectors;
const communes = new Set(vectors.communes);

function oneField(field: FormField): Pick<FormSchema, 'sections'> {
  return { sections: [{ key: 's', title: { vi: 'Mục', en: 'Section' }, fields: [field] }] };
}

describe('validateField (shared vectors)', () => {
  it.each(vectors.cases)('$name', (vector) => {
    // A case without `value` is a missing key, which is undefined here.
    const error = validateField(vector.field, vector.value, today, communes);
    expect(error?.code ?? null).toBe(vector.error);
    if (error !== null) expect(error.field).toBe(vector.field.key);
    if (vector.params !== undefined) expect(error?.params).toEqual(vector.params);
  });
});

describe('validateForm (shared vectors)', () => {
  it.each(vectors.cases)('one field: $name', (vector) => {
    const data = 'value' in vector ? { [vector.field.key]: vector.value } : {};
    const errors = validateForm(oneField(vector.field), data, { today, communes });
    expect(errors.map((e) => e.code)).toEqual(vector.error === null ? [] : [vector.error]);
  });

  it.each(vectors.forms)('$name', (vector) => {
    expect(validateForm(vector.schema, vector.data, { today, communes })).toEqual(vector.errors);
  });
});

describe('validateForm', () => {
  it('checks only the shape of commune codes when none are known', () => {
    const field: FormField = { key: 'home', type: 'address', label: { vi: 'Nơi ở', en: 'Home' } };
    const data = { home: { communeCode: '99999', detail: 'Số 1' } };
    expect(validateForm(oneField(field), data, { today })).toEqual([]);
  });

  it('does not take inherited properties for values', () => {
    const label = { vi: 'Tên', en: 'Name' };
    const field: FormField = { key: 'toString', type: 'text', label, required: true };
    const errors = validateForm(oneField(field), {}, { today });
    expect(errors).toEqual([{ field: 'toString', code: 'required' }]);
  });
});

describe('number fields', () => {
  it('refuses Infinity, which JSON.parse makes of 1e400', () => {
    const field: FormField = { key: 'n', type: 'number', label: { vi: 'Số', en: 'Number' } };
    expect(validateField(field, JSON.parse('1e400'), today)?.code).toBe('type');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['84912345678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['(091) 234 5678', '0912345678'],
    ['0912\u00a0345\u00a0678', '0912345678'],
    ['8491234567', '8491234567'],
    ['091234567', '091234567'],
  ])('%j -> %j', (raw, normalized) => {
    expect(normalizePhone(raw)).toBe(normalized);
  });
});

describe('cccdError', () => {
  it('checks the birth year against the given today', () => {
    expect(cccdError('079227001234', '2026-11-22')).toBe('cccd_century');
    expect(cccdError('079227001234', '2027-01-01')).toBeNull();
  });
});
