import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useCatalogueCheckedAt } from './useCatalogue';

/** When the server last confirmed the device's copy, so an offline reader knows its age. */
export function CatalogueFreshness() {
  const checkedAt = useCatalogueCheckedAt();
  if (!checkedAt.isLoaded || checkedAt.value === null) return null;
  return <p>{t('catalogueUpdatedAt', { time: formatDateTime(checkedAt.value) })}</p>;
}
