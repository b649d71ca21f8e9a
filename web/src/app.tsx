import { useEffect, useMemo } from 'preact/hooks';
import { Layout } from './components/layout.js';
import { ChannelsPage } from './pages/channels-page.js';
import { ListPage } from './pages/list-page.js';
import { MonitorEditPage } from './pages/monitor-edit-page.js';
import { MonitorPage } from './pages/monitor-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { usePath } from './router.js';
import { useObservable } from './state/observable.js';
import { createServices, ServicesContext } from './state/services.js';
import { token } from './state/session.js';

export function App() {
  const current = useObservable(token);
  return current === null ? <SignInPage /> : <SignedIn key={current} token={current} />;
}

function SignedIn({ token: value }: { token: string }) {
  const services = useMemo(() => createServices(value), [value]);
  useEffect(
    () => () => {
      services.close();
    },
    [services],
  );
  return (
    <ServicesContext.Provider value={services}>
      <Layout>
        <Routes />
      </Layout>
    </ServicesContext.Provider>
  );
}

function Routes() {
  const path = usePath();
  if (path === '/monitors/new') return <MonitorEditPage id={null} />;
  const edit = /^\/monitors\/([^/]+)\/edit$/.exec(path);
  if (edit?.[1] !== undefined) return <MonitorEditPage id={decodeURIComponent(edit[1])} />;
  const monitor = /^\/monitors\/([^/]+)$/.exec(path);
  if (monitor?.[1] !== undefined) return <MonitorPage id={decodeURIComponent(monitor[1])} />;
  if (path === '/channels') return <ChannelsPage />;
  return <ListPage />;
}
