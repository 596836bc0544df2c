import type { ProcessingTime } from '../api/types';
import { t } from './i18n';

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

export { formatDate, formatDateTime, formatTime, todayInVietnam } from './dates';

/** A file's size as people read it: "412 KB", "2.6 MB". */
export function formatFileSize(bytes: number): string {
  const kilobytes = Math.ceil(bytes / 1024);
  return kilobytes < 1024 ? `${kilobytes} KB` : `${(kilobytes / 1024).toFixed(1)} MB`;
}
