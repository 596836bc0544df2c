// The staff member's work: every dossier waiting at a step where they hold the role, the most
// urgent first — the desk's incoming applications, a handler's or an approver's queue.
import { useEffect } from 'preact/hooks';
import { fetchWork, type WorkItem } from '../../api/work';
import { formatDateTime } from '../../lib/format';
import { localized } from '../../lib/i18n';
import { isOnline } from '../../lib/online';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { statusLabel } from '../dossiers/messages';
import { currentIdentity } from '../identity/identity';
import { useResource } from '../identity/useResource';
import { channelLabel, tw } from './messages';
import { INTAKE_PATH, LATE_PATH, workDossierPath } from './routes';
import { StaffOnly } from './StaffOnly';

const time = (iso: string) => formatDateTime(new Date(iso));
const REFRESH_MS = 60_000;

export function WorkQueuePage() {
  useDocumentTitle(tw('queueTitle'));
  return (
    <StaffOnly title={tw('queueTitle')}>
      <Queue />
    </StaffOnly>
  );
}

function Queue() {
  const roles = currentIdentity.value?.roles ?? [];
  const has = (...names: string[]) => roles.some((grant) => names.includes(grant.role));
  const [work, reload] = useResource(fetchWork, true);
  useEffect(() => {
    // New applications arrive all day: look again every minute while the page is in view.
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && isOnline.value) reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <>
      <h1 tabIndex={-1}>{tw('queueTitle')}</h1>
      <p class="lead">{tw('queueIntro')}</p>
      <p class="actions">
        <button type="button" class="secondary" onClick={reload}>
          {tw('refresh')}
        </button>
        {has('desk') && <a href={INTAKE_PATH}>{tw('intakeLink')}</a>}
        {has('approver', 'admin') && <a href={LATE_PATH}>{tw('lateLink')}</a>}
      </p>
      {work.status === 'loading' && <p role="status">{tw('loading')}</p>}
      {work.status === 'failed' && (
        <p class="notice" role="alert">
          {work.message}
        </p>
      )}
      {work.status === 'ready' &&
        (work.value.length === 0 ? (
          <p>{tw('empty')}</p>
        ) : (
          <>
            <p class="result-count">{tw('queueCount', { count: work.value.length })}</p>
            <ul class="item-list work-list" aria-label={tw('queueTitle')}>
              {work.value.map((item) => (
                <WorkCard key={item.id} item={item} />
              ))}
            </ul>
          </>
        ))}
    </>
  );
}

function WorkCard({ item }: { item: WorkItem }) {
  const { step } = item;
  return (
    <li class={`item work-card${item.isOverdue ? ' is-overdue' : ''}`}>
      <p class="item-title">
        <a href={workDossierPath(item.id)}>
          {item.code ?? tw('reference', { reference: item.reference })}
        </a>{' '}
        <span class={`state-label status-${item.status}`}>{statusLabel(item.status)}</span>
        {item.isOverdue && <span class="tag overdue">{tw('overdue')}</span>}
      </p>
      <p>{item.procedureName}</p>
      <p class="muted">
        {step && tw('atStep', { step: localized(step.name, step.nameEn), agency: step.agencyName })}
        {step && ' · '}
        {channelLabel(item.channel)} · {tw('submittedAt', { time: time(item.submittedAt) })}
      </p>
      {(step?.dueAt || item.dueAt) && (
        <p>
          {step?.dueAt && tw('stepDue', { time: time(step.dueAt) })}
          {step?.dueAt && item.dueAt && ' · '}
          {item.dueAt && tw('dossierDue', { time: time(item.dueAt) })}
        </p>
      )}
    </li>
  );
}
