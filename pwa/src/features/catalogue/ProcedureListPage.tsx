import { useLocation } from 'preact-iso';
import { useMemo } from 'preact/hooks';
import type { AgencyLevel, OnlineLevel, Procedure } from '../../api/types';
import { language, type MessageKey, t } from '../../lib/i18n';
import { formatProcessingTime } from '../../lib/format';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import {
  agencyLevelLabel,
  agencyName,
  onlineLevelLabel,
  procedureName,
  sectorName,
} from './labels';
import { type ListParams, proceduresUrl, procedureUrl } from './routes';
import { searchCatalogue } from './search';
import { SearchForm } from './SearchForm';
import { useCatalogueIndex, useSectors } from './useCatalogue';

const agencyLevels: readonly AgencyLevel[] = ['province', 'commune'];
const onlineLevels: readonly OnlineLevel[] = ['full', 'partial'];

const oneOf = <T extends string>(choices: readonly T[], value: string | undefined): T | undefined =>
  choices.find((choice) => choice === value);

export function ProcedureListPage() {
  const { query, route } = useLocation();
  const params: ListParams = {
    q: query['q'] ?? '',
    sector: query['sector'] || undefined,
    level: oneOf(agencyLevels, query['level']),
    online: oneOf(onlineLevels, query['online']),
  };
  const catalogue = useCatalogueIndex();
  // An empty copy is still being loaded (or cannot be yet); CatalogueStatus says which.
  const results = useMemo(
    () => (catalogue?.length ? searchCatalogue(catalogue, params.q ?? '', params) : undefined),
    [catalogue, params.q, params.sector, params.level, params.online],
  );
  useDocumentTitle(params.q ? `${params.q} — ${t('listTitle')}` : t('listTitle'));
  const applyFilters = (changes: ListParams) =>
    route(proceduresUrl({ ...params, ...changes }), true);

  return (
    <>
      <h1 tabIndex={-1}>{t('listTitle')}</h1>
      <SearchForm
        key={params.q}
        initialQuery={params.q}
        onSearch={(q) => route(proceduresUrl({ ...params, q }))}
      />
      <Filters params={params} onChange={applyFilters} />
      <p role="status" class="result-count">
        {results &&
          (results.length > 0 ? t('resultCount', { count: results.length }) : t('noResults'))}
      </p>
      {results && results.length > 0 && (
        <ul class="procedure-list">
          {results.map((procedure) => (
            <ProcedureItem key={procedure.code} procedure={procedure} />
          ))}
        </ul>
      )}
    </>
  );
}

function Filters({ params, onChange }: { params: ListParams; onChange: (p: ListParams) => void }) {
  const sectors = useSectors();
  const collator = new Intl.Collator(language.value);
  const sectorOptions = sectors.isLoaded
    ? sectors.value
        .map((sector) => ({ value: sector.code, label: sectorName(sector) }))
        .sort((a, b) => collator.compare(a.label, b.label))
    : [];
  return (
    <fieldset class="filters">
      <legend>{t('filters')}</legend>
      <Select
        id="filter-sector"
        label="filterSector"
        value={params.sector}
        options={sectorOptions}
        onChange={(sector) => onChange({ sector })}
      />
      <Select
        id="filter-level"
        label="filterLevel"
        value={params.level}
        options={agencyLevels.map((level) => ({ value: level, label: agencyLevelLabel(level) }))}
        onChange={(level) => onChange({ level: oneOf(agencyLevels, level) })}
      />
      <Select
        id="filter-online"
        label="filterOnline"
        value={params.online}
        options={onlineLevels.map((level) => ({ value: level, label: onlineLevelLabel(level) }))}
        onChange={(online) => onChange({ online: oneOf(onlineLevels, online) })}
      />
    </fieldset>
  );
}

interface SelectProps {
  id: string;
  label: MessageKey;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (value: string | undefined) => void;
}

function Select({ id, label, value, options, onChange }: SelectProps) {
  return (
    <div class="field">
      <label for={id}>{t(label)}</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) => onChange(event.currentTarget.value || undefined)}
      >
        <option value="">{t('filterAll')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function ProcedureItem({ procedure }: { procedure: Procedure }) {
  return (
    <li class="procedure-item">
      <h2>
        <a href={procedureUrl(procedure.code)}>{procedureName(procedure)}</a>
      </h2>
      <p class="muted">
        <span class="code">{procedure.code}</span> · {sectorName(procedure.sector)}
      </p>
      <ul class="facts">
        <li>{agencyName(procedure)}</li>
        <li>{formatProcessingTime(procedure.processingTime)}</li>
        <li>{onlineLevelLabel(procedure.onlineLevel)}</li>
        {procedure.isFree && <li>{t('free')}</li>}
      </ul>
    </li>
  );
}
