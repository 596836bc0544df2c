import { useLocation } from 'preact-iso';
import { language, t } from '../../lib/i18n';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { sectorName } from './labels';
import { proceduresUrl } from './routes';
import { SearchForm } from './SearchForm';
import { useSectors } from './useCatalogue';

export function HomePage() {
  const { route } = useLocation();
  const sectors = useSectors();
  useDocumentTitle();
  const collator = new Intl.Collator(language.value);
  const sortedSectors = sectors.isLoaded
    ? [...sectors.value].sort((a, b) => collator.compare(sectorName(a), sectorName(b)))
    : [];
  return (
    <>
      <h1 tabIndex={-1}>{t('homeTitle')}</h1>
      <p class="lead">{t('homeIntro')}</p>
      <SearchForm onSearch={(q) => route(proceduresUrl({ q }))} />
      {sortedSectors.length > 0 && (
        <section aria-labelledby="sectors-heading">
          <h2 id="sectors-heading">{t('browseBySector')}</h2>
          <ul class="link-list">
            {sortedSectors.map((sector) => (
              <li key={sector.code}>
                <a href={proceduresUrl({ sector: sector.code })}>
                  <span>{sectorName(sector)}</span>
                  <span class="muted">
                    {t('procedureCount', { count: sector.procedureCount ?? 0 })}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
