import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api/client.js';
import type { Monitor } from '../api/types.js';
import { IncidentList } from '../components/incident-list.js';
import { LatencyPanel } from '../components/latency-panel.js';
import { ResultsTable } from '../components/results-table.js';
import { StatusBadge } from '../components/status-badge.js';
import { TimingBreakdown } from '../components/timing-breakdown.js';
import { UptimeTiles } from '../components/uptime-tiles.js';
import { formatAgo, formatDateTime } from '../lib/format.js';
import { Link, navigate } from '../router.js';
import { useServices } from '../state/services.js';
import { SUMMARY_WINDOWS, useMonitorDetail } from '../state/use-monitor-detail.js';

/** One monitor: status and since when, uptime, latency, the last check, history, incidents. */
export function MonitorPage({ id }: { id: string }) {
  const { api, monitors } = useServices();
  const { detail, replace } = useMonitorDetail(id);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const { monitor, status } = detail;
  useTicker(15_000);

  if (detail.notFound) {
    return (
      <section>
        <h1>Monitor not found</h1>
        <p>
          It may have been deleted. <Link href="/">Back to the list</Link>
        </p>
      </section>
    );
  }

  const act = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const pauseOrResume = (): Promise<void> =>
    act(async () => {
      const verb = monitor?.paused === true ? 'resume' : 'pause';
      const next = await api.send<Monitor>('POST', `/monitors/${encodeURIComponent(id)}/${verb}`);
      replace(next);
      monitors.upsert(next);
    });
  const remove = (): Promise<void> =>
    act(async () => {
      if (!confirm(`Delete "${monitor?.name ?? id}" and all of its history?`)) return;
      await api.send('DELETE', `/monitors/${encodeURIComponent(id)}`);
      monitors.remove(id);
      navigate('/');
    });

  const shown = monitor?.paused === true ? 'paused' : (status?.status ?? 'pending');
  return (
    <article class="monitor-page" aria-busy={monitor === null}>
      <div class="page-head">
        <div>
          <h1>{monitor?.name ?? '…'}</h1>
          {monitor !== null && (
            <a class="url" href={monitor.url} rel="noreferrer noopener" target="_blank">
              {monitor.url}
            </a>
          )}
        </div>
        <div class="actions">
          <Link href={`/monitors/${encodeURIComponent(id)}/edit`} class="button">
            Edit
          </Link>
          <button
            type="button"
            disabled={busy || monitor === null}
            onClick={() => void pauseOrResume()}
          >
            {monitor?.paused === true ? 'Resume' : 'Pause'}
          </button>
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            Delete
          </button>
        </div>
      </div>
      {actionError !== null && (
        <p class="error" role="alert">
          {actionError}
        </p>
      )}
      {detail.error !== null && <p class="error">{detail.error}</p>}
      <p class="status-line" data-testid="monitor-status" aria-live="polite">
        <StatusBadge status={shown} large />
        {status !== null && (
          <span class="muted" title={formatDateTime(status.since)}>
            since {formatAgo(status.since)}
          </span>
        )}
        {monitor !== null && (
          <span class="muted">
            · every {monitor.intervalSeconds} s
            {monitor.tags.length > 0 && ` · ${monitor.tags.join(', ')}`}
          </span>
        )}
      </p>
      <UptimeTiles windows={SUMMARY_WINDOWS} uptime={detail.uptime} />
      <div class="columns">
        <LatencyPanel id={id} refresh={detail.tick} />
        <TimingBreakdown check={status?.lastCheck ?? null} />
      </div>
      <ResultsTable results={detail.results} />
      <IncidentList incidents={detail.incidents} />
    </article>
  );
}

/** Renders the component again every `ms`, so that "since 3 minutes ago" stays true. */
function useTicker(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => {
      setTick((n) => n + 1);
    }, ms);
    return () => {
      clearInterval(timer);
    };
  }, [ms]);
}
