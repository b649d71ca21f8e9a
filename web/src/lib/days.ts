/** The last `count` UTC dates (YYYY-MM-DD), oldest first, ending with today's. */
export function lastDays(count: number, now: number = Date.now()): string[] {
  const days: string[] = [];
  const today = Date.UTC(
    new Date(now).getUTCFullYear(),
    new Date(now).getUTCMonth(),
    new Date(now).getUTCDate(),
  );
  for (let i = count - 1; i >= 0; i--) {
    days.push(new Date(today - i * 86_400_000).toISOString().slice(0, 10));
  }
  return days;
}

export type DayLevel = 'none' | 'ok' | 'minor' | 'major' | 'bad';

/** How a day's uptime reads in the strip. */
export function dayLevel(uptime: number | null | undefined, checks: number): DayLevel {
  if (uptime === null || uptime === undefined || checks === 0) return 'none';
  if (uptime >= 0.999) return 'ok';
  if (uptime >= 0.99) return 'minor';
  if (uptime >= 0.95) return 'major';
  return 'bad';
}
