import { describe, expect, it } from 'vitest';
import { compressPhoto, jpegName } from './photo';

describe('compressPhoto', () => {
  it('passes a PDF through unchanged', async () => {
    const pdf = new Blob(['%PDF-1.7'], { type: 'application/pdf' });
    expect(await compressPhoto(pdf)).toBe(pdf);
  });
});

describe('jpegName', () => {
  it('gives a re-encoded file a .jpg name', () => {
    expect(jpegName('a.png')).toBe('a.jpg');
    expect(jpegName('b.JPG')).toBe('b.JPG');
    expect(jpegName('scan')).toBe('scan.jpg');
  });
});
