import { useLocation } from 'preact-iso';
import { t } from '../../lib/i18n';
import { isSessionExpired } from './identity';
import { signInUrl } from './paths';

/** Asks for a new sign-in when the server refused the kept session; local data stays. */
export function SessionExpiredNotice() {
  const { url } = useLocation();
  // The live region stays mounted so that assistive technology announces the change.
  return (
    <div class={isSessionExpired.value ? 'session-expired' : 'visually-hidden'} role="status">
      {isSessionExpired.value && (
        <p>
          {t('sessionExpired')}
          <a href={signInUrl(url)}>{t('signInAgain')}</a>
          <span class="muted"> {t('sessionExpiredKeepsData')}</span>
        </p>
      )}
    </div>
  );
}
