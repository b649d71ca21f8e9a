import type { DailyUptime } from '../../domain/daily-uptime.js';
import type { MonitorStatus } from '../../domain/status.js';
import type { OverallStatus } from '../../domain/status-page.js';
import type { PublicStatusPageView } from '../../roles/api/public-status-service.js';
import { escapeMarkup as esc } from './escape.js';
import { formatInstant, formatUptime } from './format.js';

/** Each status as words and a symbol, so that colour is never the only signal. */
const STATUS_TEXT: Readonly<Record<MonitorStatus, { label: string; symbol: string }>> = {
  up: { label: 'Up', symbol: '✓' },
  degraded: { label: 'Degraded', symbol: '!' },
  down: { label: 'Down', symbol: '✕' },
  pending: { label: 'Pending', symbol: '…' },
  paused: { label: 'Paused', symbol: '‖' },
};

const OVERALL_TEXT: Readonly<Record<OverallStatus, { label: string; symbol: string }>> = {
  up: { label: 'All systems operational', symbol: '✓' },
  degraded: { label: 'Degraded performance', symbol: '!' },
  down: { label: 'Outage', symbol: '✕' },
  unknown: { label: 'No status yet', symbol: '?' },
};

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1b1f24;--muted:#57606a;--card:#fff;--line:#d8dee4;
--up:#1a7f37;--degraded:#9a6700;--down:#cf222e;--none:#d0d7de;--paused:#6e7781;--pending:#6e7781}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;
--line:#30363d;--up:#3fb950;--degraded:#d29922;--down:#f85149;--none:#30363d;--paused:#9198a1;--pending:#9198a1}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:2rem 1rem}
h1{font-size:1.75rem;margin:0 0 .25rem}
h2{font-size:1.1rem;margin:2rem 0 .75rem}
.description{color:var(--muted);white-space:pre-line;margin:0 0 1.5rem}
.overall{display:flex;align-items:center;gap:.75rem;padding:1rem 1.25rem;border-radius:.5rem;color:#fff;font-weight:600;font-size:1.15rem}
.overall.up{background:var(--up)}.overall.degraded{background:var(--degraded)}.overall.down{background:var(--down)}
.overall.unknown{background:var(--paused)}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem}
.monitors{list-style:none;margin:0;padding:0}
.monitor{padding:1rem 1.25rem;border-top:1px solid var(--line)}
.monitor:first-child{border-top:0}
.row{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.25rem 1rem}
.name{font-weight:600;overflow-wrap:anywhere}
.status{font-weight:600;white-space:nowrap}
.status.up{color:var(--up)}.status.degraded{color:var(--degraded)}.status.down{color:var(--down)}
.status.paused,.status.pending{color:var(--muted)}
.bars{display:flex;gap:2px;height:2rem;margin:.6rem 0 .3rem;padding:0;list-style:none}
.bars li{flex:1;min-width:1px;border-radius:2px;background:var(--none)}
.bars .good{background:var(--up)}.bars .fair{background:var(--degraded)}.bars .poor{background:var(--down)}
.legend{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
.incidents{list-style:none;margin:0;padding:0}
.incidents li{padding:.75rem 1.25rem;border-top:1px solid var(--line)}
.incidents li:first-child{border-top:0}
.muted{color:var(--muted)}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
a{color:inherit}
`;

function dayClass(day: DailyUptime): string {
  if (day.uptime === null) return 'none';
  if (day.uptime >= 0.999) return 'good';
  if (day.uptime >= 0.99) return 'fair';
  return 'poor';
}

function dayTitle(day: DailyUptime): string {
  if (day.checks === 0) return `${day.date}: no checks`;
  const failed = day.failures === 1 ? '1 failed check' : `${day.failures} failed checks`;
  return `${day.date}: ${formatUptime(day.uptime)} uptime, ${failed} of ${day.checks}`;
}

function statusLabel(status: MonitorStatus): string {
  const { label, symbol } = STATUS_TEXT[status];
  return `<span class="status ${status}"><span aria-hidden="true">${symbol}</span> ${label}</span>`;
}

function monitorItem(monitor: PublicStatusPageView['monitors'][number]): string {
  const days = monitor.days;
  const bars = days
    .map((d) => `<li class="${dayClass(d)}" title="${esc(dayTitle(d))}"></li>`)
    .join('');
  return [
    '<li class="monitor">',
    '<div class="row">',
    `<span class="name">${esc(monitor.name)}</span>`,
    statusLabel(monitor.status),
    '</div>',
    `<ol class="bars" aria-label="Uptime by day, the last ${days.length} days">${bars}</ol>`,
    '<div class="legend">',
    `<span>${days.length} days ago</span>`,
    `<span>${esc(formatUptime(monitor.uptime90d))} uptime</span>`,
    '<span>Today</span>',
    '</div>',
    '</li>',
  ].join('');
}

function incidentsSection(view: PublicStatusPageView): string {
  if (view.openIncidents.length === 0) {
    return '<h2>Open incidents</h2><p class="muted">No open incidents.</p>';
  }
  const names = new Map(view.monitors.map((m) => [m.id, m.name]));
  const items = view.openIncidents.map((incident) =>
    [
      '<li>',
      `<strong>${esc(names.get(incident.monitorId) ?? 'A monitor')}</strong> is down`,
      ` since <time datetime="${esc(incident.startedAt)}">${esc(formatInstant(incident.startedAt))}</time>`,
      incident.cause === null ? '' : `<div class="muted">${esc(incident.cause)}</div>`,
      '</li>',
    ].join(''),
  );
  return `<h2>Open incidents</h2><ul class="incidents card">${items.join('')}</ul>`;
}

/**
 * A status page as one self-contained HTML document: inline CSS, no script, light and dark
 * following the reader's system, usable at phone width. Every piece of text from the page or its
 * monitors is escaped. It refreshes itself every minute.
 */
export function renderStatusPageHtml(view: PublicStatusPageView, nowMs: number): string {
  const overall = OVERALL_TEXT[view.overall];
  const generated = new Date(nowMs).toISOString();
  const monitors =
    view.monitors.length === 0
      ? '<p class="muted">This page lists no monitors yet.</p>'
      : `<ul class="monitors card">${view.monitors.map(monitorItem).join('')}</ul>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta http-equiv="refresh" content="60">',
    `<title>${esc(view.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${esc(view.title)}</h1>`,
    view.description === null ? '' : `<p class="description">${esc(view.description)}</p>`,
    `<p class="overall ${view.overall}" role="status"><span aria-hidden="true">${overall.symbol}</span> ${overall.label}</p>`,
    '<h2>Monitors</h2>',
    monitors,
    incidentsSection(view),
    '<footer>',
    `Updated <time datetime="${generated}">${esc(formatInstant(generated))}</time>`,
    ` · <a href="${esc(encodeURIComponent(view.slug))}.json">JSON</a>`,
    '</footer>',
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** The page an unknown slug gets: plain, and the same for every slug. */
export function renderNotFoundHtml(): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<title>Status page not found</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<h1>Status page not found</h1>',
    '<p class="muted">There is no status page at this address.</p>',
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}
