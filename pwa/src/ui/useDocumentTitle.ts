import { useEffect } from 'preact/hooks';
import { t } from '../lib/i18n';

/** Names the page in the browser tab and for screen readers announcing navigation. */
export function useDocumentTitle(title?: string): void {
  const appTitle = `${t('appName')} — ${t('appTagline')}`;
  useEffect(() => {
    document.title = title ? `${title} · ${appTitle}` : appTitle;
  }, [title, appTitle]);
}
