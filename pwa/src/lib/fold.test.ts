import { describe, expect, it } from 'vitest';
import foldCases from '../../../tests/fixtures/fold-cases.json';
import { fold, terms } from './fold';

describe('fold', () => {
  it.each(foldCases.cases)('folds %j to %j like the server', (text, key) => {
    expect(fold(text as string)).toBe(key);
  });
});

describe('terms', () => {
  it('keeps each folded word once, in order', () => {
    expect(terms('Khai sinh, khai SINH đăng')).toEqual(['khai', 'sinh', 'dang']);
  });

  it('has no terms for a blank query', () => {
    expect(terms('  ')).toEqual([]);
  });
});
