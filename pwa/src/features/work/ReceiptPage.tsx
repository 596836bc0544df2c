// The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) as a page the desk prints for the
// citizen: the official form's wording (Mẫu số 01, Thông tư 01/2018/TT-VPCP) in Vietnamese
// whatever the interface language, with the QR of the public lookup. The PDF says the same.
import { useMemo } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { apiCall } from '../../api/client';
import type { Answer } from '../../api/operations';
import { vietnamParts } from '../../lib/dates';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useResource } from '../identity/useResource';
import { tw } from './messages';
import { receiptPdfPath, WORK_PATH } from './routes';
import { StaffOnly } from './StaffOnly';

// The server sends the return method as a word; these are the ones the form has words for.
const RETURN_METHODS: Partial<Record<string, string>> = {
  counter: 'Tại Bộ phận Một cửa nơi nộp hồ sơ',
  post: 'Qua dịch vụ bưu chính công ích',
  online: 'Trực tuyến, trên ứng dụng',
};

/** "10 giờ 05 phút, ngày 23 tháng 11 năm 2026" in Vietnam's time, as the form words it. */
function spoken(iso: string): string {
  const { hour, minute, day, month, year } = vietnamParts(new Date(iso));
  return `${hour} giờ ${minute} phút, ngày ${day} tháng ${month} năm ${year}`;
}

function dateLine(iso: string): string {
  return spoken(iso).split(', ')[1]?.replace(/^n/, 'N') ?? '';
}

export function ReceiptPage({ id }: { id: string }) {
  useDocumentTitle(tw('receiptTitle'));
  return (
    <StaffOnly title={tw('receiptTitle')}>
      <ReceiptView id={id} />
    </StaffOnly>
  );
}

function ReceiptView({ id }: { id: string }) {
  const [receipt] = useResource(
    () =>
      apiCall<Answer<'getReceipt'>>('GET', `/api/v1/dossiers/${encodeURIComponent(id)}/receipt`),
    true,
  );
  if (receipt.status === 'loading') return <p role="status">{tw('loading')}</p>;
  if (receipt.status === 'failed') {
    return (
      <p class="notice" role="alert">
        {receipt.message}
      </p>
    );
  }
  const data = receipt.value;
  return (
    <>
      <p class="actions no-print">
        <a href={WORK_PATH}>← {tw('backToQueue')}</a>
        <button type="button" onClick={() => print()}>
          {tw('print')}
        </button>
        <a href={receiptPdfPath(id)} target="_blank" rel="noopener">
          {tw('receiptPdf')}
        </a>
      </p>
      <article class="printed-receipt" lang="vi">
        <header class="receipt-heading">
          <p class="receipt-agency">{data.agencyName.toUpperCase()}</p>
          <div>
            <p class="receipt-nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
            <p class="receipt-motto">Độc lập - Tự do - Hạnh phúc</p>
            <p>{dateLine(data.receivedAt)}</p>
          </div>
        </header>
        <h1 tabIndex={-1}>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</h1>
        <p class="receipt-code">Mã hồ sơ: {data.code}</p>
        <p>{data.agencyName} tiếp nhận hồ sơ của:</p>
        <p class="indent">Ông/Bà: {data.applicantName}</p>
        <p class="indent">Số điện thoại: {data.applicantPhone}</p>
        <p>Nội dung yêu cầu giải quyết: {data.procedureName}</p>
        <p>1. Thành phần hồ sơ nộp gồm:</p>
        <ol class="indent">
          {data.documents.map((document) => (
            <li key={document.name}>
              {document.name}
              {document.files > 1 ? ` (${document.files} tệp)` : ''}
            </li>
          ))}
        </ol>
        <p>
          2. Số lượng hồ sơ: 01 bộ, {data.documents.reduce((sum, d) => sum + d.files, 0)} tệp
        </p>
        <p>3. Thời gian giải quyết hồ sơ theo quy định: {data.processingTime ?? '—'}</p>
        <p>4. Thời gian nhận hồ sơ: {spoken(data.receivedAt)}</p>
        <p>
          <strong>
            5. Thời gian trả kết quả giải quyết hồ sơ:{' '}
            {data.dueAt ? spoken(data.dueAt) : 'theo thông báo của cơ quan giải quyết'}
          </strong>
        </p>
        <p>6. Đăng ký nhận kết quả: {RETURN_METHODS[data.returnMethod] ?? data.returnMethod}</p>
        <LookupQr url={data.lookupUrl} code={data.code} />
        <div class="receipt-signatures">
          <div>
            <p>
              <strong>NGƯỜI NỘP HỒ SƠ</strong>
            </p>
            <p class="muted">(Ký và ghi rõ họ tên)</p>
            <p class="signature-name">{data.applicantName}</p>
          </div>
          <div>
            <p>
              <strong>NGƯỜI TIẾP NHẬN HỒ SƠ</strong>
            </p>
            <p class="muted">(Ký và ghi rõ họ tên)</p>
            <p class="signature-name">{data.receivedBy ?? ''}</p>
          </div>
        </div>
      </article>
    </>
  );
}

function LookupQr({ url, code }: { url: string; code: string }) {
  const qr = useMemo(() => {
    const svg = renderSVG(url, { border: 2 });
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  }, [url]);
  return (
    <figure class="receipt-qr">
      <img src={qr} width={144} height={144} alt={`Mã QR tra cứu hồ sơ ${code}`} />
      <figcaption>
        <strong>Quét mã để tra cứu tình trạng hồ sơ</strong>
        <br />
        <span class="muted">{url}</span>
      </figcaption>
    </figure>
  );
}
