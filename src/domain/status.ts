/** The status of a monitor, as the API shows it. */
export type MonitorStatus = 'pending' | 'up' | 'degraded' | 'down' | 'paused';
export const MONITOR_STATUSES: readonly MonitorStatus[] = [
  'pending',
  'up',
  'degraded',
  'down',
  'paused',
];

/** The outcome of one check. */
export type CheckStatus = 'up' | 'degraded' | 'down';

export function isMonitorStatus(value: string): value is MonitorStatus {
  return (MONITOR_STATUSES as readonly string[]).includes(value);
}
