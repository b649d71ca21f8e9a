import { useEffect, useMemo } from 'preact/hooks';
import { Layout } from './components/layout';
import { ChannelsPage } from './pages/channels-page';
import { ListPage } from './pages/list-page';
import { MonitorEditPage } from './pages/monitor-edit-page';
import { MonitorPage } from './pages/monitor-page';
import { SignInPage } from './pages/sign-in-page';
import { usePath } from './router';
import { useObservable } from './state/observable';
import { createServices, ServicesContext } from './state/services';
import { token } from './state/session';

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
