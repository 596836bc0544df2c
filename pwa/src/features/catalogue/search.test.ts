import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../api/types';
import { indexCatalogue, searchCatalogue } from './search';

function procedure(code: string, name: string, overrides: Partial<Procedure> = {}): Procedure {
  return {
    code,
    name,
    sector: { code: 'ho-tich', name: 'Hộ tịch', nameEn: 'Civil status' },
    agencyLevel: 'commune',
    onlineLevel: 'full',
    processingTime: { value: 3, unit: 'working_days' },
    isFree: true,
    agencyName: 'UBND cấp xã',
    ...overrides,
  };
}

const catalogue = indexCatalogue([
  procedure('2.000001', 'Trích lục khai sinh'),
  procedure('1.001193', 'Đăng ký khai sinh', { nameEn: 'Birth registration' }),
  procedure('1.000001', 'Đăng ký kết hôn', { onlineLevel: 'partial' }),
  procedure('3.000347', 'Đổi giấy phép lái xe', {
    sector: { code: 'duong-bo', name: 'Đường bộ' },
    agencyLevel: 'province',
    agencyName: 'Phòng Cảnh sát giao thông',
  }),
]);

const codes = (query: string, filters = {}) =>
  searchCatalogue(catalogue, query, filters).map((p) => p.code);

describe('searchCatalogue', () => {
  it('finds a procedure with or without diacritics', () => {
    expect(codes('đăng ký khai sinh')).toEqual(['1.001193']);
    expect(codes('DANG KY KHAI SINH')).toEqual(['1.001193']);
  });

  it('needs every word to match', () => {
    expect(codes('khai sinh xe')).toEqual([]);
  });

  it('ranks the whole query in the name first, then every word in the name, then the rest', () => {
    expect(codes('khai sinh')).toEqual(['1.001193', '2.000001']);
    expect(codes('sinh khai')).toEqual(['1.001193', '2.000001']);
    expect(codes('ho tich')).toEqual(['1.000001', '1.001193', '2.000001']);
  });

  it('matches the code, the English name, the sector and the agency', () => {
    expect(codes('1.001193')).toEqual(['1.001193']);
    expect(codes('birth')).toEqual(['1.001193']);
    expect(codes('duong bo')).toEqual(['3.000347']);
    expect(codes('canh sat')).toEqual(['3.000347']);
  });

  it('lists everything by code for an empty query', () => {
    expect(codes('')).toEqual(['1.000001', '1.001193', '2.000001', '3.000347']);
  });

  it('applies the filters', () => {
    expect(codes('', { level: 'province' })).toEqual(['3.000347']);
    expect(codes('', { online: 'partial' })).toEqual(['1.000001']);
    expect(codes('dang ky', { sector: 'ho-tich' })).toEqual(['1.000001', '1.001193']);
    expect(codes('dang ky', { sector: 'duong-bo' })).toEqual([]);
  });
});
