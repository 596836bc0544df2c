import { t } from '../lib/i18n';
import { isOnline } from '../lib/online';

export function OfflineBadge() {
  // The live region stays mounted so that assistive technology announces the change.
  return (
    <p class="offline-badge" role="status">
      {!isOnline.value && (
        <span title={t('offlineHint')}>
          {t('offline')}
          <span class="visually-hidden">: {t('offlineHint')}</span>
        </span>
      )}
    </p>
  );
}
