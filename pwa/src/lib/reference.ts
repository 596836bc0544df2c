/**
 * The short reference a citizen sees until the desk gives the dossier its code: the last eight
 * hex digits of the dossier id (random in a UUIDv7), in two groups. Same rule as the server's
 * `dossier_reference`.
 */
export function dossierReference(dossierId: string): string {
  const tail = dossierId.replaceAll('-', '').slice(-8).toUpperCase();
  return `${tail.slice(0, 4)}-${tail.slice(4)}`;
}
