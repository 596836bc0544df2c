import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { CatalogueFreshness } from '../features/catalogue/CatalogueFreshness';
import { CatalogueStatus } from '../features/catalogue/CatalogueStatus';
import { HomePage } from '../features/catalogue/HomePage';
import { AccountLink } from '../features/identity/AccountLink';
import { currentIdentity } from '../features/identity/identity';
import {
  ACCOUNT_PATH,
  DESK_RECOVERY_PATH,
  ENROLL_PATH,
  SIGN_IN_PATH,
  SIGN_UP_PATH,
} from '../features/identity/paths';
import { SessionExpiredNotice } from '../features/identity/SessionExpiredNotice';
import { t } from '../lib/i18n';
import { SyncIndicator } from '../sync/SyncIndicator';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { OfflineBadge } from '../ui/OfflineBadge';
import { NotFoundPage } from './NotFoundPage';
import { UpdateBanner } from './UpdateBanner';

const ProcedureListPage = lazy(() =>
  import('../features/catalogue/ProcedureListPage').then((m) => m.ProcedureListPage),
);
const MyDossiersPage = lazy(() =>
  import('../features/dossiers/MyDossiersPage').then((m) => m.MyDossiersPage),
);
const DossierPage = lazy(() =>
  import('../features/dossiers/DossierPage').then((m) => m.DossierPage),
);
const OutboxPage = lazy(() => import('../features/outbox/OutboxPage').then((m) => m.OutboxPage));
const InboxPage = lazy(() => import('../features/inbox/InboxPage').then((m) => m.InboxPage));
const LookupPage = lazy(() => import('../features/lookup/LookupPage').then((m) => m.LookupPage));
const ApplyPage = lazy(() => import('../features/apply/ApplyPage').then((m) => m.ApplyPage));
// The staff area: loaded only when a staff member opens it.
const WorkQueuePage = lazy(() =>
  import('../features/work/WorkQueuePage').then((m) => m.WorkQueuePage),
);
const WorkDossierPage = lazy(() =>
  import('../features/work/WorkDossierPage').then((m) => m.WorkDossierPage),
);
const LatePage = lazy(() => import('../features/work/LatePage').then((m) => m.LatePage));
const ReceiptPage = lazy(() => import('../features/work/ReceiptPage').then((m) => m.ReceiptPage));
const IntakePage = lazy(() => import('../features/work/IntakePage').then((m) => m.IntakePage));
const ProcedureDetailPage = lazy(() =>
  import('../features/catalogue/ProcedureDetailPage').then((m) => m.ProcedureDetailPage),
);

// The identity pages carry the passkey code and their own strings: citizens who only browse the
// catalogue never download them.
const SignUpPage = lazy(() => import('../features/identity/SignUpPage').then((m) => m.SignUpPage));
const SignInPage = lazy(() => import('../features/identity/SignInPage').then((m) => m.SignInPage));
const AccountPage = lazy(() =>
  import('../features/identity/AccountPage').then((m) => m.AccountPage),
);
const EnrollPage = lazy(() => import('../features/identity/EnrollPage').then((m) => m.EnrollPage));
const DeskRecoveryPage = lazy(() =>
  import('../features/identity/DeskRecoveryPage').then((m) => m.DeskRecoveryPage),
);

/** After moving to another page, put the keyboard and screen-reader focus on its heading. */
function focusPageHeading() {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function MainNavigation() {
  const { path } = useLocation();
  const links = [
    { href: '/', label: t('navHome'), isCurrent: path === '/' },
    { href: '/procedures', label: t('navProcedures'), isCurrent: path.startsWith('/procedures') },
    ...(currentIdentity.value?.kind === 'staff'
      ? [{ href: '/work', label: t('navWork'), isCurrent: path.startsWith('/work') }]
      : currentIdentity.value
        ? [
            { href: '/dossiers', label: t('navDossiers'), isCurrent: path.startsWith('/dossiers') },
            { href: '/inbox', label: t('navInbox'), isCurrent: path === '/inbox' },
          ]
        : []),
  ];
  return (
    <nav aria-label={t('mainNavigation')}>
      <ul>
        {links.map(({ href, label, isCurrent }) => (
          <li key={href}>
            <a href={href} aria-current={isCurrent ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
        <li class="account-item">
          <AccountLink />
        </li>
      </ul>
    </nav>
  );
}

export function App() {
  return (
    <LocationProvider>
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <UpdateBanner />
      <header class="app-header">
        <div class="header-row">
          <a class="brand" href="/">
            <span class="brand-name">{t('appName')}</span>
            <span class="brand-tagline">{t('appTagline')}</span>
          </a>
          <OfflineBadge />
          <SyncIndicator />
          <LanguageSwitch />
        </div>
        <MainNavigation />
      </header>
      <main id="main" tabIndex={-1}>
        <SessionExpiredNotice />
        <CatalogueStatus />
        <Router onRouteChange={focusPageHeading}>
          <Route path="/" component={HomePage} />
          <Route path="/procedures" component={ProcedureListPage} />
          <Route path="/procedures/:code/apply" component={ApplyPage} />
          <Route path="/procedures/:code" component={ProcedureDetailPage} />
          <Route path="/dossiers" component={MyDossiersPage} />
          <Route path="/dossiers/:id" component={DossierPage} />
          <Route path="/outbox" component={OutboxPage} />
          <Route path="/inbox" component={InboxPage} />
          <Route path="/work" component={WorkQueuePage} />
          <Route path="/work/late" component={LatePage} />
          <Route path="/work/intake" component={IntakePage} />
          <Route path="/work/dossiers/:id" component={WorkDossierPage} />
          <Route path="/work/dossiers/:id/receipt" component={ReceiptPage} />
          <Route path={DESK_RECOVERY_PATH} component={DeskRecoveryPage} />
          <Route path="/lookup" component={LookupPage} />
          <Route path="/lookup/:token" component={LookupPage} />
          <Route path={SIGN_UP_PATH} component={SignUpPage} />
          <Route path={SIGN_IN_PATH} component={SignInPage} />
          <Route path={ACCOUNT_PATH} component={AccountPage} />
          <Route path={ENROLL_PATH} component={EnrollPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </main>
      <footer class="app-footer">
        <CatalogueFreshness />
      </footer>
    </LocationProvider>
  );
}
