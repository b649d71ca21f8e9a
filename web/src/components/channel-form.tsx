import { useState } from 'preact/hooks';
import { ApiError, errorText, type ApiClient } from '../api/client.js';
import type { Channel } from '../api/types.js';
import { fieldOfPointer } from '../lib/monitor-form-model.js';
import { TextField } from './form-fields.js';

type Field = 'name' | 'url' | 'secret';
const EMPTY = { name: '', url: 'https://', secret: '' };

/** A new webhook channel; the server's validation appears at the fields. */
export function ChannelForm({
  api,
  onCreated,
}: {
  api: ApiClient;
  onCreated: (c: Channel) => void;
}) {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const created = await api.send<Channel>('POST', '/notification-channels', {
        name: values.name.trim(),
        type: 'webhook',
        url: values.url.trim(),
        ...(values.secret === '' ? {} : { secret: values.secret }),
      });
      setValues(EMPTY);
      onCreated(created);
    } catch (error) {
      const found: Partial<Record<Field, string>> = {};
      const rest: string[] = [];
      for (const d of error instanceof ApiError ? error.details : []) {
        const field = fieldOfPointer(d.path, ['name', 'url', 'secret']) as Field | null;
        if (field === null) rest.push(`${d.path} ${d.message}`);
        else found[field] = d.message;
      }
      setErrors(found);
      setFormError(
        rest.length > 0 ? rest.join('; ') : Object.keys(found).length > 0 ? null : errorText(error),
      );
    } finally {
      setBusy(false);
    }
  };
  const field = (name: Field) => ({
    id: `channel-${name}`,
    value: values[name],
    error: errors[name],
    onInput: (value: string) => {
      setValues({ ...values, [name]: value });
    },
  });

  return (
    <form class="panel channel-form" onSubmit={(e) => void submit(e)} noValidate>
      <h2>New webhook</h2>
      {formError !== null && (
        <p class="error" role="alert">
          {formError}
        </p>
      )}
      <TextField {...field('name')} label="Name" required />
      <TextField {...field('url')} label="URL" type="url" required />
      <TextField
        {...field('secret')}
        label="Signing secret"
        type="password"
        hint="Optional: signs each webhook (X-Uptime-Signature); it cannot be read back"
      />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create channel'}
      </button>
    </form>
  );
}
