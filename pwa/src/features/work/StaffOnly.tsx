import type { ComponentChildren } from 'preact';
import { isOnline } from '../../lib/online';
import { currentIdentity } from '../identity/identity';
import { signInUrl } from '../identity/paths';
import { tw } from './messages';

/** The staff area's gate: staff accounts only, online only (the desk works on the server's
 * copy; citizens' and field work are the offline paths). */
export function StaffOnly({ title, children }: { title: string; children: ComponentChildren }) {
  const me = currentIdentity.value;
  if (me?.kind !== 'staff') {
    return (
      <>
        <h1 tabIndex={-1}>{title}</h1>
        <p>{tw('staffOnly')}</p>
        {!me && (
          <p>
            <a class="button-link" href={signInUrl(location.pathname)}>
              {tw('signIn')}
            </a>
          </p>
        )}
      </>
    );
  }
  return (
    <>
      {!isOnline.value && (
        <p class="notice" role="alert">
          {tw('onlineOnly')}
        </p>
      )}
      {children}
    </>
  );
}
