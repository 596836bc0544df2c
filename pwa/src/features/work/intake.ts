// Walk-in intake's pure parts: what the desk typed to find the citizen, the new applicant's
// fields (checked by the form rules like any field), the errors in the order the page shows
// them, the server's field names mapped onto the page's, and the request itself.
import type { IntakeRequest, NewApplicant, ReturnMethod } from '../../api/intake';
import type { RoleAssignment } from '../../api/identity';
import type { FormField, FormSchema } from '../../api/types';
import type { FieldProblem, Problem } from '../../api/types';
import { isValidPhone, normalizePhone, validateField } from '../../lib/form-rules';
import {
  type FieldValue,
  formData,
  type FormValues,
  orderErrors,
  type ShownError,
} from '../apply/application';

/** What the lookup box holds: a mobile number or a CCCD number, or neither. */
export type LookupQuery = { phone: string } | { cccd: string };

/** People write numbers in groups: "0912 345 678", "079.227.001.234". */
const compact = (typed: string) => typed.replace(/[\s.\-()]/g, '');

export function lookupQuery(typed: string): LookupQuery | null {
  const digits = compact(typed);
  if (/^\d{12}$/.test(digits)) return { cccd: digits };
  return isValidPhone(typed) ? { phone: normalizePhone(typed) } : null;
}

/** The new applicant's fields, as form fields, so the shared controls and rules apply. */
export const APPLICANT_FIELDS: readonly FormField[] = [
  {
    key: 'applicantFullName',
    type: 'text',
    label: { vi: 'Họ và tên người nộp', en: 'Applicant’s full name' },
    required: true,
    minLength: 2,
    maxLength: 100,
  },
  {
    key: 'applicantPhone',
    type: 'phone',
    label: { vi: 'Số điện thoại di động', en: 'Mobile number' },
    required: true,
  },
  {
    key: 'applicantCccd',
    type: 'cccd',
    label: { vi: 'Số CCCD (không bắt buộc)', en: 'CCCD number (optional)' },
    required: false,
  },
];

/** Errors about the page itself rather than a field: filed under these keys. */
export const APPLICANT = 'applicant';
export const PROCEDURE = 'procedure';
export const VARIANT = 'variant';

/** The server's names for the request's own parts, and the page's. */
const SERVER_FIELDS: Record<string, string> = {
  applicant: APPLICANT,
  accountId: APPLICANT,
  'applicant.fullName': 'applicantFullName',
  'applicant.phone': 'applicantPhone',
  'applicant.cccd': 'applicantCccd',
  procedureCode: PROCEDURE,
  variantKey: VARIANT,
};

/** The new applicant's details as sent: national phone form, CCCD without spaces. */
export function newApplicant(values: FormValues): NewApplicant {
  const data = formData([...APPLICANT_FIELDS], values);
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
  const cccd = text('applicantCccd');
  return {
    fullName: text('applicantFullName').trim(),
    phone: text('applicantPhone'),
    ...(cccd ? { cccd } : {}),
  };
}

/** One applicant field's broken rule, or null. */
export function applicantFieldError(
  field: FormField,
  value: FieldValue,
  today: string,
): ShownError | null {
  const data = formData([field], { [field.key]: value });
  return validateField(field, data[field.key], today, new Set());
}

export function applicantErrors(values: FormValues, today: string): ShownError[] {
  return APPLICANT_FIELDS.flatMap((field) => {
    const error = applicantFieldError(field, values[field.key] ?? '', today);
    return error ? [error] : [];
  });
}

const PAGE_ORDER = [APPLICANT, ...APPLICANT_FIELDS.map((field) => field.key), PROCEDURE, VARIANT];

/**
 * One error per field in the page's order: the applicant, the procedure and its case, then the
 * form's fields and document slots; anything else last.
 */
export function orderIntakeErrors(
  schema: FormSchema | undefined,
  errors: ShownError[],
): ShownError[] {
  const page: ShownError[] = [];
  for (const key of PAGE_ORDER) {
    const error = errors.find((candidate) => candidate.field === key);
    if (error) page.push(error);
  }
  const rest = errors.filter((error) => !PAGE_ORDER.includes(error.field));
  const firstOfEach = rest.filter(
    (error, index) => rest.findIndex((other) => other.field === error.field) === index,
  );
  return [...page, ...(schema ? orderErrors(schema, firstOfEach) : firstOfEach)];
}

/** The server's field problems (RFC 9457 `errors`), filed under the page's keys. */
export function problemErrors(problem: Problem | undefined): ShownError[] {
  return (problem?.errors ?? []).map(({ field, code, params }: FieldProblem) => {
    const words = params ? messageParams(params) : {};
    return {
      field: SERVER_FIELDS[field] ?? field,
      code,
      ...(Object.keys(words).length > 0 ? { params: words } : {}),
    };
  });
}

/** The values of a rule that fill its message: the problem's `params` may hold any JSON
 * value, and a message has words and numbers only. */
function messageParams(params: Record<string, unknown>): Record<string, string | number> {
  const words: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' || typeof value === 'number') words[name] = value;
  }
  return words;
}

/** The agencies where this person holds the desk role, in the order of their grants. */
export function deskAgencies(roles: readonly RoleAssignment[]): RoleAssignment[] {
  const seen = new Set<string>();
  return roles.filter((grant) => {
    if (grant.role !== 'desk' || !grant.agencyCode || seen.has(grant.agencyCode)) return false;
    seen.add(grant.agencyCode);
    return true;
  });
}

/** Who applies: a found account, or a new citizen from the applicant fields. */
export type Applicant = { accountId: string } | { applicant: NewApplicant };

export function intakeRequest(parts: {
  dossierId: string;
  agencyCode: string;
  procedureCode: string;
  variantKey: string;
  fields: Record<string, unknown>;
  documents: Record<string, string[]>;
  applicant: Applicant;
  returnMethod: ReturnMethod;
}): IntakeRequest {
  const { applicant, ...rest } = parts;
  return { ...rest, ...applicant };
}

/** "Đang tải ảnh lên (1/2)": how many of the dossier's files have arrived on the server. */
export interface UploadTally {
  done: number;
  total: number;
  /** Files the server refused (or whose registration it refused): they must be taken again. */
  refused: string[];
}
