// Wire types of the catalogue API and the problem details every refusal carries: aliases of the
// types generated from the server's OpenAPI document (./schema.ts, `npm run api-types`), so a
// server change that breaks the PWA fails `tsc`. msgspec leaves out a field that holds its
// default (omit_defaults), so those fields are optional; the generated type notes the default.
import type { components } from './schema';

type Schemas = components['schemas'];

export type Sector = Schemas['Sector'];
export type AgencyRef = Schemas['AgencyRef'];
export type ProcessingTime = Schemas['ProcessingTime'];
export type Fee = Schemas['Fee'];
export type RequiredDocument = Schemas['RequiredDocument'];
/** A label in Vietnamese (authoritative) and English; `Text` in forms.py. */
export type LocalizedText = Schemas['Text'];
export type Choice = Schemas['Choice'];
export type FormField = Schemas['FormField'];
export type FormSection = Schemas['FormSection'];
export type DocumentSlot = Schemas['DocumentSlot'];
export type FormSchema = Schemas['FormSchema'];
export type Variant = Schemas['Variant'];
export type Procedure = Schemas['Procedure'];
export type ProcedurePage = Schemas['ProcedurePage'];

export type AgencyLevel = Procedure['agencyLevel'];
export type OnlineLevel = Procedure['onlineLevel'];
export type TimeUnit = ProcessingTime['unit'];
export type Confidence = NonNullable<Procedure['confidence']>;
export type FieldType = FormField['type'];

/** RFC 9457 problem details, in the language the request asked for: `type` is stable,
 * `reason` says which case of it, `errors` lists each field's broken rule. */
export type Problem = Schemas['Problem'];
/** One field's broken rule; its message is in the request's language. */
export type FieldProblem = Schemas['ProblemError'];
