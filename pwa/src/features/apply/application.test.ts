import { describe, expect, it } from 'vitest';
import type { DocumentSlot, FormSchema, Procedure, Variant } from '../../api/types';
import { validateForm } from '../../lib/form-rules';
import {
  chosenVariant,
  currentVariants,
  documentsOf,
  errorsByField,
  errorTargetId,
  followFiles,
  formData,
  formFields,
  formValues,
  orderErrors,
  slotErrors,
  type SlotFile,
} from './application';

const text = (vi: string) => ({ vi, en: vi });

const slots: DocumentSlot[] = [
  { key: 'birthCertificate', name: text('Giấy chứng sinh') },
  { key: 'identity', name: text('Giấy tờ tùy thân'), maxFiles: 2 },
  { key: 'other', name: text('Giấy tờ khác'), required: false },
];

const schema: FormSchema = {
  version: 1,
  sections: [
    {
      key: 'child',
      title: text('Người được khai sinh'),
      fields: [
        { key: 'fullName', type: 'text', label: text('Họ và tên'), required: true, minLength: 2 },
        {
          key: 'sex',
          type: 'choice',
          label: text('Giới tính'),
          required: true,
          options: [
            { value: 'male', label: text('Nam') },
            { value: 'female', label: text('Nữ') },
          ],
        },
        { key: 'weight', type: 'number', label: text('Cân nặng (kg)'), min: 0 },
      ],
    },
    {
      key: 'declarant',
      title: text('Người đi đăng ký'),
      fields: [
        { key: 'cccd', type: 'cccd', label: text('Số CCCD') },
        { key: 'phone', type: 'phone', label: text('Số điện thoại') },
        { key: 'residence', type: 'address', label: text('Nơi cư trú'), required: true },
      ],
    },
  ],
  documents: slots,
};
const fields = formFields(schema);

function variant(key: string, effectiveFrom: string, effectiveTo?: string): Variant {
  return {
    key,
    version: 1,
    name: key,
    processingTime: { value: 1, unit: 'working_days' },
    fees: [],
    documents: [],
    form: schema,
    effectiveFrom,
    ...(effectiveTo ? { effectiveTo } : {}),
  };
}

describe('variants', () => {
  const procedure = {
    variants: [
      variant('old', '2020-01-01', '2025-07-01'),
      variant('domestic', '2025-07-01'),
      variant('foreign', '2025-07-01'),
      variant('future', '2027-01-01'),
    ],
  } as Procedure;

  it('offers the variants in force today, the end date exclusive', () => {
    const keys = currentVariants(procedure, '2025-07-01').map((v) => v.key);
    expect(keys).toEqual(['domestic', 'foreign']);
  });

  it('takes the one saved in the draft, or the only one, or asks', () => {
    const current = currentVariants(procedure, '2025-08-01');
    expect(chosenVariant(current, 'foreign')?.key).toBe('foreign');
    expect(chosenVariant(current, 'old')).toBeUndefined();
    expect(chosenVariant(current)).toBeUndefined();
    expect(chosenVariant(current.slice(0, 1), null)?.key).toBe('domestic');
  });
});

describe('formValues and formData', () => {
  it('stores only the form keys, blanks left out, typed values converted', () => {
    const data = formData(fields, {
      fullName: 'Nguyễn Văn An',
      sex: '',
      weight: '3,2',
      cccd: '079 227 001 234',
      phone: '+84 912 345 678',
      residence: { communeCode: '', detail: '  ' },
      stray: 'ignored',
    });
    expect(data).toEqual({
      fullName: 'Nguyễn Văn An',
      weight: 3.2,
      cccd: '079227001234',
      phone: '0912345678',
    });
  });

  it('keeps what it cannot convert, for the rules to name', () => {
    const residence = { communeCode: '26734', detail: '' };
    const data = formData(fields, { weight: '3 kg', phone: '12', residence });
    expect(data).toEqual({ weight: '3 kg', phone: '12', residence });
    const codes = validateForm(schema, data, { today: '2025-08-01' }).map((e) => e.code);
    expect(codes).toEqual(['required', 'required', 'type', 'phone', 'address_detail']);
  });

  it('shows a stored draft, unknown keys dropped', () => {
    const values = formValues(fields, {
      fullName: 'An',
      weight: 3.2,
      residence: { communeCode: '26734', detail: 'Số 1' },
      note: 'from an older draft',
    });
    expect(values).toEqual({
      fullName: 'An',
      sex: '',
      weight: '3.2',
      cccd: '',
      phone: '',
      residence: { communeCode: '26734', detail: 'Số 1' },
    });
    expect(formData(fields, values)).toEqual({
      fullName: 'An',
      weight: 3.2,
      residence: { communeCode: '26734', detail: 'Số 1' },
    });
  });
});

