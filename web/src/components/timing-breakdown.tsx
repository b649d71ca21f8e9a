import type { CheckResult } from '../api/types.js';
import { formatDateTime, formatMs } from '../lib/format.js';

const PHASES = [
  ['dnsMs', 'DNS'],
  ['connectMs', 'Connect'],
  ['tlsMs', 'TLS'],
  ['ttfbMs', 'First byte'],
] as const;

/** The last check's phases as a bar and a list, and the certificate's remaining days. */
export function TimingBreakdown({ check }: { check: CheckResult | null }) {
  if (check === null) {
    return (
      <section class="panel">
        <h2>Last check</h2>
        <p class="muted">No check has finished yet.</p>
      </section>
    );
  }
  const total = Math.max(1, check.timings.totalMs);
  const tls = check.tls;
  return (
    <section class="panel" aria-labelledby="timing-title">
      <h2 id="timing-title">Last check</h2>
      <p class="muted small">
        {formatDateTime(check.checkedAt)} from {check.region}
        {check.httpStatus !== null && ` · HTTP ${check.httpStatus}`}
        {check.error !== null && ` · ${check.error}`}
      </p>
      <div class="timing-bar" aria-hidden="true">
        {PHASES.map(([key, label]) => {
          const ms = check.timings[key];
          return ms === null || ms <= 0 ? null : (
            <span
              key={key}
              class={`phase phase-${key}`}
              style={{ width: `${(ms / total) * 100}%` }}
              title={`${label} ${formatMs(ms)}`}
            />
          );
        })}
      </div>
      <dl class="phases">
        {PHASES.map(([key, label]) => (
          <div key={key}>
            <dt>
              <span class={`key phase-${key}`} aria-hidden="true" />
              {label}
            </dt>
            <dd>{formatMs(check.timings[key])}</dd>
          </div>
        ))}
        <div>
          <dt>Total</dt>
          <dd>{formatMs(check.timings.totalMs)}</dd>
        </div>
        <div>
          <dt>Certificate</dt>
          <dd data-cert-days={tls?.daysLeft ?? ''}>
            {tls === null
              ? 'no TLS'
              : `${Math.floor(tls.daysLeft)} days left${tls.issuer === null ? '' : ` (${tls.issuer})`}`}
          </dd>
        </div>
      </dl>
    </section>
  );
}
