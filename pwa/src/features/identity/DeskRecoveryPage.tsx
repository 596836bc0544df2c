// The one-stop desk recovers a citizen's account in person: find the account, check the CCCD
// card (or VNeID, or a passport with the same 12-digit number) against the account's CCCD, and
// issue a one-time QR from which the citizen's new phone creates a passkey. An account without
// a CCCD gets one recorded first, with the officer's attestation; recovery from a CCCD this
// officer recorded then needs another officer (or 72 hours). The server checks all of it; this
// page shows its answers beside the fields.
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import {
  type AccountMatch,
  type DocumentType,
  findAccountsAtDesk,
  issueDeskRecovery,
  type PasskeyLink,
  recordCccdAtDesk,
} from '../../api/identity';
import { formatDateTime } from '../../lib/format';
import { defineMessages } from '../../lib/i18n';
import { TextField } from '../../ui/TextField';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { lookupQuery } from '../work/intake';
import { StaffOnly } from '../work/StaffOnly';
import { explainFailure } from './explain';
import { Progress, type Task } from './Progress';

const d = defineMessages(
  {
    title: 'Khôi phục tài khoản tại quầy',
    intro:
      'Khi công dân mất mọi passkey: đối chiếu giấy tờ gốc với người đến quầy, rồi cấp mã QR để điện thoại mới của họ tạo passkey. Công dân được báo ngay; passkey mới chưa thể xóa passkey cũ trong 72 giờ.',
    lookup: 'Số điện thoại hoặc số CCCD của công dân',
    lookupHint: '10 chữ số điện thoại di động, hoặc 12 chữ số CCCD',
    lookupInvalid: 'Nhập số di động (10 chữ số) hoặc số CCCD (12 chữ số).',
    find: 'Tìm tài khoản',
    finding: 'Đang tìm…',
    notFound: 'Không có tài khoản công dân nào với số này.',
    choose: 'Chọn {name}',
    phoneMasked: 'Điện thoại {phone}',
    cccdMasked: 'CCCD {cccd}',
    noCccd: 'Chưa có số CCCD',
    chosen: 'Tài khoản: {name}',
    another: 'Tìm tài khoản khác',
    checkTitle: 'Đối chiếu giấy tờ',
    documentType: 'Giấy tờ công dân xuất trình',
    typeCccd: 'Thẻ căn cước / CCCD',
    typeVneid: 'Tài khoản định danh điện tử VNeID',
    typePassport: 'Hộ chiếu',
    documentNumber: 'Số định danh cá nhân trên giấy tờ',
    documentNumberHint: '12 chữ số; phải trùng số CCCD của tài khoản',
    note: 'Ghi chú',
    issue: 'Cấp mã QR khôi phục',
    issuing: 'Đang kiểm tra…',
    fixFields: 'Không cấp mã khôi phục: xem mục được đánh dấu.',
    qrAlt: 'Mã QR để công dân tạo passkey mới',
    scan: 'Công dân quét mã QR bằng điện thoại mới, hoặc mở liên kết dưới đây. Dùng được một lần, đến {time}.',
    recordTitle: 'Ghi số CCCD cho tài khoản',
    recordIntro:
      'Tài khoản này chưa có số CCCD nên chưa thể khôi phục tại quầy. Hãy đối chiếu thẻ CCCD gốc với người đến quầy rồi ghi số. Sau khi bạn ghi, một cán bộ khác phải cấp mã khôi phục (hoặc đợi 72 giờ).',
    cccd: 'Số CCCD trên thẻ',
    attest: 'Tôi đã đối chiếu thẻ CCCD gốc với người đến quầy: ảnh và thông tin khớp.',
    record: 'Ghi số CCCD',
    recorded:
      'Đã ghi số CCCD. Công dân đã được thông báo. Một cán bộ khác cấp mã khôi phục, hoặc bạn cấp sau 72 giờ.',
  },
  {
    title: 'Account recovery at the desk',
    intro:
      "When a citizen has lost every passkey: check the original papers against the person at the desk, then issue a QR code from which their new phone creates a passkey. The citizen is told at once; the new passkey cannot remove the old ones for 72 hours.",
    lookup: "The citizen's mobile number or CCCD number",
    lookupHint: 'A 10-digit mobile number, or the 12-digit CCCD number',
    lookupInvalid: 'Enter a mobile number (10 digits) or a CCCD number (12 digits).',
    find: 'Find the account',
    finding: 'Searching…',
    notFound: 'No citizen account has this number.',
    choose: 'Choose {name}',
    phoneMasked: 'Phone {phone}',
    cccdMasked: 'CCCD {cccd}',
    noCccd: 'No CCCD number yet',
    chosen: 'Account: {name}',
    another: 'Find another account',
    checkTitle: 'Check the papers',
    documentType: 'Document the citizen shows',
    typeCccd: 'Identity card / CCCD',
    typeVneid: 'VNeID electronic identity',
    typePassport: 'Passport',
    documentNumber: 'Personal identification number on the document',
    documentNumberHint: "12 digits; it must be the account's CCCD number",
    note: 'Note',
    issue: 'Issue the recovery QR',
    issuing: 'Checking…',
    fixFields: 'No recovery issued: see the marked field.',
    qrAlt: 'QR code for the citizen to create a new passkey',
    scan: 'The citizen scans the QR code with the new phone, or opens the link below. It works once, until {time}.',
    recordTitle: "Record the account's CCCD",
    recordIntro:
      'This account has no CCCD number, so it cannot be recovered at the desk yet. Check the original CCCD card against the person at the desk, then record the number. Once you have, another officer must issue the recovery (or 72 hours must pass).',
    cccd: 'CCCD number on the card',
    attest: 'I checked the original CCCD card against the person at the desk: the photo and details match.',
    record: 'Record the CCCD',
    recorded:
      'CCCD recorded. The citizen has been told. Another officer issues the recovery, or you can after 72 hours.',
  },
);

