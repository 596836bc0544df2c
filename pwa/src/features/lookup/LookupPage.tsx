// The public lookup (DESIGN §7): anyone holding the receipt sees the dossier's progress, by the
// QR's token (/lookup/<token>) or by its code and the last four digits of the applicant's phone.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api/client';
import type { Answer } from '../../api/operations';
import type { components } from '../../api/schema';
import { formatDateTime } from '../../lib/format';
import { defineMessages, localized } from '../../lib/i18n';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { actionLabel, statusLabel } from '../dossiers/messages';

const tl = defineMessages(
  {
    title: 'Tra cứu hồ sơ',
    intro: 'Nhập mã hồ sơ trên giấy tiếp nhận và 4 số cuối điện thoại của người nộp, hoặc quét mã QR.',
    code: 'Mã hồ sơ',
    phone: '4 số cuối điện thoại',
    search: 'Tra cứu',
    loading: 'Đang tra cứu…',
    notFound: 'Không tìm thấy hồ sơ với thông tin này. Hãy kiểm tra mã hồ sơ và 4 số cuối điện thoại.',
    tooMany: 'Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau {seconds} giây.',
    slowed: 'Mã hồ sơ này vừa bị tra cứu sai nhiều lần. Vui lòng thử lại sau {seconds} giây.',
    failed: 'Không tra cứu được lúc này. Hãy kiểm tra kết nối mạng.',
    status: 'Tình trạng',
    received: 'Ngày tiếp nhận',
    due: 'Hẹn trả kết quả',
    finished: 'Ngày hoàn thành',
    overdue: 'Quá hạn',
    now: 'Đang ở bước',
    timeline: 'Quá trình xử lý',
  },
  {
    title: 'Look up a dossier',
    intro: 'Enter the dossier code from the receipt and the last 4 digits of the applicant’s phone, or scan the QR code.',
    code: 'Dossier code',
    phone: 'Last 4 digits of the phone',
    search: 'Look up',
    loading: 'Looking up…',
    notFound: 'No dossier matches. Check the dossier code and the last 4 digits of the phone.',
    tooMany: 'Too many lookups. Please try again in {seconds} seconds.',
    slowed: 'This dossier code was recently looked up with wrong digits several times. Please try again in {seconds} seconds.',
    failed: 'The lookup failed. Check the network connection.',
    status: 'Status',
    received: 'Received',
    due: 'Result due',
    finished: 'Finished',
    overdue: 'Overdue',
    now: 'Current step',
    timeline: 'Processing history',
  },
);

/** A name in Vietnamese and, when there is one, English. */
type Name = components['schemas']['Name'];
/** What the public sees of a dossier: the same by the QR's token as by code and digits. */
type Progress = Answer<'lookupDossierByCode'> | Answer<'lookupDossierByToken'>;

type Lookup =
  | { state: 'idle' | 'loading' }
  | { state: 'found'; progress: Progress }
  | { state: 'failed'; message: string };

// Wrong digits slow a code down for everyone (a few seconds, a minute at most): say so, so the
// owner knows to wait rather than doubt their own digits.
const SLOWED = 'urn:motcua:problem:lookup-slowed';

function explain(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return tl('notFound');
  if (error instanceof ApiError && error.status === 429) {
    const seconds = error.retryAfter ?? 60;
    return tl(error.problem?.type === SLOWED ? 'slowed' : 'tooMany', { seconds });
  }
  return tl('failed');
}

const when = (iso?: string | null) => (iso ? formatDateTime(new Date(iso)) : '—');
const named = (name?: Name | null) => (name ? localized(name.vi, name.en) : '');

export function LookupPage({ token }: { token?: string }) {
  useDocumentTitle(tl('title'));
  const [lookup, setLookup] = useState<Lookup>({ state: token ? 'loading' : 'idle' });
  const [code, setCode] = useState('');
  const [phone, setPhone] = useState('');

  function run(path: string) {
    setLookup({ state: 'loading' });
    apiCall<Progress>('GET', path).then(
      (progress) => setLookup({ state: 'found', progress }),
      (error: unknown) => setLookup({ state: 'failed', message: explain(error) }),
    );
  }

  useEffect(() => {
    if (token) run(`/api/v1/lookup/${encodeURIComponent(token)}`);
  }, [token]);

  return (
    <>
      <h1 tabIndex={-1}>{tl('title')}</h1>
      {!token && (
        <form
          class="stacked-form"
          onSubmit={(event) => {
            event.preventDefault();
            const query = new URLSearchParams({ code: code.trim(), phone: phone.trim() });
            run(`/api/v1/lookup?${query}`);
          }}
        >
          <p class="lead">{tl('intro')}</p>
          <div class="field">
            <label for="lookup-code">{tl('code')}</label>
            <input id="lookup-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="lookup-phone">{tl('phone')}</label>
            <input
              id="lookup-phone"
              required
              inputMode="numeric"
              pattern="[0-9]{4}"
              maxLength={4}
              value={phone}
              onInput={(e) => setPhone(e.currentTarget.value)}
            />
          </div>
          <button type="submit">{tl('search')}</button>
        </form>
      )}
      {lookup.state === 'loading' && <p role="status">{tl('loading')}</p>}
      {lookup.state === 'failed' && (
        <p role="alert" class="notice">
          {lookup.message}
        </p>
      )}
      {lookup.state === 'found' && <ProgressView progress={lookup.progress} />}
    </>
  );
}

function ProgressView({ progress }: { progress: Progress }) {
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">{named(progress.procedureName)}</h2>
      <dl class="facts">
        <dt>{tl('code')}</dt>
        <dd class="code">{progress.code}</dd>
        <dt>{tl('status')}</dt>
        <dd>
          {statusLabel(progress.status)}
          {progress.isOverdue ? ` — ${tl('overdue')}` : ''}
        </dd>
        <dt>{tl('received')}</dt>
        <dd>{when(progress.receivedAt)}</dd>
        <dt>{tl('due')}</dt>
        <dd>{when(progress.dueAt)}</dd>
        {progress.finishedAt && (
          <>
            <dt>{tl('finished')}</dt>
            <dd>{when(progress.finishedAt)}</dd>
          </>
        )}
        {progress.currentStep && (
          <>
            <dt>{tl('now')}</dt>
            <dd>
              {named(progress.currentStep.name)}
              {progress.currentStep.agency ? ` — ${named(progress.currentStep.agency)}` : ''}
            </dd>
          </>
        )}
      </dl>
      <h3 id="history-heading">{tl('timeline')}</h3>
      <ol class="timeline" aria-labelledby="history-heading">
        {progress.timeline.map((entry, index) => (
          <li key={index}>
            <strong>{actionLabel(entry.action)}</strong> — {statusLabel(entry.status)}
            {entry.agency ? ` (${named(entry.agency)})` : ''}
            <br />
            <time dateTime={entry.at}>{when(entry.at)}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}
