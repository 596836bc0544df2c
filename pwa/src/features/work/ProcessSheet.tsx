import { useEffect, useState } from 'preact/hooks';
import type { SheetRow } from '../../api/work';
import { formatDateTime } from '../../lib/format';
import { actionLabel } from '../dossiers/messages';
import { agencyName, loadAgencies } from './agencies';
import { outcomeLabel, tw } from './messages';

type Agencies = Awaited<ReturnType<typeof loadAgencies>>;

/** The agencies' names once loaded (codes until then, or if the list cannot be fetched). */
export function useAgencies(): Agencies | undefined {
  const [agencies, setAgencies] = useState<Agencies>();
  useEffect(() => {
    loadAgencies().then(setAgencies, () => undefined);
  }, []);
  return agencies;
}

/** The process-control sheet (phiếu kiểm soát quá trình giải quyết hồ sơ): every action and
 * handover with who gave and who took it, when, the step's due time and its outcome. */
export function ProcessSheet({ rows }: { rows: SheetRow[] }) {
  const agencies = useAgencies();
  return (
    <section aria-labelledby="sheet-heading" class="process-sheet">
      <h2 id="sheet-heading">{tw('sheet')}</h2>
      <div class="table-scroll">
        <table aria-labelledby="sheet-heading">
          <thead>
            <tr>
              <th scope="col">{tw('sheetAt')}</th>
              <th scope="col">{tw('sheetAction')}</th>
              <th scope="col">{tw('sheetFrom')}</th>
              <th scope="col">{tw('sheetTo')}</th>
              <th scope="col">{tw('sheetDue')}</th>
              <th scope="col">{tw('sheetOutcome')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <td>
                  <time dateTime={row.at}>{formatDateTime(new Date(row.at))}</time>
                </td>
                <td>
                  {actionLabel(row.action)}
                  {row.note ? <div class="muted">{row.note}</div> : null}
                </td>
                <td>{agencyName(agencies, row.agencyCode)}</td>
                <td>{agencyName(agencies, row.toAgencyCode)}</td>
                <td>{row.stepDueAt ? formatDateTime(new Date(row.stepDueAt)) : ''}</td>
                <td class={row.outcome ? `outcome-${row.outcome}` : undefined}>
                  {row.outcome ? outcomeLabel(row.outcome) : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
