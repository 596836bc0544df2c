import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../api/types';
import { dossierRecord, storedFile } from '../../db/test-account-db';
import { answerFiles, dayWords, readSupplementRequest, supplementSlots } from './supplement';

const slot = (key: string) => ({ key, name: { vi: key, en: key }, required: true });

const procedure = {
  code: '1.001193',
  variants: [
    { key: 'default', form: { sections: [], documents: [slot('birthCertificate'), slot('id')] } },
  ],
} as unknown as Procedure;

describe('a supplement request', () => {
  it('is read from a dossier waiting for one, and only then', () => {
    const asked = { items: ['Bản sao CCCD', 'Giấy xác nhận cư trú'], deadline: '2026-12-10' };
    const waiting = dossierRecord({ status: 'supplement_requested', supplement: asked });
    expect(readSupplementRequest(waiting)).toEqual(asked);
    expect(readSupplementRequest({ ...waiting, status: 'processing' })).toBeUndefined();
    expect(readSupplementRequest({ ...waiting, supplement: null })).toBeUndefined();
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
      storedFile('sent-before', { dossierId: 'd1' }),
      storedFile('new', { dossierId: 'd1' }),
      storedFile('other-dossier', { dossierId: 'd2' }),
      storedFile('draft-file', { draftId: 'x' }),
    ];
    const files = answerFiles(blobs, 'd1', { birthCertificate: ['sent-before', 'draft-file'] });
    expect(files.map((file) => file.id)).toEqual(['new']);
  });

  it('writes its deadline the Vietnamese way', () => {
    expect(dayWords('2026-12-10')).toBe('10/12/2026');
    expect(dayWords('soon')).toBe('soon');
  });
});