type Lookup =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'found'; matches: AccountMatch[] }
  | { state: 'failed'; message: string };

export function DeskRecoveryPage() {
  useDocumentTitle(d('title'));
  return (
    <StaffOnly title={d('title')}>
      <h1 tabIndex={-1}>{d('title')}</h1>
      <p class="lead">{d('intro')}</p>
      <DeskRecovery />
    </StaffOnly>
  );
}

function DeskRecovery() {
  const [chosen, setChosen] = useState<AccountMatch | null>(null);
  const [isRecorded, setRecorded] = useState(false);
  const choose = (match: AccountMatch | null) => {
    setChosen(match);
    setRecorded(false);
  };
  if (!chosen) return <AccountLookup onChoose={choose} />;
  return (
    <>
      <div class="notice" role="status">
        <p class="item-title">{d('chosen', { name: chosen.fullName })}</p>
        <p class="muted">
          {d('phoneMasked', { phone: chosen.phoneMasked })} ·{' '}
          {chosen.cccdMasked ? d('cccdMasked', { cccd: chosen.cccdMasked }) : d('noCccd')}
        </p>
        <button type="button" class="secondary" onClick={() => choose(null)}>
          {d('another')}
        </button>
      </div>
      {isRecorded && (
        <p class="notice" role="status">
          {d('recorded')}
        </p>
      )}
      {chosen.cccdMasked ? (
        <IdentityCheckForm account={chosen} />
      ) : (
        <RecordCccdForm
          account={chosen}
          onRecorded={(updated) => {
            setChosen(updated);
            setRecorded(true);
          }}
        />
      )}
    </>
  );
}

