/** How figures read on screen. */

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  const pct = share * 100;
  if (pct === 100) return '100%';
  // 99.999 must not round up to a 100 that hides a failure
  return `${(Math.floor(pct * 100) / 100).toFixed(2)}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", from an ISO instant. */
export function formatAgo(at: string, now: number = Date.now()): string {
  const diff = Date.parse(at) - now;
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'second')
      return relative.format(Math.round(diff / ms), unit);
  }
  return at;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDateTime(at: string | null): string {
  return at === null ? '—' : dateTime.format(new Date(at));
}
