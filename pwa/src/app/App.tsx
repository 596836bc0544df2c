import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { CatalogueFreshness } from '../features/catalogue/CatalogueFreshness';
import { CatalogueStatus } from '../features/catalogue/CatalogueStatus';
import { HomePage } from '../features/catalogue/HomePage';
import { t } from '../lib/i18n';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { OfflineBadge } from '../ui/OfflineBadge';
import { NotFoundPage } from './NotFoundPage';
import { UpdateBanner } from './UpdateBanner';

const ProcedureListPage = lazy(() =>
  import('../features/catalogue/ProcedureListPage').then((m) => m.ProcedureListPage),
);
const ProcedureDetailPage = lazy(() =>
  import('../features/catalogue/ProcedureDetailPage').then((m) => m.ProcedureDetailPage),
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
          <LanguageSwitch />
        </div>
        <MainNavigation />
      </header>
      <main id="main" tabIndex={-1}>
        <CatalogueStatus />
        <Router onRouteChange={focusPageHeading}>
          <Route path="/" component={HomePage} />
          <Route path="/procedures" component={ProcedureListPage} />
          <Route path="/procedures/:code" component={ProcedureDetailPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </main>
      <footer class="app-footer">
        <CatalogueFreshness />
      </footer>
    </LocationProvider>
  );
}
