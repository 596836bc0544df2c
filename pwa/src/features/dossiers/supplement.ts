// A supplement request as the dossier's page shows it, and what the answer to it may hold.
// Pure, so the rules are tested without a browser.
import type { DocumentSlot, Procedure } from '../../api/types';
import type { BlobRow } from '../../db/account-db';
import { formatDay } from '../../lib/dates';
import type { DossierRecord, SupplementRequest } from '../../sync/protocol';

/** The open supplement request of a synced dossier, if it is waiting for one. */
export function readSupplementRequest(
  data: DossierRecord | null | undefined,
): SupplementRequest | undefined {
  if (data?.status !== 'supplement_requested') return undefined;
  return data.supplement ?? undefined;
}

/**
 * The slots an answer may fill: the document slots of the dossier's variant, none of them
 * required, since the request's list says what is needed (the server relaxes them alike).
 * None when the device's catalogue does not know the variant.
 */
export function supplementSlots(
  procedure: Procedure | undefined,
  variantKey: string,
): DocumentSlot[] {
  const variant = procedure?.variants?.find((candidate) => candidate.key === variantKey);
  return (variant?.form.documents ?? []).map((slot) => ({ ...slot, required: false }));
}

/** The device's files for the dossier's answer: attached on its page, not yet the dossier's. */
export function answerFiles(
  blobs: BlobRow[],
  dossierId: string,
  bound: Record<string, string[]>,
): BlobRow[] {
  const isBound = new Set(Object.values(bound).flat());
  return blobs.filter((blob) => blob.dossierId === dossierId && !isBound.has(blob.id));
}

/** 2026-12-10 as 10/12/2026, the way dates are written in Vietnam (and in en-GB). */
export function dayWords(isoDate: string): string {
  return formatDay(isoDate);
}
