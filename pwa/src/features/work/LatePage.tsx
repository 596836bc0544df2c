// For leaders: the open dossiers of their agencies that are late or due soon.
import { useState } from 'preact/hooks';
import { fetchLate } from '../../api/work';
import { formatDateTime } from '../../lib/format';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { statusLabel } from '../dossiers/messages';
import { useResource } from '../identity/useResource';
import { tw } from './messages';
import { WORK_PATH, workDossierPath } from './routes';
import { StaffOnly } from './StaffOnly';

const HORIZONS = [24, 72, 168] as const;

export function LatePage() {
  useDocumentTitle(tw('lateTitle'));
  return (
    <StaffOnly title={tw('lateTitle')}>
      <p>
        <a href={WORK_PATH}>← {tw('backToQueue')}</a>
      </p>
      <Late />
    </StaffOnly>
  );
}

function Late() {
  const [hours, setHours] = useState<number>(HORIZONS[0]);
  const [late, reload] = useResource(() => fetchLate(hours), true);
  return (
    <>
      <h1 tabIndex={-1}>{tw('lateTitle')}</h1>
      <p class="lead">{tw('lateIntro', { hours })}</p>
      <p class="actions">
        <label for="late-horizon" class="visually-hidden">
          {tw('lateTitle')}
        </label>
        <select
          id="late-horizon"
          value={hours}
          onChange={(event) => {
            setHours(Number(event.currentTarget.value));
            reload();
          }}
        >
          {HORIZONS.map((value) => (
            <option key={value} value={value}>
              {value} h
            </option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={reload}>
          {tw('refresh')}
        </button>
      </p>
      {late.status === 'loading' && <p role="status">{tw('loading')}</p>}
      {late.status === 'failed' && (
        <p class="notice" role="alert">
          {late.message}
        </p>
      )}
      {late.status === 'ready' &&
        (late.value.length === 0 ? (
          <p>{tw('lateEmpty')}</p>
        ) : (
          <div class="table-scroll">
            <table aria-label={tw('lateTitle')}>
              <thead>
                <tr>
                  <th scope="col">{tw('dossierCode')}</th>
                  <th scope="col">{tw('currentStep')}</th>
                  <th scope="col">{tw('sheetDue')}</th>
                  <th scope="col">{tw('resultDue')}</th>
                  <th scope="col">{tw('sheetOutcome')}</th>
                </tr>
              </thead>
              <tbody>
                {late.value.map((item) => (
                  <tr key={item.id} class={item.isOverdue ? 'is-overdue' : undefined}>
                    <td>
                      <a href={workDossierPath(item.id)}>{item.code ?? item.reference}</a>
                      <div class="muted">{statusLabel(item.status)}</div>
                    </td>
                    <td>{item.stepKey}</td>
                    <td>{item.stepDueAt ? formatDateTime(new Date(item.stepDueAt)) : ''}</td>
                    <td>{item.dueAt ? formatDateTime(new Date(item.dueAt)) : ''}</td>
                    <td>
                      {item.isOverdue ? tw('overdue') : ''}
                      {item.apologized ? ` · ${tw('lateApologized')}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}
