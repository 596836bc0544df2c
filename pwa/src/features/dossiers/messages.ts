import { defineMessages } from '../../lib/i18n';

const vi = {
    myDossiersTitle: 'Hồ sơ của tôi',
    myDossiersIntro:
      'Bản nháp, hồ sơ đang chờ gửi và hồ sơ đã nộp — xem được cả khi không có mạng.',
    signInFirst: 'Hãy đăng nhập để xem hồ sơ của bạn.',
    nothingYet: 'Bạn chưa có hồ sơ nào. Tìm một thủ tục và chọn “Nộp hồ sơ”.',
    findProcedure: 'Tìm thủ tục',
    groupDrafts: 'Bản nháp',
    groupWaiting: 'Đang chờ gửi',
    groupSubmitted: 'Đã nộp',
    reference: 'Mã tạm: {reference}',
    code: 'Mã hồ sơ: {code}',
    updatedAt: 'Cập nhật {time}',
    submittedAt: 'Nộp lúc {time}',
    continueDraft: 'Tiếp tục điền',
    fixAndResend: 'Sửa và gửi lại',
    discard: 'Bỏ hồ sơ này',
    localDraft: 'Bản nháp',
    localWaitingFiles: 'Đang tải ảnh lên ({done}/{total})',
    localQueued: 'Chờ gửi lên máy chủ',
    localSending: 'Đang gửi',
    localRefused: 'Bị từ chối: {reason}',
    localBlocked: 'Không gửi được: {reason}',
    status_submitted: 'Đã nộp, chờ tiếp nhận',
    status_received: 'Đã tiếp nhận',
    status_refused: 'Bị từ chối tiếp nhận',
    status_processing: 'Đang giải quyết',
    status_supplement_requested: 'Cần bổ sung',
    status_awaiting_payment: 'Chờ nộp phí',
    status_withdrawn: 'Đã rút',
    status_stopped: 'Dừng xử lý',
    status_result_ready: 'Có kết quả',
    status_returned: 'Đã trả kết quả',
    reason_invalid_form: 'thông tin chưa hợp lệ — mở hồ sơ để xem từng mục',
    reason_file_refused: 'máy chủ không nhận một tệp đính kèm — hãy chụp lại',
    reason_file_missing: 'thiếu tệp đính kèm trên máy này — hãy đính kèm lại',
    reason_already_exists: 'hồ sơ này đã được gửi',
    reason_unknown_procedure: 'thủ tục không còn trong danh mục',
    reason_unknown_variant: 'trường hợp của thủ tục đã thay đổi',
    reason_not_withdrawable: 'hồ sơ đã được tiếp nhận, không thể rút',
    reason_not_found: 'không tìm thấy hồ sơ',
    reason_citizens_only: 'chỉ tài khoản công dân được nộp hồ sơ',
    reason_other: 'máy chủ từ chối ({reason})',
    dossierNotFound: 'Không có hồ sơ này trên máy. Nếu vừa nộp ở máy khác, hãy kết nối mạng để tải về.',
    timeline: 'Tiến trình',
    documents: 'Giấy tờ đã nộp',
    fields: 'Thông tin trong tờ khai',
    returnMethod: 'Nhận kết quả: {method}',
    returnCounter: 'tại bộ phận một cửa',
    returnPost: 'qua bưu điện',
    returnOnline: 'trực tuyến',
    action_submit: 'Nộp hồ sơ',
    action_withdraw: 'Rút hồ sơ',
    action_receive: 'Tiếp nhận hồ sơ',
    action_refuse: 'Từ chối tiếp nhận',
    action_intake: 'Tiếp nhận tại quầy',
    action_other: 'Cập nhật',
    withdraw: 'Rút hồ sơ',
    withdrawConfirm: 'Rút hồ sơ này? Sau khi rút, hồ sơ sẽ không được giải quyết.',
    withdrawReason: 'Lý do rút (không bắt buộc)',
    withdrawYes: 'Xác nhận rút hồ sơ',
    cancel: 'Không rút',
    withdrawQueued: 'Yêu cầu rút hồ sơ sẽ được gửi khi có mạng.',
    waitingNote: 'Hồ sơ được lưu trên máy này và sẽ tự gửi khi có mạng. Đừng xóa dữ liệu của trình duyệt.',
    fileProgress: '{name}: {state}',
    fileWaiting: 'chờ tải lên',
    fileUploading: 'đang tải lên {percent}%',
    fileDone: 'đã tải lên',
    fileFailed: 'chưa xong, sẽ thử lại',
    fileRefused: 'bị từ chối',
} as const;

