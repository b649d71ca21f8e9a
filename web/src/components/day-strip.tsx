import { pure } from '../lib/pure.js';
import type { DailyItem } from '../api/types.js';
import { dayLevel, lastDays } from '../lib/days.js';
import { formatPercent } from '../lib/format.js';

const DAYS = 90;
const BAR = 4;

/**
 * One bar per day for the last 90 days; hovering a bar shows the day's uptime and failures.
 * `daily` undefined: not loaded yet (an empty outline).
 */
export const DayStrip = pure(function DayStrip({
  daily,
}: {
  daily: readonly DailyItem[] | undefined;
}) {
  const byDate = new Map((daily ?? []).map((d) => [d.date, d]));
  const days = lastDays(DAYS);
  const withData = (daily ?? []).filter((d) => d.checks > 0);
  const label =
    daily === undefined
      ? 'last 90 days: loading'
      : withData.length === 0
        ? 'last 90 days: no checks recorded'
        : `last 90 days: ${withData.filter((d) => d.failures > 0).length} of ${withData.length} days with failures`;
  return (
    <svg
      class="day-strip"
      viewBox={`0 0 ${DAYS * BAR} 20`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      {days.map((date, i) => {
        const d = byDate.get(date);
        const level = dayLevel(d?.uptime, d?.checks ?? 0);
        const title =
          d === undefined || d.checks === 0
            ? `${date}: no checks`
            : `${date}: ${formatPercent(d.uptime)} up, ${d.failures} failed of ${d.checks} checks`;
        return (
          <rect key={date} class={`day day-${level}`} x={i * BAR} y={0} width={BAR - 1} height={20}>
            <title>{title}</title>
          </rect>
        );
      })}
    </svg>
  );
});