function AccountLookup({ onChoose }: { onChoose: (match: AccountMatch) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  async function find(event: Event) {
    event.preventDefault();
    const query = lookupQuery(text);
    if (!query) {
      setError(d('lookupInvalid'));
      return;
    }
    setError(undefined);
    setLookup({ state: 'searching' });
    try {
      setLookup({ state: 'found', matches: await findAccountsAtDesk(query) });
    } catch (failure) {
      setLookup({ state: 'failed', message: explainFailure(failure) });
    }
  }
  return (
    <>
      <form class="stacked-form" noValidate onSubmit={find}>
        <TextField
          id="recovery-lookup"
          label={d('lookup')}
          hint={d('lookupHint')}
          value={text}
          onValue={setText}
          error={error}
          inputMode="numeric"
          autocomplete="off"
        />
        <button type="submit" disabled={lookup.state === 'searching'}>
          {d('find')}
        </button>
      </form>
      <div role="status">
        {lookup.state === 'searching' && <p>{d('finding')}</p>}
        {lookup.state === 'found' && lookup.matches.length === 0 && <p>{d('notFound')}</p>}
      </div>
      {lookup.state === 'failed' && (
        <p class="field-error" role="alert">
          {lookup.message}
        </p>
      )}
      {lookup.state === 'found' && lookup.matches.length > 0 && (
        <ul class="item-list">
          {lookup.matches.map((match) => (
            <li key={match.id} class="item">
              <p class="item-title">{match.fullName}</p>
              <p class="muted">
                {d('phoneMasked', { phone: match.phoneMasked })} ·{' '}
                {match.cccdMasked ? d('cccdMasked', { cccd: match.cccdMasked }) : d('noCccd')}
              </p>
              <button type="button" class="secondary" onClick={() => onChoose(match)}>
                {d('choose', { name: match.fullName })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The server's message for `field` when it refused the request field by field. */
function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem?.errors?.find((problem) => problem.field === field)?.message;
}

function IdentityCheckForm({ account }: { account: AccountMatch }) {
  const [documentType, setDocumentType] = useState<DocumentType>('cccd');
  const [number, setNumber] = useState('');
  const [note, setNote] = useState('');
  const [numberError, setNumberError] = useState<string>();
  const [task, setTask] = useState<Task>({ status: 'idle' });
  const [link, setLink] = useState<PasskeyLink | null>(null);
  async function issue(event: Event) {
    event.preventDefault();
    setTask({ status: 'working', message: d('issuing') });
    setNumberError(undefined);
    setLink(null);
    try {
      setLink(
        await issueDeskRecovery(account.id, {
          documentType,
          documentNumber: number,
          ...(note.trim() && { note: note.trim() }),
        }),
      );
      setTask({ status: 'idle' });
    } catch (error) {
      const message = fieldMessage(error, 'documentNumber');
      setNumberError(message);
      setTask({ status: 'failed', message: message ? d('fixFields') : explainFailure(error) });
      if (message) document.getElementById('recovery-number')?.focus();
    }
  }
  return (
    <section class="account-section" aria-labelledby="recovery-check-heading">
      <h2 id="recovery-check-heading">{d('checkTitle')}</h2>
      <form class="stacked-form" noValidate onSubmit={issue}>
        <div class="field">
          <label for="recovery-document-type">{d('documentType')}</label>
          <select
            id="recovery-document-type"
            onChange={(event) => setDocumentType(event.currentTarget.value as DocumentType)}
          >
            <option value="cccd" selected={documentType === 'cccd'}>
              {d('typeCccd')}
            </option>
            <option value="vneid" selected={documentType === 'vneid'}>
              {d('typeVneid')}
            </option>
            <option value="passport" selected={documentType === 'passport'}>
              {d('typePassport')}
            </option>
          </select>
        </div>
        <TextField
          id="recovery-number"
          label={d('documentNumber')}
          hint={d('documentNumberHint')}
          value={number}
          onValue={setNumber}
          error={numberError}
          inputMode="numeric"
          autocomplete="off"
          required
        />
        <TextField
          id="recovery-note"
          label={d('note')}
          value={note}
          onValue={setNote}
          isOptional
          autocomplete="off"
        />
        <Progress task={task} />
        <button type="submit" disabled={task.status === 'working'}>
          {d('issue')}
        </button>
      </form>
      {link && (
        <figure class="passkey-link">
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.qrSvg)}`}
            alt={d('qrAlt')}
          />
          <figcaption>
            <p>{d('scan', { time: formatDateTime(new Date(link.expiresAt)) })}</p>
            <p class="link-text">
              <a href={link.url}>{link.url}</a>
            </p>
          </figcaption>
        </figure>
      )}
    </section>
  );
}

function RecordCccdForm({
  account,
  onRecorded,
}: {
  account: AccountMatch;
  onRecorded: (match: AccountMatch) => void;
}) {
  const [cccd, setCccd] = useState('');
  const [isAttested, setAttested] = useState(false);
  const [errors, setErrors] = useState<{ cccd?: string; attested?: string }>({});
  const [task, setTask] = useState<Task>({ status: 'idle' });
  async function record(event: Event) {
    event.preventDefault();
    setTask({ status: 'working', message: d('issuing') });
    setErrors({});
    try {
      const updated = await recordCccdAtDesk(account.id, { cccd, attested: isAttested });
      setTask({ status: 'idle' });
      onRecorded(updated);
    } catch (error) {
      setErrors({
        cccd: fieldMessage(error, 'cccd'),
        attested: fieldMessage(error, 'attested'),
      });
      setTask({ status: 'failed', message: explainFailure(error) });
    }
  }
  return (
    <section class="account-section" aria-labelledby="recovery-record-heading">
      <h2 id="recovery-record-heading">{d('recordTitle')}</h2>
      <p>{d('recordIntro')}</p>
      <form class="stacked-form" noValidate onSubmit={record}>
        <TextField
          id="recovery-cccd"
          label={d('cccd')}
          value={cccd}
          onValue={setCccd}
          error={errors.cccd}
          inputMode="numeric"
          autocomplete="off"
          required
        />
        <div class={errors.attested ? 'field has-error' : 'field'}>
          {errors.attested && (
            <p id="recovery-attest-error" class="field-error">
              {errors.attested}
            </p>
          )}
          <label>
            <input
              type="checkbox"
              style={{ width: '1.5rem', minHeight: '1.5rem', marginRight: '0.5rem' }}
              checked={isAttested}
              aria-describedby={errors.attested ? 'recovery-attest-error' : undefined}
              onChange={(event) => setAttested(event.currentTarget.checked)}
            />
            {d('attest')}
          </label>
        </div>
        <Progress task={task} />
        <button type="submit" disabled={task.status === 'working'}>
          {d('record')}
        </button>
      </form>
    </section>
  );
}
