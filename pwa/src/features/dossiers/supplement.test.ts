import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../api/types';
import type { BlobRow } from '../../db/account-db';
import { answerFiles, dayWords, readSupplementRequest, supplementSlots } from './supplement';

const slot = (key: string) => ({ key, name: { vi: key, en: key }, required: true });

const procedure = {
  code: '1.001193',
  variants: [
    { key: 'default', form: { sections: [], documents: [slot('birthCertificate'), slot('id')] } },
  ],
} as unknown as Procedure;

function blob(id: string, extra: Partial<BlobRow> = {}): BlobRow {
  return {
    id,
    blob: new Blob(['x']),
    sha256: 'a'.repeat(64),
    bytes: 1,
    mediaType: 'image/jpeg',
    fileName: `${id}.jpg`,
    upload: 'waiting',
    createdAt: '2026-11-22T08:00:00Z',
    ...extra,
  };
}

describe('a supplement request', () => {
  it('is read from a dossier waiting for one, and only then', () => {
    const asked = { items: ['Bản sao CCCD', 'Giấy xác nhận cư trú'], deadline: '2026-12-10' };
    expect(readSupplementRequest({ status: 'supplement_requested', supplement: asked })).toEqual(
      asked,
    );
    expect(readSupplementRequest({ status: 'submitted', supplement: null })).toBeUndefined();
    expect(readSupplementRequest({ status: 'supplement_requested', supplement: null })).toBe(
      undefined,
    );
    expect(readSupplementRequest(undefined)).toBeUndefined();
  });

  it('offers the variant’s document slots, none of them required', () => {
    const slots = supplementSlots(procedure, 'default');
    expect(slots.map((s) => [s.key, s.required])).toEqual([
      ['birthCertificate', false],
      ['id', false],
    ]);
    expect(supplementSlots(procedure, 'another')).toEqual([]);
    expect(supplementSlots(undefined, 'default')).toEqual([]);
  });

  it('is answered with the dossier’s own files not yet bound to it', () => {
    const blobs = [
      blob('sent-before', { dossierId: 'd1' }),
      blob('new', { dossierId: 'd1' }),
      blob('other-dossier', { dossierId: 'd2' }),
      blob('draft-file', { draftId: 'x' }),
    ];
    const files = answerFiles(blobs, 'd1', { birthCertificate: ['sent-before', 'draft-file'] });
    expect(files.map((file) => file.id)).toEqual(['new']);
  });

  it('writes its deadline the Vietnamese way', () => {
    expect(dayWords('2026-12-10')).toBe('10/12/2026');
    expect(dayWords('soon')).toBe('soon');
  });
});
