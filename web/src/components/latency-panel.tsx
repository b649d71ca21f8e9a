import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api/client.js';
import type { UptimeWindow } from '../api/types.js';
import { formatMs } from '../lib/format.js';
import { loadLatency, type LatencyData } from '../state/latency-data.js';
import { useServices } from '../state/services.js';
import { LatencyChart } from './latency-chart.js';

const WINDOWS: readonly UptimeWindow[] = ['1h', '24h', '7d', '30d', '90d'];
const REFRESH_MIN_MS = 15_000;

/** Latency p50/p95 over a chosen window, with the window's figures beside the chart. */
export function LatencyPanel({ id, refresh }: { id: string; refresh: number }) {
  const { api } = useServices();
  const [span, setSpan] = useState<UptimeWindow>('24h');
  const [data, setData] = useState<LatencyData | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loaded = useRef<{ span: UptimeWindow; at: number } | null>(null);

  useEffect(() => {
    // Live results ask for a redraw often; the raw-result read behind it is not cheap.
    const last = loaded.current;
    if (last?.span === span && Date.now() - last.at < REFRESH_MIN_MS) return;
    loaded.current = { span, at: Date.now() };
    const ac = new AbortController();
    loadLatency(api, id, span, ac.signal).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        loaded.current = null;
        setError(errorText(e));
      },
    );
    return () => {
      ac.abort();
      loaded.current = null;
    };
  }, [api, id, span, refresh]);

  const latency = data?.summary?.latencyMs;
  return (
    <section class="panel" aria-labelledby="latency-title">
      <div class="panel-head">
        <h2 id="latency-title">Latency</h2>
        <div class="segmented" role="group" aria-label="Window">
          {WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={w === span}
              onClick={() => {
                setSpan(w);
              }}
            >
              {w}
            </button>
          ))}
        </div>
      </div>
      {error !== null && <p class="error">{error}</p>}
      {data !== null && (
        <>
          <LatencyChart series={data.series} label={`p50 and p95 latency over ${span}`} />
          <p class="muted small">
            <span class="key key-p50" aria-hidden="true" /> p50 {formatMs(latency?.p50)} ·{' '}
            <span class="key key-p95" aria-hidden="true" /> p95 {formatMs(latency?.p95)} · p99{' '}
            {formatMs(latency?.p99)} · from {data.source}
          </p>
        </>
      )}
    </section>
  );
}
