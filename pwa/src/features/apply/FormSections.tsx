import type { FormField, FormSchema } from '../../api/types';
import type { AdministrativeUnit } from '../../db/catalogue-db';
import type { FieldErrors, FieldValue, FormValues } from './application';
import { DocumentsSection } from './DocumentsSection';
import { type ChangeKind, FieldControl, inLanguage } from './FieldControl';
import { ta } from './messages';
import type { SlotFiles } from './useDocumentSlots';

interface Props {
  schema: FormSchema;
  values: FormValues;
  errors: FieldErrors;
  communes: AdministrativeUnit[];
  today: string;
  onValue: (field: FormField, value: FieldValue, kind: ChangeKind) => void;
  onLeave: (field: FormField) => void;
  slotFiles: SlotFiles;
  /** Words under the documents' heading, if any. */
  documentsHint?: string;
}

/** A variant's form: its sections of fields, then its document slots if it asks for any. */
export function FormSections(props: Props) {
  const { schema, values, errors, communes, today, onValue, onLeave } = props;
  const slots = schema.documents ?? [];
  return (
    <>
      {schema.sections.map((section) => (
        <fieldset key={section.key} class="form-section">
          <legend>{inLanguage(section.title)}</legend>
          {section.fields.map((field) => (
            <FieldControl
              key={field.key}
              field={field}
              value={values[field.key] ?? ''}
              error={errors[field.key]}
              communes={communes}
              today={today}
              onValue={(value, kind) => onValue(field, value, kind)}
              onLeave={() => onLeave(field)}
            />
          ))}
        </fieldset>
      ))}
      {slots.length > 0 && (
        <DocumentsSection
          headingId="documents-heading"
          title={ta('documentsTitle')}
          hint={props.documentsHint}
          slots={slots}
          slotFiles={props.slotFiles}
          errors={errors}
        />
      )}
    </>
  );
}
