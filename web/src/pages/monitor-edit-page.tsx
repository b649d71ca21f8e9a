import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText, fetchAllPages } from '../api/client.js';
import type { Channel, Monitor } from '../api/types.js';
import { MonitorFormFields } from '../components/monitor-form.js';
import {
  bodyOf,
  fieldOfPointer,
  NEW_MONITOR,
  parseHeaders,
  valuesOf,
  type MonitorField,
  type MonitorFormValues,
} from '../lib/monitor-form-model.js';
import { Link, navigate } from '../router.js';
import { useServices } from '../state/services.js';

type Errors = Partial<Record<MonitorField, string>>;
const FIELDS = Object.keys(NEW_MONITOR);

/** Create (`id` null) or edit a monitor. */
export function MonitorEditPage({ id }: { id: string | null }) {
  const { api, monitors } = useServices();
  const [values, setValues] = useState<MonitorFormValues | null>(id === null ? NEW_MONITOR : null);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    fetchAllPages<Channel>(api, '/notification-channels', ac.signal)
      .then(setChannels)
      .catch(() => undefined);
    if (id !== null) {
      api.get<Monitor>(`/monitors/${encodeURIComponent(id)}`, ac.signal).then(
        (m) => {
          setValues(valuesOf(m));
        },
        (e: unknown) => {
          if (!ac.signal.aborted) setFormError(errorText(e));
        },
      );
    }
    return () => {
      ac.abort();
    };
  }, [api, id]);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (values === null) return;
    const headers = parseHeaders(values.headers);
    if (!headers.ok) {
      setErrors({ headers: `line ${headers.line} is not “Name: value”` });
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const body = bodyOf(values, id === null ? 'create' : 'edit', headers.headers);
      const saved =
        id === null
          ? await api.send<Monitor>('POST', '/monitors', body)
          : await api.send<Monitor>('PATCH', `/monitors/${encodeURIComponent(id)}`, body);
      monitors.upsert(saved);
      navigate(`/monitors/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      showErrors(error);
    } finally {
      setBusy(false);
    }
  };

  const showErrors = (error: unknown): void => {
    if (!(error instanceof ApiError) || error.details.length === 0) {
      setFormError(errorText(error));
      return;
    }
    const byField: Errors = {};
    const elsewhere: string[] = [];
    for (const d of error.details) {
      const field = fieldOfPointer(d.path, FIELDS) as MonitorField | null;
      if (field === null) elsewhere.push(`${d.path || 'the monitor'} ${d.message}`);
      else
        byField[field] =
          byField[field] === undefined ? d.message : `${byField[field]}; ${d.message}`;
    }
    setErrors(byField);
    setFormError(elsewhere.length > 0 ? elsewhere.join('; ') : 'Some fields need a change.');
    const first = Object.keys(byField)[0];
    if (first !== undefined) requestAnimationFrame(() => document.getElementById(first)?.focus());
  };

  const title = id === null ? 'New monitor' : `Edit ${values?.name ?? 'monitor'}`;
  return (
    <section class="form-page" aria-labelledby="form-title">
      <h1 id="form-title">{title}</h1>
      {values === null ? (
        formError === null ? (
          <p class="muted">Loading…</p>
        ) : (
          <p class="error">{formError}</p>
        )
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate class="monitor-form">
          {formError !== null && (
            <p class="error" role="alert">
              {formError}
            </p>
          )}
          <MonitorFormFields
            values={values}
            errors={errors}
            channels={channels}
            onChange={(patch) => {
              setValues({ ...values, ...patch });
            }}
          />
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Saving…' : id === null ? 'Create monitor' : 'Save changes'}
            </button>
            <Link href={id === null ? '/' : `/monitors/${encodeURIComponent(id)}`} class="button">
              Cancel
            </Link>
          </div>
        </form>
      )}
    </section>
  );
}
