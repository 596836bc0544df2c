import { useState } from 'preact/hooks';
import {
  browserTraits,
  dismissInvitation,
  isInvitationDismissed,
  shouldInviteToInstall,
} from './install-invitation';
import { ta } from './messages';

/** On iPhone and iPad Safari: add MotCua to the home screen before filling in anything. */
export function InstallInvitation() {
  const [isShown, setShown] = useState(
    () => shouldInviteToInstall(browserTraits()) && !isInvitationDismissed(),
  );
  if (!isShown) return null;
  return (
    <aside class="notice install-invitation" aria-labelledby="install-heading">
      <h2 id="install-heading">{ta('installTitle')}</h2>
      <p>{ta('installWhy')}</p>
      <ol>
        <li>{ta('installStepShare')}</li>
        <li>{ta('installStepAdd')}</li>
        <li>{ta('installStepOpen')}</li>
      </ol>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          dismissInvitation();
          setShown(false);
        }}
      >
        {ta('installDismiss')}
      </button>
    </aside>
  );
}
