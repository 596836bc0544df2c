import { describe, expect, it } from 'vitest';
import dateCases from '../../../tests/fixtures/date-format-cases.json';
import { formatDate, formatDateTime, formatTime, todayInVietnam } from './dates';

describe('dates the official way, as the server writes them', () => {
  it.each(dateCases.cases)('$at is $dateTime', ({ at, date, time, dateTime }) => {
    const moment = new Date(at);
    expect(formatDate(moment)).toBe(date);
    expect(formatTime(moment)).toBe(time);
    expect(formatDateTime(moment)).toBe(dateTime);
  });

  it('pads single-digit days and months', () => {
    expect(formatDate(new Date('2026-03-04T05:00:00+07:00'))).toBe('04/03/2026');
  });

  it("reads today's date on Vietnam's clocks", () => {
    expect(todayInVietnam(new Date('2026-12-03T17:30:00Z'))).toBe('2026-12-04');
  });
});
