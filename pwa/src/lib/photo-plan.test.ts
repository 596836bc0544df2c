import { describe, expect, it } from 'vitest';
import { fitWithin, isCompressible } from './photo-plan';

describe('fitWithin', () => {
  it('scales a 12 MP photo down to a 2048 px long edge, keeping its shape', () => {
    expect(fitWithin({ width: 4000, height: 3000 })).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin({ width: 3000, height: 4000 })).toEqual({ width: 1536, height: 2048 });
  });
  it('never scales up', () => {
    expect(fitWithin({ width: 800, height: 600 })).toEqual({ width: 800, height: 600 });
  });
});

describe('isCompressible', () => {
  it('compresses photos, passes PDFs and SVG through', () => {
    expect(isCompressible('image/jpeg')).toBe(true);
    expect(isCompressible('image/png')).toBe(true);
    expect(isCompressible('application/pdf')).toBe(false);
    expect(isCompressible('image/svg+xml')).toBe(false);
    expect(isCompressible('')).toBe(false);
  });
});
