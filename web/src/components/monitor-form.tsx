import { HTTP_METHODS, type Channel } from '../api/types.js';
import type { MonitorField, MonitorFormValues } from '../lib/monitor-form-model.js';
import { CheckField, SelectField, TextField } from './form-fields.js';

interface MonitorFormProps {
  readonly values: MonitorFormValues;
  readonly errors: Readonly<Partial<Record<MonitorField, string>>>;
  readonly channels: readonly Channel[];
  readonly onChange: (patch: Partial<MonitorFormValues>) => void;
}

/** Every setting of a monitor, grouped; errors appear under the field they concern. */
export function MonitorFormFields({ values: v, errors, channels, onChange }: MonitorFormProps) {
  const text = (field: MonitorField) => ({
    id: field,
    value: v[field] as string,
    error: errors[field],
    onInput: (value: string) => {
      onChange({ [field]: value });
    },
  });
  const check = (field: MonitorField) => ({
    id: field,
    checked: v[field] as boolean,
    error: errors[field],
    onChange: (checked: boolean) => {
      onChange({ [field]: checked });
    },
  });
  const toggleChannel = (id: string, on: boolean): void => {
    const rest = v.notificationChannelIds.filter((c) => c !== id);
    onChange({ notificationChannelIds: on ? [...rest, id] : rest });
  };

  return (
    <>
      <fieldset>
        <legend>What to check</legend>
        <TextField {...text('name')} label="Name" required />
        <TextField {...text('url')} label="URL" type="url" required hint="http:// or https://" />
        <SelectField
          id="method"
          label="Method"
          value={v.method}
          options={HTTP_METHODS}
          error={errors.method}
          onChange={(method) => {
            onChange({ method });
          }}
        />
        <TextField
          {...text('headers')}
          label="Request headers"
          multiline
          hint="One “Name: value” a line"
        />
        <TextField {...text('body')} label="Request body" multiline />
        <TextField {...text('tags')} label="Tags" hint="Comma-separated" />
      </fieldset>
      <fieldset>
        <legend>When it passes</legend>
        <TextField
          {...text('expectedStatus')}
          label="Expected status"
          hint="Codes or ranges, comma-separated: 200-399, 418"
        />
        <TextField
          {...text('keyword')}
          label="Keyword"
          hint="The body must contain it (case-sensitive)"
        />
        <CheckField {...check('invertKeyword')} label="The body must not contain the keyword" />
        <TextField
          {...text('maxLatencyMs')}
          label="Degraded above (ms)"
          inputMode="numeric"
          hint="Slower but passing checks count as degraded; empty for never"
        />
        <CheckField {...check('followRedirects')} label="Follow redirects (at most 10)" />
        <CheckField {...check('verifyTls')} label="Verify TLS certificates" />
      </fieldset>
      <fieldset>
        <legend>Timing</legend>
        <TextField
          {...text('intervalSeconds')}
          label="Interval (s)"
          inputMode="numeric"
          hint="1 to 86400"
        />
        <TextField
          {...text('timeoutSeconds')}
          label="Timeout (s)"
          inputMode="decimal"
          hint="0.1 to 120"
        />
        <TextField
          {...text('retries')}
          label="Retries"
          inputMode="numeric"
          hint="Down after this many more failures in a row (0 to 10)"
        />
        <TextField
          {...text('retryIntervalSeconds')}
          label="Retry interval (s)"
          inputMode="numeric"
          hint="The pace after a failed check; empty to follow the interval"
        />
        <CheckField {...check('paused')} label="Paused" />
      </fieldset>
      <fieldset class={errors.notificationChannelIds === undefined ? '' : 'field-invalid'}>
        <legend>Notify</legend>
        {channels.length === 0 && <p class="muted">No notification channels yet.</p>}
        {channels.map((c) => (
          <div class="field field-check" key={c.id}>
            <input
              id={`channel-${c.id}`}
              type="checkbox"
              checked={v.notificationChannelIds.includes(c.id)}
              onChange={(e) => {
                toggleChannel(c.id, e.currentTarget.checked);
              }}
            />
            <label for={`channel-${c.id}`}>
              {c.name} <span class="muted">({c.url})</span>
            </label>
          </div>
        ))}
        {errors.notificationChannelIds !== undefined && (
          <p class="field-error">{errors.notificationChannelIds}</p>
        )}
      </fieldset>
    </>
  );
}
