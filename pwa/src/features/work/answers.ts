// The form's answers as the desk reads them: grouped under the form's own sections, with the
// catalogue's labels, choices in words, numbers and dates the Vietnamese way.
import type { FormField, FormSection, LocalizedText, Procedure } from '../../api/types';
import type { AdministrativeUnit } from '../../db/catalogue-db';

export interface AnswerRow {
  key: string;
  /** The field's label, or null for a field the catalogue no longer has. */
  label: LocalizedText | null;
  /** The answer in words; a chosen option's label, or the text itself. */
  text: LocalizedText | string;
}

export interface AnswerGroup {
  key: string;
  /** The form section's title, or null for answers outside the catalogue's form. */
  title: LocalizedText | null;
  rows: AnswerRow[];
}

const NUMBER = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 4 });

function isBlank(value: unknown): boolean {
  return value === '' || value === null || value === undefined;
}

/** One answer in words. */
export function answerText(
  field: FormField | undefined,
  value: unknown,
  communes: AdministrativeUnit[],
): LocalizedText | string {
  if (value && typeof value === 'object') {
    const address = value as { communeCode?: string; detail?: string };
    const commune = communes.find((unit) => unit.code === address.communeCode);
    return [address.detail, commune?.name ?? address.communeCode].filter(Boolean).join(', ');
  }
  const text = String(value);
  if (field?.type === 'choice') {
    return field.options?.find((option) => option.value === text)?.label ?? text;
  }
  if (field?.type === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) {
    return NUMBER.format(Number(text));
  }
  if (field?.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [year, month, day] = text.split('-');
    return `${day}/${month}/${year}`;
  }
  return text;
}

/** The answers under the sections of the variant that has the most of them, in the form's
 * order; anything else last, under its key. */
export function groupAnswers(
  procedure: Procedure | undefined,
  fields: Record<string, unknown>,
  communes: AdministrativeUnit[],
): AnswerGroup[] {
  const answered = Object.keys(fields).filter((key) => !isBlank(fields[key]));
  const coverage = (sections: FormSection[]) =>
    sections.flatMap((s) => s.fields).filter((f) => answered.includes(f.key)).length;
  const variants = [...(procedure?.variants ?? [])].sort(
    (a, b) => coverage(b.form.sections) - coverage(a.form.sections),
  );
  const sections = variants[0]?.form.sections ?? [];
  const placed = new Set<string>();
  const groups: AnswerGroup[] = [];
  for (const section of sections) {
    const rows = section.fields
      .filter((field) => answered.includes(field.key))
      .map((field) => {
        placed.add(field.key);
        return { key: field.key, label: field.label, text: answerText(field, fields[field.key], communes) };
      });
    if (rows.length > 0) groups.push({ key: section.key, title: section.title, rows });
  }
  const rest = answered.filter((key) => !placed.has(key));
  if (rest.length > 0) {
    groups.push({
      key: '',
      title: null,
      rows: rest.map((key) => ({ key, label: null, text: answerText(undefined, fields[key], communes) })),
    });
  }
  return groups;
}
