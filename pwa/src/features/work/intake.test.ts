import { describe, expect, it } from 'vitest';
import type { RoleAssignment } from '../../api/identity';
import type { FormSchema, Problem } from '../../api/types';
import {
  APPLICANT,
  APPLICANT_FIELDS,
  applicantErrors,
  deskAgencies,
  intakeRequest,
  lookupQuery,
  newApplicant,
  orderIntakeErrors,
  PROCEDURE,
  problemErrors,
  VARIANT,
} from './intake';

const TODAY = '2026-11-23';
const text = (vi: string) => ({ vi, en: vi });

describe('lookupQuery', () => {
  it('reads a mobile number in any of the ways people write it', () => {
    expect(lookupQuery('0912 345 678')).toEqual({ phone: '0912345678' });
    expect(lookupQuery('+84 912.345.678')).toEqual({ phone: '0912345678' });
  });

  it('reads twelve digits as a CCCD number', () => {
    expect(lookupQuery('079 227 001 234')).toEqual({ cccd: '079227001234' });
  });

  it('refuses anything else', () => {
    expect(lookupQuery('')).toBeNull();
    expect(lookupQuery('12345')).toBeNull();
    expect(lookupQuery('Nguyễn Văn A')).toBeNull();
    expect(lookupQuery('0212345678')).toBeNull(); // a landline
  });
});

describe('the new applicant', () => {
  it('needs a name and a mobile number; the CCCD is optional but checked', () => {
    const empty = Object.fromEntries(APPLICANT_FIELDS.map((field) => [field.key, '']));
    expect(applicantErrors(empty, TODAY).map((error) => [error.field, error.code])).toEqual([
      ['applicantFullName', 'required'],
      ['applicantPhone', 'required'],
    ]);
    const wrong = { applicantFullName: 'A', applicantPhone: '123', applicantCccd: '0792' };
    expect(applicantErrors(wrong, TODAY).map((error) => [error.field, error.code])).toEqual([
      ['applicantFullName', 'too_short'],
      ['applicantPhone', 'phone'],
      ['applicantCccd', 'cccd_format'],
    ]);
  });

  it('is sent as the server stores it', () => {
    const values = {
      applicantFullName: '  Đỗ Thị Quầy ',
      applicantPhone: '0987 654 321',
      applicantCccd: '',
    };
    expect(applicantErrors(values, TODAY)).toEqual([]);
    expect(newApplicant(values)).toEqual({ fullName: 'Đỗ Thị Quầy', phone: '0987654321' });
    expect(newApplicant({ ...values, applicantCccd: '079 227 001 234' }).cccd).toBe(
      '079227001234',
    );
  });
});

describe('errors', () => {
  const schema: FormSchema = {
    version: 1,
    sections: [
      {
        key: 'parcel',
        title: text('Thửa đất'),
        fields: [
          { key: 'parcelNumber', type: 'number', label: text('Thửa đất số'), required: true },
          { key: 'area', type: 'number', label: text('Diện tích'), required: true },
        ],
      },
    ],
    documents: [{ key: 'contract', name: text('Hợp đồng') }],
  };

  it('are listed as the page shows them: applicant, procedure, case, form, documents', () => {
    const ordered = orderIntakeErrors(schema, [
      { field: 'documents.contract', code: 'required' },
      { field: 'area', code: 'required' },
      { field: 'mystery', code: 'unknown_field' },
      { field: VARIANT, code: 'required' },
      { field: 'applicantPhone', code: 'phone' },
      { field: 'parcelNumber', code: 'required' },
      { field: 'area', code: 'too_small' },
      { field: APPLICANT, code: 'required' },
    ]);
    expect(ordered.map((error) => [error.field, error.code])).toEqual([
      [APPLICANT, 'required'],
      ['applicantPhone', 'phone'],
      [VARIANT, 'required'],
      ['parcelNumber', 'required'],
      ['area', 'required'],
      ['documents.contract', 'required'],
      ['mystery', 'unknown_field'],
    ]);
  });

  it('from the server are filed under the page’s own names', () => {
    const problem: Problem = {
      type: 'urn:motcua:problem:validation',
      title: 'Dữ liệu không hợp lệ',
      status: 422,
      instance: '/api/v1/work/dossiers/intake',
      errors: [
        { field: 'applicant.phone', code: 'phone', message: '…' },
        { field: 'procedureCode', code: 'not_an_option', message: '…' },
        { field: 'variantKey', code: 'not_an_option', message: '…' },
        { field: 'area', code: 'too_small', message: '…', params: { min: 1 } },
        { field: 'documents.contract', code: 'file_not_available', message: '…' },
        { field: 'sex', code: 'not_an_option', message: '…', params: { options: ['m', 'f'] } },
        { field: 'note', code: 'too_long', message: '…', params: null },
      ],
    };
    expect(problemErrors(problem)).toEqual([
      { field: 'applicantPhone', code: 'phone' },
      { field: PROCEDURE, code: 'not_an_option' },
      { field: VARIANT, code: 'not_an_option' },
      { field: 'area', code: 'too_small', params: { min: 1 } },
      { field: 'documents.contract', code: 'file_not_available' },
      // A rule's values that are not words or numbers do not fill a message.
      { field: 'sex', code: 'not_an_option' },
      { field: 'note', code: 'too_long' },
    ]);
    expect(problemErrors(undefined)).toEqual([]);
  });
});

it('takes the desks the officer holds, once each', () => {
  const roles: RoleAssignment[] = [
    { role: 'handler', agencyCode: '000.00.05.H19' },
    { role: 'desk', agencyCode: '000.00.01.H19' },
    { role: 'desk' },
    { role: 'desk', agencyCode: '000.00.01.H19' },
    { role: 'desk', agencyCode: '000.00.02.H19' },
  ];
  expect(deskAgencies(roles).map((grant) => grant.agencyCode)).toEqual([
    '000.00.01.H19',
    '000.00.02.H19',
  ]);
});

it('names either the found account or the new applicant, never both', () => {
  const common = {
    dossierId: 'd',
    agencyCode: '000.00.01.H19',
    procedureCode: '1.013831',
    variantKey: 'default',
    fields: {},
    documents: {},
    returnMethod: 'counter' as const,
  };
  expect(intakeRequest({ ...common, applicant: { accountId: 'a' } })).toEqual({
    ...common,
    accountId: 'a',
  });
  const applicant = { fullName: 'Đỗ Thị Quầy', phone: '0987654321' };
  expect(intakeRequest({ ...common, applicant: { applicant } })).toEqual({ ...common, applicant });
});
