import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { applyUrl, tl } from '../apply/routes';
import type { Fee, Procedure, RequiredDocument, Variant } from '../../api/types';
import { recordProcedureView } from '../../db/account-db';
import { formatProcessingTime, formatVnd } from '../../lib/format';
import { language, localized, t } from '../../lib/i18n';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { currentIdentity } from '../identity/identity';
import { signInUrl } from '../identity/paths';
import { catalogueSync } from './catalogue-sync';
import {
  agencyLevelLabel,
  agencyName,
  onlineLevelLabel,
  procedureName,
  sectorName,
} from './labels';
import { proceduresUrl } from './routes';
import { useProcedure } from './useCatalogue';

export function ProcedureDetailPage({ code }: { code: string }) {
  const found = useProcedure(code);
  const procedure = found.isLoaded ? found.value : undefined;
  const isWaiting = !found.isLoaded || (!procedure && catalogueSync.value.status === 'loading');
  const title = procedure
    ? procedureName(procedure)
    : isWaiting
      ? t('loading')
      : t('procedureNotFound', { code });
  useDocumentTitle(title);
  useRecordView(procedure);
  return (
    <>
      <p class="breadcrumb">
        <a href={proceduresUrl()}>
          <span aria-hidden="true">←</span>
          {t('backToList')}
        </a>
      </p>
      {/* One h1 in every state, so the focus set on arrival survives the data arriving. */}
      <h1 tabIndex={-1}>{title}</h1>
      {procedure && <ProcedureDetails procedure={procedure} />}
    </>
  );
}

/** Remember the procedure in the signed-in account's own "recently viewed" (on the device). */
function useRecordView(procedure: Procedure | undefined): void {
  const accountId = currentIdentity.value?.id;
  useEffect(() => {
    if (!accountId || !procedure) return;
    const { code, name, nameEn } = procedure;
    recordProcedureView(accountId, nameEn ? { code, name, nameEn } : { code, name }).catch(
      (error: unknown) => console.error('Could not remember the viewed procedure', error),
    );
  }, [accountId, procedure?.code]);
}

function ProcedureDetails({ procedure }: { procedure: Procedure }) {
  const variants = procedure.variants ?? [];
  const isEnglish = language.value === 'en';
  return (
    <>
      {isEnglish && procedure.nameEn && (
        <p class="official-name">
          {t('officialName')}: <span lang="vi">{procedure.name}</span>
        </p>
      )}
      {(procedure.confidence ?? 'unverified') === 'unverified' && (
        <aside class="notice" aria-labelledby="unverified-heading">
          <h2 id="unverified-heading">{t('unverifiedTitle')}</h2>
          <p>{t('unverifiedNote')}</p>
        </aside>
      )}
      <dl class="summary">
        <Fact term={t('procedureCode')}>
          <span class="code">{procedure.code}</span>
        </Fact>
        <Fact term={t('sector')}>{sectorName(procedure.sector)}</Fact>
        <Fact term={t('agency')}>{agencyName(procedure)}</Fact>
        <Fact term={t('agencyLevel')}>{agencyLevelLabel(procedure.agencyLevel)}</Fact>
        <Fact term={t('onlineLevel')}>{onlineLevelLabel(procedure.onlineLevel)}</Fact>
        {variants.length !== 1 && (
          <Fact term={t('processingTime')}>{formatProcessingTime(procedure.processingTime)}</Fact>
        )}
      </dl>
      {variants.length > 0 && <ApplyLink code={procedure.code} />}
      {variants.length === 1 && variants[0] ? (
        <VariantDetails variant={variants[0]} headingLevel={2} />
      ) : (
        variants.map((variant) => (
          <section key={variant.key} aria-labelledby={`variant-${variant.key}`}>
            <h2 id={`variant-${variant.key}`}>
              {t('variant', { name: localized(variant.name, variant.nameEn) })}
            </h2>
            <VariantDetails variant={variant} headingLevel={3} />
          </section>
        ))
      )}
    </>
  );
}

/** The way into the application form; signed-out citizens sign in first and come back. */
function ApplyLink({ code }: { code: string }) {
  const isSignedIn = currentIdentity.value !== null;
  const href = isSignedIn ? applyUrl(code) : signInUrl(applyUrl(code));
  return (
    <div class="apply-call">
      <a class="button-link apply-link" href={href} aria-describedby="apply-hint">
        {tl('apply')}
      </a>
      <p id="apply-hint" class="muted">
        {isSignedIn ? tl('applyHint') : tl('signInToApply')}
      </p>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function VariantDetails({ variant, headingLevel }: { variant: Variant; headingLevel: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const { processingTime } = variant;
  return (
    <>
      <Heading>{t('documents')}</Heading>
      <ol class="documents">
        {variant.documents.map((document) => (
          <DocumentItem key={document.key} document={document} />
        ))}
      </ol>
      <Heading>{t('fees')}</Heading>
      <ul class="fees">
        {variant.fees.map((fee, index) => (
          <FeeItem key={index} fee={fee} />
        ))}
      </ul>
      <Heading>{t('processingTime')}</Heading>
      <p class="processing-time">
        <strong>{formatProcessingTime(processingTime)}</strong>
        {processingTime.note && (
          <span class="muted"> — {localized(processingTime.note, processingTime.noteEn)}</span>
        )}
      </p>
    </>
  );
}

function DocumentItem({ document }: { document: RequiredDocument }) {
  const { originals = 0, copies = 1, photoAllowed = true, required = true } = document;
  const counts = [
    originals > 0 && t('originals', { count: originals }),
    copies > 0 && t('copies', { count: copies }),
  ].filter(Boolean);
  return (
    <li>
      <span class="document-name">{localized(document.name, document.nameEn)}</span>
      {!required && <span class="tag">{t('optional')}</span>}
      <span class="muted document-terms">
        {[...counts, t(photoAllowed ? 'photoAllowed' : 'paperOnly')].join(' · ')}
      </span>
    </li>
  );
}

function FeeItem({ fee }: { fee: Fee }) {
  return (
    <li>
      <span>{localized(fee.name, fee.nameEn)}</span>
      <strong class="amount">{formatVnd(fee.amountVnd)}</strong>
      {(fee.per || fee.rule) && (
        <span class="muted fee-terms">
          {[fee.per && t('feePer', { per: fee.per }), fee.rule].filter(Boolean).join(' · ')}
        </span>
      )}
    </li>
  );
}
