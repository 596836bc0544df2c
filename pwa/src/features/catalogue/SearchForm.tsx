import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n';

interface Props {
  initialQuery?: string;
  onSearch: (query: string) => void;
}

export function SearchForm({ initialQuery = '', onSearch }: Props) {
  const [query, setQuery] = useState(initialQuery);
  return (
    <form
      class="search-form"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(query.trim());
      }}
    >
      <label for="procedure-search">{t('searchLabel')}</label>
      <div class="search-row">
        <input
          id="procedure-search"
          type="search"
          name="q"
          value={query}
          placeholder={t('searchPlaceholder')}
          autocomplete="off"
          enterKeyHint="search"
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit">{t('searchButton')}</button>
      </div>
    </form>
  );
}
