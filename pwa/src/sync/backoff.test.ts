import { describe, expect, it } from 'vitest';
import { backoff } from './backoff';

describe('backoff', () => {
  it('doubles its window each attempt, drawn from below it', () => {
    expect(backoff(0, { random: () => 0.5 })).toBe(0.5);
    expect(backoff(3, { random: () => 0.5 })).toBe(4);
    expect(backoff(2, { random: () => 0 })).toBe(0);
    expect(backoff(4, { random: () => 0.999 })).toBeLessThan(16);
  });

  it('never waits longer than the cap, even after many attempts', () => {
    expect(backoff(10_000, { cap: 300, random: () => 0.999 })).toBeLessThan(300);
  });

  it('refuses nonsense', () => {
    expect(() => backoff(-1)).toThrow(RangeError);
    expect(() => backoff(0, { base: 0 })).toThrow(RangeError);
  });
});
