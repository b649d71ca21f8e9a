import { useEffect, useRef, useState } from 'preact/hooks';
import type { LatencySeries } from '../lib/latency-series.js';
import type { ChartHandle } from './uplot-chart.js';

/** The p50/p95 chart; uPlot arrives in a chunk of its own the first time one is drawn. */
export function LatencyChart({ series, label }: { series: LatencySeries; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartHandle | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    if (chart.current !== null) {
      chart.current.update(series);
      return;
    }
    let cancelled = false;
    import('./uplot-chart.js').then(
      ({ drawLatencyChart }) => {
        if (!cancelled) chart.current = drawLatencyChart(el, series, el.clientWidth || 600);
      },
      () => {
        setFailed(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [series]);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => chart.current?.resize(el.clientWidth));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={label} />
      {failed && <p class="error">The chart could not be loaded.</p>}
    </figure>
  );
}
