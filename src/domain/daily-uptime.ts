/** Uptime per UTC calendar day, for the strips of day bars (90 days on a status page). */
export interface DailyUptime {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly date: string;
  readonly checks: number;
  readonly failures: number;
  /** The share of checks not `down`; null for a day without checks. */
  readonly uptime: number | null;
}

export const DAY_MS = 86_400_000;
/** Day roll-ups are kept 400 days: no series can reach further back. */
export const DAILY_UPTIME_MAX_DAYS = 400;

export interface DayCounts {
  readonly checks: number;
  readonly failures: number;
}

/** The first and last day starts (epoch ms, UTC midnight) of `days` days ending with `nowMs`'s. */
export function dayRange(days: number, nowMs: number): { firstMs: number; lastMs: number } {
  const lastMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return { firstMs: lastMs - (Math.max(1, Math.floor(days)) - 1) * DAY_MS, lastMs };
}

/**
 * Exactly `days` entries, oldest first, ending with today (partly over): each day's counts from
 * `counts` (day start → counts), and an empty day where it has none.
 */
export function dailySeries(
  days: number,
  nowMs: number,
  counts: ReadonlyMap<number, DayCounts>,
): DailyUptime[] {
  const { firstMs, lastMs } = dayRange(days, nowMs);
  const series: DailyUptime[] = [];
  for (let start = firstMs; start <= lastMs; start += DAY_MS) {
    const day = counts.get(start);
    const checks = day?.checks ?? 0;
    const failures = day?.failures ?? 0;
    series.push({
      date: new Date(start).toISOString().slice(0, 10),
      checks,
      failures,
      uptime: checks === 0 ? null : (checks - failures) / checks,
    });
  }
  return series;
}

/** The uptime over every day of a series together; null when none has checks. */
export function uptimeOfDays(series: readonly DailyUptime[]): number | null {
  let checks = 0;
  let failures = 0;
  for (const day of series) {
    checks += day.checks;
    failures += day.failures;
  }
  return checks === 0 ? null : (checks - failures) / checks;
}
