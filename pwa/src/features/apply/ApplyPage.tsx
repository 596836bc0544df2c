import { useLocation } from 'preact-iso';
import { useEffect, useMemo } from 'preact/hooks';
import type { Procedure } from '../../api/types';
import { accountDb, findEntity } from '../../db/account-db';
import { findCommunes } from '../../db/catalogue-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { todayInVietnam } from '../../lib/format';
import { t } from '../../lib/i18n';
import { uuidv7 } from '../../lib/uuid';
import { isDraftSubmitted } from '../../sync/submissions';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { catalogueSync } from '../catalogue/catalogue-sync';
import { procedureName } from '../catalogue/labels';
import { procedureUrl } from '../catalogue/routes';
import { useProcedure } from '../catalogue/useCatalogue';
import { currentIdentity } from '../identity/identity';
import { signInUrl } from '../identity/paths';
import { ApplicationForm } from './ApplicationForm';
import { currentVariants } from './application';
import { ta } from './messages';
import { applyUrl } from './routes';

const DRAFT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The draft id just given to a new form of `code`, until the page shows it: the router may
 * render the address without one more than once while it moves, and each render must not
 * start another draft (the form would be remounted, losing what was typed).
 */
let newDraft: { code: string; id: string } | undefined;

function newDraftId(code: string): string {
  if (newDraft?.code !== code) newDraft = { code, id: uuidv7() };
  return newDraft.id;
}

/**
 * "Nộp hồ sơ": the application form of a procedure, `?draft=<id>` resuming a draft. A new
 * form gets its draft id at once (in the address, so a reload resumes it); the draft itself is
 * stored with the first change.
 */
export function ApplyPage({ code }: { code: string }) {
  const { url, path, query, route } = useLocation();
  const accountId = currentIdentity.value?.id;
  const draftId = query['draft'];
  const hasDraftId = draftId !== undefined && DRAFT_ID.test(draftId);
  useEffect(() => {
    // While the next page's code loads, the router keeps showing this one at the new address:
    // that is not an address without a draft id.
    if (!path.endsWith('/apply')) return;
    if (!accountId) route(signInUrl(url), true);
    else if (!hasDraftId) route(applyUrl(code, newDraftId(code)), true);
    else if (newDraft?.id === draftId) newDraft = undefined; // shown: the next form is new
  }, [accountId, hasDraftId, code, draftId, path]);

  const found = useProcedure(code);
  const procedure = found.isLoaded ? found.value : undefined;
  const isWaiting = !found.isLoaded || (!procedure && catalogueSync.value.status === 'loading');
  const title = procedure
    ? ta('applyTitle', { name: procedureName(procedure) })
    : isWaiting
      ? t('loading')
      : t('procedureNotFound', { code });
  useDocumentTitle(title);
  return (
    <>
      <p class="breadcrumb">
        <a href={procedureUrl(code)}>
          <span aria-hidden="true">←</span>
          {ta('backToProcedure')}
        </a>
      </p>
      <h1 tabIndex={-1}>{title}</h1>
      {!accountId ? (
        <p>
          {ta('signInFirst')} <a href={signInUrl(url)}>{t('signIn')}</a>
        </p>
      ) : (
        procedure &&
        hasDraftId && (
          <Application
            key={`${accountId}/${draftId}`}
            procedure={procedure}
            accountId={accountId}
            draftId={draftId}
          />
        )
      )}
    </>
  );
}

/** The draft and the communes from the device, then the form. */
function Application({
  procedure,
  accountId,
  draftId,
}: {
  procedure: Procedure;
  accountId: string;
  draftId: string;
}) {
  const today = todayInVietnam();
  const variants = useMemo(() => currentVariants(procedure, today), [procedure, today]);
  const draft = useLiveQuery(
    () => findEntity(accountDb(accountId), 'draft', draftId),
    [accountId, draftId],
  );
  const communes = useLiveQuery(findCommunes, []);
  const submitted = useLiveQuery(
    () => findSubmittedDossier(accountId, draftId),
    [accountId, draftId],
  );
  if (!draft.isLoaded || !communes.isLoaded || !submitted.isLoaded) {
    return <p role="status">{t('loading')}</p>;
  }
  if (submitted.value) {
    return (
      <p>
        {ta('alreadySubmitted')}{' '}
        <a href={`/dossiers/${encodeURIComponent(submitted.value)}`}>{ta('seeDossier')}</a>
      </p>
    );
  }
  if (variants.length === 0) return <p>{ta('noForm')}</p>;
  return (
    <ApplicationForm
      procedure={procedure}
      variants={variants}
      accountId={accountId}
      draftId={draftId}
      row={draft.value}
      communes={communes.value}
      today={today}
    />
  );
}

/** The dossier this draft was submitted as, while that submission stands (not refused). */
async function findSubmittedDossier(
  accountId: string,
  draftId: string,
): Promise<string | undefined> {
  const db = accountDb(accountId);
  if (!(await isDraftSubmitted(db, draftId))) return undefined;
  const submissions = await db.submissions.where('draftId').equals(draftId).sortBy('createdAt');
  return submissions.at(-1)?.id;
}
