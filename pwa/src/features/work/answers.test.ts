import { describe, expect, it } from 'vitest';
import type { FormField, Procedure } from '../../api/types';
import { answerText, groupAnswers } from './answers';

const label = (vi: string) => ({ vi, en: vi });
const field = (key: string, type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({
  key,
  type,
  label: label(key),
  ...extra,
});

const procedure = {
  variants: [
    { form: { sections: [{ key: 'other', title: label('Khác'), fields: [field('x', 'text')] }] } },
    {
      form: {
        sections: [
          { key: 'parcel', title: label('Thửa đất'), fields: [field('area', 'number'), field('use', 'choice', { options: [{ value: 'ONT', label: label('Đất ở nông thôn') }] })] },
          { key: 'contract', title: label('Hợp đồng'), fields: [field('signedOn', 'date'), field('notary', 'text')] },
        ],
      },
    },
  ],
} as unknown as Procedure;

describe('groupAnswers', () => {
  it('puts answers under the sections of the variant that has most of them, in form order', () => {
    const groups = groupAnswers(
      procedure,
      { signedOn: '2026-11-16', area: '120.5', use: 'ONT', notary: '', legacy: 'cũ' },
      [],
    );
    expect(groups.map((g) => [g.key, g.rows.map((r) => [r.key, r.text])])).toEqual([
      ['parcel', [['area', '120,5'], ['use', label('Đất ở nông thôn')]]],
      ['contract', [['signedOn', '16/11/2026']]],
      ['', [['legacy', 'cũ']]],
    ]);
  });

  it('shows an address with its commune name', () => {
    const communes = [{ code: '26041', name: 'Phường An Lộc' }] as never;
    expect(answerText(field('a', 'address'), { communeCode: '26041', detail: 'Số 12' }, communes)).toBe(
      'Số 12, Phường An Lộc',
    );
  });

  it('formats amounts the Vietnamese way and keeps text that is not a number', () => {
    expect(answerText(field('price', 'number'), '950000000', [])).toBe('950.000.000');
    expect(answerText(field('price', 'number'), 'abc', [])).toBe('abc');
  });
});
