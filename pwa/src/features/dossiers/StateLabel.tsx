import type { LocalState } from './dossier-list';
import { reasonLabel, statusLabel, tm } from './messages';

/** A list item's state in words, with the class that colours it. */
export function stateText(state: LocalState): string {
  switch (state.kind) {
    case 'draft':
      return tm('localDraft');
    case 'waiting_files':
      return tm('localWaitingFiles', { done: state.done, total: state.total });
    case 'queued':
      return tm('localQueued');
    case 'sending':
      return tm('localSending');
    case 'refused':
      return tm('localRefused', { reason: reasonLabel(state.reason) });
    case 'blocked':
      return tm('localBlocked', { reason: reasonLabel(state.reason) });
    case 'server':
      return statusLabel(state.status);
  }
}

export function StateLabel({ state }: { state: LocalState }) {
  const tone =
    state.kind === 'refused' || state.kind === 'blocked'
      ? 'bad'
      : state.kind === 'server'
        ? `status-${state.status}`
        : 'waiting';
  return <span class={`state-label ${tone}`}>{stateText(state)}</span>;
}
