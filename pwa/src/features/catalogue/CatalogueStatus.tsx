import { t } from '../../lib/i18n';
import { catalogueSync } from './catalogue-sync';
import { useCatalogueCheckedAt } from './useCatalogue';

/** What the device's copy of the catalogue is doing; a live region, so changes are announced. */
export function CatalogueStatus() {
  const message = useStatusMessage();
  return (
    <p class={message ? 'catalogue-status' : 'visually-hidden'} role="status">
      {message}
    </p>
  );
}

function useStatusMessage(): string {
  const checkedAt = useCatalogueCheckedAt();
  const sync = catalogueSync.value;
  if (sync.status === 'loading') return t('catalogueLoading');
  if (!checkedAt.isLoaded) return '';
  const detail = sync.status === 'failed' ? sync.detail : undefined;
  if (checkedAt.value === null) return detail ?? t('catalogueUnavailable');
  // With a copy on the device, a lost network is the offline badge's news, not an error.
  return detail ? t('catalogueRefreshFailed', { reason: detail }) : '';
}
