import type { DocumentSlot } from '../../api/types';
import { type FieldErrors, slotErrorField } from './application';
import { DocumentSlotField } from './DocumentSlotField';
import type { SlotFiles } from './useDocumentSlots';

interface Props {
  headingId: string;
  title: string;
  /** Words under the heading, if any. */
  hint?: string | undefined;
  slots: DocumentSlot[];
  slotFiles: SlotFiles;
  errors: FieldErrors;
}

/** A form's document slots under their heading: each with its files and the ways to add them. */
export function DocumentsSection(props: Props) {
  const { headingId, title, hint, slots, slotFiles, errors } = props;
  return (
    <section class="form-section documents-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {hint && <p class="field-hint">{hint}</p>}
      {slots.map((slot) => (
        <DocumentSlotField
          key={slot.key}
          slot={slot}
          files={slotFiles.filesOfSlot.get(slot.key) ?? []}
          draftId={slotFiles.progressKey}
          error={errors[slotErrorField(slot.key)]}
          notice={slotFiles.notices[slot.key]}
          waiting={slotFiles.waitingFiles[slot.key] ?? 0}
          isCompressing={slotFiles.compressingSlot === slot.key}
          onAttach={(chosen, replaces) => slotFiles.attach(slot, chosen, replaces)}
          onRemove={slotFiles.remove}
        />
      ))}
    </section>
  );
}
