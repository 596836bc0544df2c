import { t } from '../lib/i18n';
import { useDocumentTitle } from '../ui/useDocumentTitle';

export function NotFoundPage() {
  useDocumentTitle(t('notFoundTitle'));
  return (
    <>
      <h1 tabIndex={-1}>{t('notFoundTitle')}</h1>
      <p>{t('notFoundText')}</p>
      <p>
        <a href="/">{t('goHome')}</a>
      </p>
    </>
  );
}
