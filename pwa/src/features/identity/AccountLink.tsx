import { useLocation } from 'preact-iso';
import { t } from '../../lib/i18n';
import { currentIdentity } from './identity';
import { ACCOUNT_PATH, SIGN_IN_PATH, signInUrl } from './paths';

/** The header's way in: "Đăng nhập", or the signed-in name leading to the account page. */
export function AccountLink() {
  const { path, url } = useLocation();
  const me = currentIdentity.value;
  const href = me ? ACCOUNT_PATH : signInUrl(url);
  return (
    <a
      class="account-link"
      href={href}
      aria-current={path === (me ? ACCOUNT_PATH : SIGN_IN_PATH) ? 'page' : undefined}
      aria-label={me ? t('accountOf', { name: me.fullName }) : undefined}
    >
      {me ? me.fullName : t('signIn')}
    </a>
  );
}
