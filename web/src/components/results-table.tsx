import type { CheckResult } from '../api/types.js';
import { formatDateTime, formatMs } from '../lib/format.js';
import { StatusBadge } from './status-badge.js';

export function ResultsTable({ results }: { results: readonly CheckResult[] }) {
  return (
    <section class="panel" aria-labelledby="results-title">
      <h2 id="results-title">Recent checks</h2>
      {results.length === 0 ? (
        <p class="muted">No checks yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Result</th>
                <th scope="col" class="num">
                  Latency
                </th>
                <th scope="col" class="num">
                  HTTP
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.checkedAt)}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td class="num">{formatMs(r.latencyMs)}</td>
                  <td class="num">{r.httpStatus ?? '—'}</td>
                  <td>{r.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
