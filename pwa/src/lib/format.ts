import type { ProcessingTime } from '../api/types';
import { language, t } from './i18n';

// Amounts are shown the Vietnamese way in both languages (135.000 ₫), as on receipts.
const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });

export function formatVnd(amount: number): string {
  return amount === 0 ? t('free') : vnd.format(amount);
}

export function formatProcessingTime({ value, unit }: ProcessingTime): string {
  if (value === 0) return t('sameDay');
  switch (unit) {
    case 'working_days':
      return t('unitWorkingDays', { count: value });
    case 'working_hours':
      return t('unitWorkingHours', { count: value });
    case 'calendar_days':
      return t('unitCalendarDays', { count: value });
  }
}

/** A moment in Vietnam's time zone, whatever the device's. */
export function formatDateTime(date: Date): string {
  return new Intl.DateTimeFormat(language.value === 'en' ? 'en-GB' : 'vi-VN', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(date);
}

/** Today's ISO date (YYYY-MM-DD) in Vietnam, whatever the device's time zone. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);
}

/** A file's size as people read it: "412 KB", "2.6 MB". */
export function formatFileSize(bytes: number): string {
  const kilobytes = Math.ceil(bytes / 1024);
  return kilobytes < 1024 ? `${kilobytes} KB` : `${(kilobytes / 1024).toFixed(1)} MB`;
}
