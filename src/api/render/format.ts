/**
 * An uptime share as people read it: two decimals, rounded down so that a single failure never
 * shows as 100% (`99.99%`), and exactly `100%` only when nothing failed. Null is `no data`.
 */
export function formatUptime(uptime: number | null): string {
  if (uptime === null) return 'no data';
  if (uptime >= 1) return '100%';
  return `${(Math.floor(uptime * 10_000) / 100).toFixed(2)}%`;
}

/** `2026-01-15 12:00 UTC`. */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
