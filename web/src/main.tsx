/** The Greenlight dashboard: a single-page app with hash routes (shareable URLs that need no server support). */
import { StrictMode, useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { DeveloperPage } from './pages/Developer.js';
import { FrameworkDiffPage, FrameworkPage, FrameworksPage } from './pages/Frameworks.js';
import { ModelPage } from './pages/Model.js';
import { RegistryPage } from './pages/Registry.js';
import { ReviewerPage } from './pages/Reviewer.js';
import { StatisticsPage } from './pages/Statistics.js';
import './styles.css';
import { useRoute } from './util.js';

const NAV = [
  ['/', 'Registry'],
  ['/frameworks', 'Frameworks'],
  ['/statistics', 'Statistics'],
  ['/review', 'Reviewer console'],
  ['/develop', 'Developer console'],
] as const;

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return <RegistryPage query={query} />;
  if (parts[0] === 'models' && parts.length === 3) return <ModelPage id={`${parts[1]}/${parts[2]}`} />;
  if (parts[0] === 'frameworks' && parts.length === 1) return <FrameworksPage />;
  if (parts[0] === 'frameworks' && parts.length === 3 && parts[2] === 'diff')
    return <FrameworkDiffPage id={parts[1]!} from={query.get('from')} to={query.get('to')} />;
  if (parts[0] === 'frameworks' && parts.length === 3)
    return <FrameworkPage id={parts[1]!} version={parts[2]!} />;
  if (parts[0] === 'statistics') return <StatisticsPage />;
  if (parts[0] === 'review') return <ReviewerPage />;
  if (parts[0] === 'develop') return <DeveloperPage />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. Go to the <a href="#/">registry</a>.
      </p>
    </>
  );
}

function App() {
  const { path, query } = useRoute();
  const main = useRef<HTMLElement>(null);
  const section = `/${path.split('/')[1] ?? ''}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every route change
  useEffect(() => {
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <button type="button" className="skip" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header className="top">
        <a className="brand" href="#/">
          Greenlight
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, name]) => {
              const current = to === '/' ? section === '/' || section === '/models' : section === to;
              return (
                <li key={to}>
                  <a href={`#${to}`} aria-current={current ? 'page' : undefined}>
                    {name}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page path={path} query={query} />
      </main>
      <footer className="foot">
        <a href="/docs">API documentation</a> · <a href="/log/checkpoint">log checkpoint</a> ·{' '}
        <a href="/log/key">log key</a>
      </footer>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