export const tm = defineMessages(vi, {
    myDossiersTitle: 'My applications',
    myDossiersIntro: 'Drafts, applications waiting to be sent and submitted ones — offline too.',
    signInFirst: 'Sign in to see your applications.',
    nothingYet: 'You have no applications yet. Find a procedure and choose “Apply”.',
    findProcedure: 'Find a procedure',
    groupDrafts: 'Drafts',
    groupWaiting: 'Waiting to be sent',
    groupSubmitted: 'Submitted',
    reference: 'Temporary reference: {reference}',
    code: 'Dossier code: {code}',
    updatedAt: 'Updated {time}',
    submittedAt: 'Submitted {time}',
    continueDraft: 'Continue',
    fixAndResend: 'Fix and send again',
    discard: 'Discard this application',
    localDraft: 'Draft',
    localWaitingFiles: 'Uploading photos ({done}/{total})',
    localQueued: 'Waiting to be sent to the server',
    localSending: 'Sending',
    localRefused: 'Refused: {reason}',
    localBlocked: 'Cannot be sent: {reason}',
    status_submitted: 'Submitted, waiting for reception',
    status_received: 'Received',
    status_refused: 'Not accepted',
    status_processing: 'Being processed',
    status_supplement_requested: 'More documents needed',
    status_awaiting_payment: 'Waiting for payment',
    status_withdrawn: 'Withdrawn',
    status_stopped: 'Processing stopped',
    status_result_ready: 'Result ready',
    status_returned: 'Result returned',
    reason_invalid_form: 'some information is not valid — open it to see each item',
    reason_file_refused: 'the server refused an attached file — take it again',
    reason_file_missing: 'an attached file is missing on this device — attach it again',
    reason_already_exists: 'this application was already sent',
    reason_unknown_procedure: 'the procedure is no longer in the catalogue',
    reason_unknown_variant: 'the case of this procedure has changed',
    reason_not_withdrawable: 'the dossier has been received and can no longer be withdrawn',
    reason_not_found: 'dossier not found',
    reason_citizens_only: 'only citizen accounts can apply',
    reason_other: 'refused by the server ({reason})',
    dossierNotFound:
      'This application is not on this device. If you just applied on another device, connect to download it.',
    timeline: 'Progress',
    documents: 'Documents handed in',
    fields: 'What the form says',
    returnMethod: 'Result: {method}',
    returnCounter: 'at the one-stop desk',
    returnPost: 'by post',
    returnOnline: 'online',
    action_submit: 'Application submitted',
    action_withdraw: 'Application withdrawn',
    action_receive: 'Received by the desk',
    action_refuse: 'Not accepted by the desk',
    action_intake: 'Received at the counter',
    action_other: 'Updated',
    withdraw: 'Withdraw the application',
    withdrawConfirm: 'Withdraw this application? Once withdrawn it will not be processed.',
    withdrawReason: 'Reason (optional)',
    withdrawYes: 'Yes, withdraw it',
    cancel: 'Keep it',
    withdrawQueued: 'The withdrawal will be sent when there is a network.',
    waitingNote:
      'The application is kept on this device and will be sent by itself when there is a network. Do not clear the browser’s data.',
    fileProgress: '{name}: {state}',
    fileWaiting: 'waiting to upload',
    fileUploading: 'uploading {percent}%',
    fileDone: 'uploaded',
    fileFailed: 'not finished, will retry',
    fileRefused: 'refused',
});

const KEYS: ReadonlySet<string> = new Set(Object.keys(vi));

type Key = Parameters<typeof tm>[0];

function known(key: string): key is Key {
  return KEYS.has(key);
}

/** A dossier status in words (the national statuses). */
export function statusLabel(status: string): string {
  const key = `status_${status}`;
  return known(key) ? tm(key) : status;
}

/** Why the server refused something, in words the citizen can act on. */
export function reasonLabel(reason: string): string {
  const key = `reason_${reason}`;
  return known(key) ? tm(key) : tm('reason_other', { reason });
}

/** A timeline entry's action in words. */
export function actionLabel(action: string): string {
  const key = `action_${action}`;
  return known(key) ? tm(key) : tm('action_other');
}
