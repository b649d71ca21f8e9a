export const UPTIME_WINDOWS = ['1h', '24h', '7d', '30d', '90d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];

export const WINDOW_MS: Record<UptimeWindow, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

/**
 * Uptime over a window: the share of checks not `down` (`degraded` counts as available). The
 * latency figures describe the checks that were not `down` (a timeout says nothing about response
 * time), in ms rounded to 0.1.
 */
export interface UptimeSummary {
  readonly window: UptimeWindow;
  readonly uptime: number | null;
  readonly checks: number;
  readonly failures: number;
  readonly latencyMs: {
    readonly avg: number | null;
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
}

export function isUptimeWindow(value: string): value is UptimeWindow {
  return (UPTIME_WINDOWS as readonly string[]).includes(value);
}
