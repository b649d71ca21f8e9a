import type { MonitorWithStatus } from '../api/types.js';
import { formatMs, formatPercent } from '../lib/format.js';
import { pure } from '../lib/pure.js';
import { Link } from '../router.js';
import type { RowStats } from '../state/row-stats.js';
import { DayStrip } from './day-strip.js';
import { StatusBadge } from './status-badge.js';

/** One monitor in the list: cells of a virtual table row. */
export const MonitorRow = pure(function MonitorRow({
  monitor,
  stats,
}: {
  monitor: MonitorWithStatus;
  stats: RowStats;
}) {
  const href = `/monitors/${encodeURIComponent(monitor.id)}`;
  return (
    <>
      <span class="cell cell-status" role="cell">
        <StatusBadge status={monitor.status} />
      </span>
      <span class="cell cell-name" role="cell">
        <Link href={href} class="row-link">
          {monitor.name}
        </Link>
        <span class="url" title={monitor.url}>
          {monitor.url}
        </span>
      </span>
      <span class="cell cell-num" role="cell">
        <span class="mobile-label">24 h </span>
        {stats.uptime24h === undefined ? '…' : formatPercent(stats.uptime24h)}
      </span>
      <span class="cell cell-num" role="cell">
        <span class="mobile-label">last </span>
        {stats.lastLatencyMs === undefined ? '…' : formatMs(stats.lastLatencyMs)}
      </span>
      <span class="cell cell-strip" role="cell">
        <DayStrip daily={stats.daily} />
      </span>
    </>
  );
});
