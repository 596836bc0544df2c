import { useMemo, useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { useLiveQuery } from '../../db/useLiveQuery';
import { formatDateTime, formatFileSize } from '../../lib/format';
import { isOnline } from '../../lib/online';
import { dossierReference } from '../../lib/reference';
import type { IssuedResult } from '../../sync/protocol';
import { discardSubmission, withdrawDossier } from '../../sync/submissions';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { currentIdentity } from '../identity/identity';
import { procedureName, readDeviceView } from './device-records';
import { DocumentList } from './DocumentList';
import { buildMyDossiers } from './dossier-list';
import { actionLabel, statusLabel, tm } from './messages';
import { StateLabel } from './StateLabel';
import { SupplementSection } from './SupplementSection';

/**
 * One application: its state, its timeline and documents; withdraw while it may be, answer a
 * supplement request when one is open.
 */
export function DossierPage({ id }: { id: string }) {
  const accountId = currentIdentity.value?.id;
  if (!accountId) {
    return (
      <>
        <h1 tabIndex={-1}>{tm('myDossiersTitle')}</h1>
        <p>{tm('signInFirst')}</p>
      </>
    );
  }
  return <Dossier accountId={accountId} id={id} />;
}

function Dossier({ accountId, id }: { accountId: string; id: string }) {
  const view = useLiveQuery(() => readDeviceView(accountId), [accountId]);
  const loaded = view.isLoaded ? view.value : undefined;
  const all = loaded ? buildMyDossiers(loaded) : undefined;
  const item = all && [...all.submitted, ...all.waiting].find((entry) => entry.id === id);
  const title = item && loaded ? procedureName(loaded, item.procedureCode) : tm('myDossiersTitle');
  useDocumentTitle(title);
  if (!loaded) return null;
  if (!item) {
    return (
      <>
        <h1 tabIndex={-1}>{tm('myDossiersTitle')}</h1>
        <p>{tm('dossierNotFound')}</p>
      </>
    );
  }
  const row = loaded.dossiers.find((entry) => entry.id === id);
  const data = row?.data ?? undefined;
  const submission = loaded.submissions.find((entry) => entry.id === id);
  const documents = data?.documents ?? submission?.documents ?? {};
  const timeline = data?.timeline ?? [];
  const allowed = data?.allowedActions ?? [];
  const isPending = row?.pendingMutationId !== undefined;
  return (
    <>
      <p>
        <a href="/dossiers">← {tm('myDossiersTitle')}</a>
      </p>
      <h1 tabIndex={-1}>{title}</h1>
      <p class="dossier-state">
        <StateLabel state={item.state} />
      </p>
      <p>
        {item.code
          ? tm('code', { code: item.code })
          : tm('reference', { reference: item.reference ?? dossierReference(id) })}
      </p>
      {submission && !data && <p class="muted">{tm('waitingNote')}</p>}
      {(item.state.kind === 'refused' || item.state.kind === 'blocked') && submission && (
        <div class="notice" role="alert">
          <p>
            <a class="button" href={item.href}>
              {tm('fixAndResend')}
            </a>{' '}
            <button type="button" onClick={() => void discardSubmission(id)}>
              {tm('discard')}
            </button>
          </p>
        </div>
      )}
      {data && (
        <SupplementSection accountId={accountId} dossierId={id} data={data} view={loaded} />
      )}
      {data?.result && <Result result={data.result} />}
      {data?.code && (
        <Receipt
          dossierId={id}
          code={data.code}
          receivedAt={data.receivedAt}
          dueAt={data.dueAt}
          lookupPath={data.lookupPath ?? null}
        />
      )}
      {timeline.length > 0 && (
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">{tm('timeline')}</h2>
          <ol class="timeline" aria-labelledby="timeline-heading">
            {timeline.map((entry, index) => (
              <li key={index}>
                <strong>{actionLabel(entry.action)}</strong> — {statusLabel(entry.status)}
                <br />
                <time dateTime={entry.at}>{formatDateTime(new Date(entry.at))}</time>
                {entry.note ? <p>{entry.note}</p> : null}
              </li>
            ))}
          </ol>
        </section>
      )}
      <DocumentList
        documents={documents}
        view={loaded}
        heading={tm('documents')}
        headingId="documents-heading"
      />
      {allowed.includes('withdraw') && !isPending && <Withdraw dossierId={id} />}
      {isPending && data?.status === 'withdrawn' && (
        <p role="status">{isOnline.value ? tm('localSending') : tm('withdrawQueued')}</p>
      )}
    </>
  );
}

function Withdraw({ dossierId }: { dossierId: string }) {
  const [isConfirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  if (!isConfirming) {
    return (
      <p>
        <button type="button" class="secondary" onClick={() => setConfirming(true)}>
          {tm('withdraw')}
        </button>
      </p>
    );
  }
  return (
    <form
      class="withdraw"
      onSubmit={(event) => {
        event.preventDefault();
        void withdrawDossier(dossierId, reason.trim() || undefined).then(() =>
          setConfirming(false),
        );
      }}
    >
      <p>{tm('withdrawConfirm')}</p>
      <div class="field">
        <label for="withdraw-reason">{tm('withdrawReason')}</label>
        <textarea
          id="withdraw-reason"
          maxLength={1000}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </div>
      <button type="submit">{tm('withdrawYes')}</button>{' '}
      <button type="button" class="secondary" onClick={() => setConfirming(false)}>
        {tm('cancel')}
      </button>
    </form>
  );
}

/** The signed result (văn bản kết quả), once approved: downloadable while online. */
function Result({ result }: { result: IssuedResult }) {
  const size = formatFileSize(result.bytes);
  return (
    <section aria-labelledby="result-heading" class="notice">
      <h2 id="result-heading">{tm('resultTitle')}</h2>
      {isOnline.value ? (
        <p>
          <a href={result.href} target="_blank" rel="noopener">
            {tm('resultDownload', { name: result.fileName, size })}
          </a>
        </p>
      ) : (
        <p>{tm('resultOffline', { name: result.fileName })}</p>
      )}
    </section>
  );
}

/** The receipt (giấy tiếp nhận và hẹn trả kết quả), offline too: code, dates and the QR. */
function Receipt(props: {
  dossierId: string;
  code: string;
  receivedAt: string | null;
  dueAt: string | null;
  lookupPath: string | null;
}) {
  const { dossierId, code, receivedAt, dueAt, lookupPath } = props;
  const qr = useMemo(() => {
    if (!lookupPath) return undefined;
    const svg = renderSVG(new URL(lookupPath, location.origin).href, { border: 2 });
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  }, [lookupPath]);
  return (
    <section aria-labelledby="receipt-heading" class="receipt">
      <h2 id="receipt-heading">{tm('receiptTitle')}</h2>
      <dl class="facts">
        <dt>{tm('receiptCode')}</dt>
        <dd class="code">{code}</dd>
        {receivedAt && (
          <>
            <dt>{tm('receiptReceivedAt')}</dt>
            <dd>{formatDateTime(new Date(receivedAt))}</dd>
          </>
        )}
        {dueAt && (
          <>
            <dt>{tm('receiptDueAt')}</dt>
            <dd>{formatDateTime(new Date(dueAt))}</dd>
          </>
        )}
      </dl>
      {qr && (
        <figure class="receipt-qr">
          <img src={qr} width={176} height={176} alt={tm('receiptQrAlt', { code })} />
          <figcaption>{tm('receiptQrCaption')}</figcaption>
        </figure>
      )}
      {isOnline.value && (
        <p>
          <a href={`/api/v1/dossiers/${encodeURIComponent(dossierId)}/receipt.pdf`}>
            {tm('receiptPdf')}
          </a>
        </p>
      )}
    </section>
  );
}
