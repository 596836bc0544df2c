import { applyUpdate, isUpdateWaiting } from './service-worker';
import { t } from '../lib/i18n';

export function UpdateBanner() {
  if (!isUpdateWaiting.value) return null;
  return (
    <div class="update-banner" role="status">
      <span>{t('updateAvailable')}</span>
      <button type="button" onClick={applyUpdate}>
        {t('reload')}
      </button>
    </div>
  );
}
