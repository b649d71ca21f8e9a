import { useState } from 'preact/hooks';
import { API_BASE, toApiError } from '../api/client.js';
import { useObservable } from '../state/observable.js';
import { signIn, signOutNotice } from '../state/session.js';

/** The API token, checked against the API before it is kept. */
export function SignInPage() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const notice = useObservable(signOutNotice);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const candidate = value.trim();
    if (candidate === '') {
      setError('Enter the API token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`${API_BASE}/monitors?limit=1`, {
        headers: { authorization: `Bearer ${candidate}` },
        cache: 'no-store',
      });
      if (res.ok) {
        signIn(candidate);
        return;
      }
      const failure = await toApiError(res);
      setError(
        res.status === 401
          ? 'That token was refused.'
          : res.status === 429
            ? 'Too many failed attempts from this address: wait a minute and try again.'
            : failure.message,
      );
    } catch {
      setError('The service cannot be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>
          <span class="brand-mark" aria-hidden="true" />
          Uptime
        </h1>
        <p class="muted">
          Sign in with the API token (<code>UPTIME_ADMIN_TOKEN</code>, or the one printed at first
          start and kept in <code>DATA_DIR/admin-token</code>). It stays in this tab only.
        </p>
        {notice !== null && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          value={value}
          onInput={(e) => {
            setValue(e.currentTarget.value);
          }}
          aria-invalid={error !== null}
          aria-describedby={error === null ? undefined : 'token-error'}
          autofocus
        />
        {error !== null && (
          <p id="token-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
