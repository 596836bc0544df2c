import { currentIdentity } from '../features/identity/identity';
import { t } from '../lib/i18n';
import { isOnline } from '../lib/online';
import { syncState } from './engine';

/** Where the signed-in account's changes stand: waiting, syncing, synced or refused. */
function label(): string {
  const { isSyncing, waiting, rejected, problem } = syncState.value;
  if (problem === 'upgrade') return t('syncNeedsUpdate');
  const parts: string[] = [];
  // Offline is said once, by the offline badge next to this.
  if (isOnline.value && isSyncing) parts.push(t('syncing'));
  if (waiting > 0) parts.push(t('syncWaiting', { count: waiting }));
  if (rejected > 0) parts.push(t('syncRejected', { count: rejected }));
  if (parts.length === 0) parts.push(t('synced'));
  return parts.join(' · ');
}

export function SyncIndicator() {
  if (!currentIdentity.value) return null;
  // A live region of its own, so a change of count is announced.
  return (
    <p class="sync-indicator" role="status" aria-live="polite">
      <a href="/outbox">{label()}</a>
    </p>
  );
}
