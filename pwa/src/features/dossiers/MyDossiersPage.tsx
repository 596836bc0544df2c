import { useLiveQuery } from '../../db/useLiveQuery';
import { formatDateTime } from '../../lib/format';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { currentIdentity } from '../identity/identity';
import { readDeviceView, procedureName, type DeviceView } from './device-records';
import { buildMyDossiers, type ListItem } from './dossier-list';
import { tm } from './messages';
import { StateLabel } from './StateLabel';

/** "Hồ sơ của tôi": drafts, applications waiting to be sent and submitted dossiers. */
export function MyDossiersPage() {
  useDocumentTitle(tm('myDossiersTitle'));
  const accountId = currentIdentity.value?.id;
  return (
    <>
      <h1 tabIndex={-1}>{tm('myDossiersTitle')}</h1>
      <p class="lead">{tm('myDossiersIntro')}</p>
      {accountId ? <Listing accountId={accountId} /> : <p>{tm('signInFirst')}</p>}
    </>
  );
}

function Listing({ accountId }: { accountId: string }) {
  const view = useLiveQuery(() => readDeviceView(accountId), [accountId]);
  if (!view.isLoaded) return null;
  const { drafts, waiting, submitted } = buildMyDossiers(view.value);
  if (drafts.length + waiting.length + submitted.length === 0) {
    return (
      <p>
        {tm('nothingYet')} <a href="/procedures">{tm('findProcedure')}</a>
      </p>
    );
  }
  return (
    <>
      <Group id="waiting" title={tm('groupWaiting')} items={waiting} view={view.value} />
      <Group id="submitted" title={tm('groupSubmitted')} items={submitted} view={view.value} />
      <Group id="drafts" title={tm('groupDrafts')} items={drafts} view={view.value} />
    </>
  );
}

function Group(props: { id: string; title: string; items: ListItem[]; view: DeviceView }) {
  const { id, title, items, view } = props;
  if (items.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <ul class="dossier-list" aria-labelledby={`${id}-heading`}>
        {items.map((item) => (
          <li key={item.id} class="dossier-card">
            <a href={item.href}>
              <span class="dossier-name">{procedureName(view, item.procedureCode)}</span>
            </a>
            <StateLabel state={item.state} />
            <span class="muted">
              {item.code
                ? tm('code', { code: item.code })
                : item.reference
                  ? tm('reference', { reference: item.reference })
                  : null}
              {item.at ? ` · ${tm('updatedAt', { time: formatDateTime(new Date(item.at)) })}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
