import type { Incident } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';

export function IncidentList({ incidents }: { incidents: readonly Incident[] }) {
  return (
    <section class="panel" aria-labelledby="incidents-title">
      <h2 id="incidents-title">Incidents</h2>
      {incidents.length === 0 ? (
        <p class="muted">No incidents.</p>
      ) : (
        <ul class="incidents">
          {incidents.map((i) => (
            <li key={i.id} class={`incident incident-${i.state}`}>
              <strong>{i.state === 'open' ? 'Open' : 'Resolved'}</strong>{' '}
              {formatDateTime(i.startedAt)}
              {i.resolvedAt !== null && ` → ${formatDateTime(i.resolvedAt)}`}
              {i.cause !== null && <span class="muted"> · {i.cause}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
