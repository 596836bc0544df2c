// The application form's address and the words of the link to it, small enough for the
// catalogue's detail page to carry without the form itself.
import { defineMessages } from '../../lib/i18n';

/** The form of `code`; with `draftId`, that draft resumed. */
export function applyUrl(code: string, draftId?: string): string {
  const path = `/procedures/${encodeURIComponent(code)}/apply`;
  return draftId ? `${path}?draft=${encodeURIComponent(draftId)}` : path;
}

export const tl = defineMessages(
  {
    apply: 'Nộp hồ sơ',
    applyHint: 'Điền tờ khai và chụp giấy tờ ngay trên điện thoại, kể cả khi không có mạng.',
    signInToApply: 'Cần đăng nhập trước khi nộp hồ sơ.',
  },
  {
    apply: 'Apply',
    applyHint: 'Fill in the form and photograph the documents on your phone, even offline.',
    signInToApply: 'You will be asked to sign in first.',
  },
);