describe('document slots', () => {
  const file = (id: string, slotKey: string | undefined, createdAt: string, isRefused = false) =>
    ({ id, slotKey, createdAt, isRefused }) as SlotFile;

  it('names the files of each slot in the order they were added', () => {
    const files = [
      file('b', 'identity', '2025-08-01T10:02:00Z'),
      file('a', 'identity', '2025-08-01T10:01:00Z'),
      file('c', 'birthCertificate', '2025-08-01T10:03:00Z'),
      file('d', 'photo', '2025-08-01T10:04:00Z'),
      file('e', undefined, '2025-08-01T10:05:00Z'),
    ];
    expect(documentsOf(slots, files)).toEqual({
      birthCertificate: ['c'],
      identity: ['a', 'b'],
    });
  });

  it('finds the empty required slots, the overfull ones and refused files', () => {
    const files = [
      file('a', 'identity', '1'),
      file('b', 'identity', '2'),
      file('c', 'identity', '3'),
      file('d', 'other', '4', true),
    ];
    expect(slotErrors(slots, files)).toEqual([
      { field: 'documents.birthCertificate', code: 'required' },
      { field: 'documents.identity', code: 'too_many_files', params: { max: 2 } },
      { field: 'documents.other', code: 'file_refused' },
    ]);
    const ready = [file('a', 'identity', '1'), file('b', 'birthCertificate', '2')];
    expect(slotErrors(slots, ready)).toEqual([]);
  });

  it('keeps the errors already shown on slots in step with the files, adding none', () => {
    const shown = errorsByField([
      { field: 'fullName', code: 'required' },
      { field: 'documents.birthCertificate', code: 'required' },
      { field: 'documents.identity', code: 'file_refused' },
    ]);
    const files = [
      file('a', 'birthCertificate', '1'),
      file('b', 'identity', '2'),
      file('c', 'identity', '3'),
      file('d', 'identity', '4'),
      file('e', 'other', '5', true),
    ];
    expect(followFiles(shown, slots, files)).toEqual({
      fullName: { field: 'fullName', code: 'required' },
      'documents.identity': {
        field: 'documents.identity',
        code: 'too_many_files',
        params: { max: 2 },
      },
    });
    const unchanged = errorsByField([{ field: 'documents.other', code: 'file_refused' }]);
    expect(followFiles(unchanged, slots, files)).toBe(unchanged);
  });
});

describe('error summary', () => {
  it('lists one error per field in form order, documents after fields, unknown last', () => {
    const ordered = orderErrors(schema, [
      { field: 'documents.identity', code: 'required' },
      { field: 'stray', code: 'unknown_field' },
      { field: 'residence', code: 'address_commune' },
      { field: 'fullName', code: 'required' },
      { field: 'fullName', code: 'too_short' },
      { field: 'documents.birthCertificate', code: 'required' },
    ]);
    expect(ordered.map((e) => `${e.field} ${e.code}`)).toEqual([
      'fullName required',
      'residence address_commune',
      'documents.birthCertificate required',
      'documents.identity required',
      'stray unknown_field',
    ]);
  });

  it('links each error to its control', () => {
    const target = (field: string) => errorTargetId(schema, { field, code: 'required' });
    expect(target('fullName')).toBe('field-fullName');
    expect(target('sex')).toBe('field-sex-0');
    expect(target('residence')).toBe('field-residence-commune');
    expect(target('documents.identity')).toBe('slot-identity');
    expect(target('stray')).toBe('application-form');
  });
});
