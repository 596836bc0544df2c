// The sign-up form checked on the device before the server sees it: the same phone and CCCD
// rules as application forms (lib/form-rules.ts). The server checks everything again.
import type { SignUpDetails } from '../../api/identity';
import { cccdError, isValidPhone, normalizePhone } from '../../lib/form-rules';

export type SignUpField = keyof SignUpDetails;

export type SignUpForm = Record<SignUpField, string>;

export type SignUpErrorCode =
  | 'required'
  | 'phone'
  | 'email'
  | 'cccd_format'
  | 'cccd_province'
  | 'cccd_century';

export const SIGN_UP_FIELDS: readonly SignUpField[] = ['fullName', 'phone', 'email', 'cccd'];

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** People write CCCD numbers in groups: "079 227 001 234". */
const compact = (value: string) => value.replace(/[\s.-]/g, '');

/** The broken rule of each field, in form order; empty when the form may be sent. */
export function checkSignUp(
  form: SignUpForm,
  today: string,
): Partial<Record<SignUpField, SignUpErrorCode>> {
  const errors: Partial<Record<SignUpField, SignUpErrorCode>> = {};
  if (form.fullName.trim() === '') errors.fullName = 'required';
  if (form.phone.trim() === '') errors.phone = 'required';
  else if (!isValidPhone(form.phone)) errors.phone = 'phone';
  const email = form.email.trim();
  if (email !== '' && !EMAIL_PATTERN.test(email)) errors.email = 'email';
  const cccd = compact(form.cccd);
  if (cccd !== '') {
    const code = cccdError(cccd, today);
    if (code !== null) errors.cccd = code;
  }
  return errors;
}

/** What the server receives: trimmed, the phone in its national form, blanks left out. */
export function signUpDetails(form: SignUpForm): SignUpDetails {
  const email = form.email.trim();
  const cccd = compact(form.cccd);
  return {
    fullName: form.fullName.trim().replace(/\s+/g, ' '),
    phone: normalizePhone(form.phone),
    ...(email && { email }),
    ...(cccd && { cccd }),
  };
}
