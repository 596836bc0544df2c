import { apiGet } from '../../api/client';
import type { Answer } from '../../api/operations';
import { localized } from '../../lib/i18n';

type Agency = Answer<'listAgencies'>[number];

let loading: Promise<Map<string, Agency>> | undefined;

/** The province's agencies by code, fetched once per visit to the staff area. */
export function loadAgencies(): Promise<Map<string, Agency>> {
  loading ??= apiGet('/api/v1/agencies')
    .then((response) => response.json() as Promise<Answer<'listAgencies'>>)
    .then((list) => new Map(list.map((agency) => [agency.code, agency])))
    .catch((error: unknown) => {
      loading = undefined; // try again next time
      throw error;
    });
  return loading;
}

/** An agency's name in the UI language, or its code when unknown. */
export function agencyName(
  agencies: Map<string, Agency> | undefined,
  code?: string | null,
): string {
  if (!code) return '';
  const agency = agencies?.get(code);
  return agency ? localized(agency.name, agency.nameEn) : code;
}
