import type { ComponentChildren } from 'preact';

interface FieldShell {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
}

/** Label, hint and error around an input, wired for screen readers. */
function Shell({ id, label, hint, error, children }: FieldShell & { children: ComponentChildren }) {
  return (
    <div class={`field${error === undefined ? '' : ' field-invalid'}`} data-field={id}>
      <label for={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

const describedBy = (f: FieldShell): string | undefined =>
  [f.error === undefined ? '' : `${f.id}-error`, f.hint === undefined ? '' : `${f.id}-hint`]
    .filter(Boolean)
    .join(' ') || undefined;

export function TextField(
  f: FieldShell & {
    value: string;
    onInput: (value: string) => void;
    type?: 'text' | 'url' | 'password';
    inputMode?: 'numeric' | 'decimal';
    multiline?: boolean;
    placeholder?: string;
    required?: boolean;
  },
) {
  const common = {
    id: f.id,
    name: f.id,
    value: f.value,
    placeholder: f.placeholder,
    'aria-invalid': f.error !== undefined,
    'aria-describedby': describedBy(f),
    'aria-required': f.required === true,
  };
  return (
    <Shell {...f}>
      {f.multiline === true ? (
        <textarea
          {...common}
          rows={4}
          onInput={(e) => {
            f.onInput(e.currentTarget.value);
          }}
        />
      ) : (
        <input
          {...common}
          // Preact's input types are a union per `type`; the same attributes fit these three.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
          type={(f.type ?? 'text') as 'text'}
          inputMode={f.inputMode}
          onInput={(e) => {
            f.onInput(e.currentTarget.value);
          }}
        />
      )}
    </Shell>
  );
}

export function SelectField(
  f: FieldShell & { value: string; options: readonly string[]; onChange: (value: string) => void },
) {
  return (
    <Shell {...f}>
      <select
        id={f.id}
        name={f.id}
        value={f.value}
        aria-invalid={f.error !== undefined}
        aria-describedby={describedBy(f)}
        onChange={(e) => {
          f.onChange(e.currentTarget.value);
        }}
      >
        {f.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function CheckField(
  f: FieldShell & { checked: boolean; onChange: (checked: boolean) => void },
) {
  return (
    <div
      class={`field field-check${f.error === undefined ? '' : ' field-invalid'}`}
      data-field={f.id}
    >
      <input
        id={f.id}
        name={f.id}
        type="checkbox"
        checked={f.checked}
        aria-invalid={f.error !== undefined}
        aria-describedby={describedBy(f)}
        onChange={(e) => {
          f.onChange(e.currentTarget.checked);
        }}
      />
      <label for={f.id}>{f.label}</label>
      {f.hint !== undefined && (
        <p id={`${f.id}-hint`} class="hint">
          {f.hint}
        </p>
      )}
      {f.error !== undefined && (
        <p id={`${f.id}-error`} class="field-error">
          {f.error}
        </p>
      )}
    </div>
  );
}
