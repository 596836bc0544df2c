import { accountDb, entitiesOf } from '../../db/account-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { defineMessages, language } from '../../lib/i18n';
import { formatDateTime } from '../../lib/format';
import type { NotificationRecord } from '../../sync/protocol';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { currentIdentity } from '../identity/identity';

const ti = defineMessages(
  {
    inboxTitle: 'Thông báo',
    inboxIntro: 'Tin báo về hồ sơ của bạn, lưu trên máy để đọc cả khi không có mạng.',
    signInFirst: 'Hãy đăng nhập để xem thông báo.',
    empty: 'Chưa có thông báo nào.',
    openDossier: 'Xem hồ sơ',
  },
  {
    inboxTitle: 'Notifications',
    inboxIntro: 'News about your applications, kept on this device to read offline too.',
    signInFirst: 'Sign in to see your notifications.',
    empty: 'No notifications yet.',
    openDossier: 'Open the application',
  },
);

async function readInbox(accountId: string): Promise<NotificationRecord[]> {
  const rows = await entitiesOf(accountDb(accountId), 'notification');
  return rows
    .flatMap((row) => (row.data ? [row.data] : []))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The in-app inbox: the server's notifications, synced like any record. */
export function InboxPage() {
  useDocumentTitle(ti('inboxTitle'));
  const accountId = currentIdentity.value?.id;
  return (
    <>
      <h1 tabIndex={-1}>{ti('inboxTitle')}</h1>
      <p class="lead">{ti('inboxIntro')}</p>
      {accountId ? <Inbox accountId={accountId} /> : <p>{ti('signInFirst')}</p>}
    </>
  );
}

function Inbox({ accountId }: { accountId: string }) {
  const notices = useLiveQuery(() => readInbox(accountId), [accountId]);
  if (!notices.isLoaded) return null;
  if (notices.value.length === 0) return <p>{ti('empty')}</p>;
  return (
    <ul class="inbox" aria-label={ti('inboxTitle')}>
      {notices.value.map((notice) => {
        const text = notice.content[language.value];
        return (
          <li key={notice.id} class="notice-card">
            <h2>{text.title}</h2>
            <p>{text.body}</p>
            <p class="muted">
              <time dateTime={notice.createdAt}>{formatDateTime(new Date(notice.createdAt))}</time>
              {notice.dossierId && (
                <>
                  {' · '}
                  <a href={`/dossiers/${notice.dossierId}`}>{ti('openDossier')}</a>
                </>
              )}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
