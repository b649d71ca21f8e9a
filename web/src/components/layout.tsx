import type { ComponentChildren } from 'preact';
import type { StreamState } from '../api/stream.js';
import { Link, usePath } from '../router.js';
import { useObservable } from '../state/observable.js';
import { useServices } from '../state/services.js';
import { signOut } from '../state/session.js';

const LIVE_TEXT: Readonly<Record<StreamState, string>> = {
  live: 'Live',
  connecting: 'Reconnecting…',
  unavailable: 'Refreshing every 15 s',
};

export function Layout({ children }: { children: ComponentChildren }) {
  const { live } = useServices();
  const state = useObservable(live);
  const path = usePath();
  const current = (prefix: string): 'page' | undefined =>
    (prefix === '/' ? path === '/' || /^\/monitors\/(?!new)/.test(path) : path.startsWith(prefix))
      ? 'page'
      : undefined;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Uptime
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={current('/')}>
            Monitors
          </Link>
          <Link href="/channels" aria-current={current('/channels')}>
            Channels
          </Link>
          <Link href="/monitors/new" aria-current={current('/monitors/new')}>
            New monitor
          </Link>
        </nav>
        <span class={`live live-${state}`} role="status" data-live={state}>
          <span class="live-dot" aria-hidden="true" />
          {LIVE_TEXT[state]}
        </span>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            signOut();
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
