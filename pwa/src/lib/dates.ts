// Dates and times the official way, in both languages: dd/mm/yyyy and HH:mm in Vietnam's time
// zone, whatever the device's. backend/core/dates.py follows the same rule; both are held to
// tests/fixtures/date-format-cases.json.
const vietnamClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface ClockParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

/** The moment's parts on Vietnam's clocks, each zero-padded. */
export function vietnamParts(date: Date): ClockParts {
  const parts: Record<string, string> = {};
  for (const part of vietnamClock.formatToParts(date)) parts[part.type] = part.value;
  return {
    year: (parts['year'] ?? '').padStart(4, '0'),
    month: (parts['month'] ?? '').padStart(2, '0'),
    day: (parts['day'] ?? '').padStart(2, '0'),
    hour: (parts['hour'] ?? '').padStart(2, '0'),
    minute: (parts['minute'] ?? '').padStart(2, '0'),
  };
}

/** `04/12/2026` */
export function formatDate(date: Date): string {
  const { day, month, year } = vietnamParts(date);
  return `${day}/${month}/${year}`;
}

/** `07:05` */
export function formatTime(date: Date): string {
  const { hour, minute } = vietnamParts(date);
  return `${hour}:${minute}`;
}

/** `07:05 04/12/2026`: the time, then the date. */
export function formatDateTime(date: Date): string {
  return `${formatTime(date)} ${formatDate(date)}`;
}

/** Today's ISO date (YYYY-MM-DD) in Vietnam, whatever the device's time zone. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);
}

/** A calendar day (`YYYY-MM-DD`, no time zone) the same way: `04/12/2026`. */
export function formatDay(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : isoDate;
}
