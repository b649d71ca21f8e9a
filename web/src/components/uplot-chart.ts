import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LatencySeries } from '../lib/latency-series.js';

export interface ChartHandle {
  update(series: LatencySeries): void;
  resize(width: number): void;
  destroy(): void;
}

const css = (name: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** A uPlot line chart of p50 and p95 latency in `el`; loaded only where a chart is shown. */
export function drawLatencyChart(
  el: HTMLElement,
  series: LatencySeries,
  width: number,
): ChartHandle {
  const text = css('--text') || '#222';
  const grid = css('--border') || '#ddd';
  const p50 = css('--chart-p50') || '#2563eb';
  const p95 = css('--chart-p95') || '#d97706';
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const chart = new uPlot(
    {
      width,
      height: 240,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
      axes: [axis, { ...axis, label: 'ms', size: 56 }],
      series: [
        {},
        // Points too: a new monitor's first slices would draw no line between gaps.
        {
          label: 'p50',
          stroke: p50,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 5, fill: p50 },
        },
        {
          label: 'p95',
          stroke: p95,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 5, fill: p95 },
        },
      ],
    },
    [series.times, series.p50, series.p95],
    el,
  );
  return {
    update(next) {
      chart.setData([next.times, next.p50, next.p95]);
    },
    resize(w) {
      chart.setSize({ width: w, height: 240 });
    },
    destroy() {
      chart.destroy();
    },
  };
}
