/** The shapes of the REST API (`/api/v1`) that the dashboard reads and writes. */

export type MonitorStatus = 'pending' | 'up' | 'degraded' | 'down' | 'paused';
export type CheckStatus = 'up' | 'degraded' | 'down';

export const MONITOR_STATUSES: readonly MonitorStatus[] = [
  'down',
  'degraded',
  'pending',
  'up',
  'paused',
];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Every setting of a monitor, as POST and PATCH take them. */
export interface MonitorSettings {
  name: string;
  type: 'http';
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
  intervalSeconds: number;
  timeoutSeconds: number;
  expectedStatus: string[];
  keyword: string | null;
  invertKeyword: boolean;
  maxLatencyMs: number | null;
  retries: number;
  retryIntervalSeconds: number | null;
  followRedirects: boolean;
  verifyTls: boolean;
  paused: boolean;
  notificationChannelIds: string[];
  tags: string[];
}

export interface Monitor extends MonitorSettings {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export interface MonitorWithStatus extends Monitor {
  status: MonitorStatus;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Timings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
  totalMs: number;
}

export interface CheckResult {
  id: string;
  monitorId: string;
  checkedAt: string;
  status: CheckStatus;
  latencyMs: number;
  httpStatus: number | null;
  error: string | null;
  region: string;
  timings: Timings;
  tls: { validTo: string; daysLeft: number; issuer: string | null } | null;
}

export interface StatusAnswer {
  monitorId: string;
  status: MonitorStatus;
  since: string;
  lastCheck: CheckResult | null;
}

export type UptimeWindow = '1h' | '24h' | '7d' | '30d' | '90d';

export interface LatencySummary {
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Uptime {
  window: UptimeWindow;
  uptime: number | null;
  checks: number;
  failures: number;
  latencyMs: LatencySummary;
}

/** One item of `GET /uptime?ids=`. */
export interface MonitorUptime extends Uptime {
  monitorId: string;
}

/** One day of `GET /monitors/{id}/daily`; `latencyMs` where the server adds it. */
export interface DailyItem {
  date: string;
  checks: number;
  failures: number;
  uptime: number | null;
  latencyMs?: Partial<LatencySummary>;
}

export interface Incident {
  id: string;
  monitorId: string;
  state: 'open' | 'resolved';
  startedAt: string;
  resolvedAt: string | null;
  cause: string | null;
}

export interface Channel {
  id: string;
  name: string;
  type: 'webhook';
  url: string;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Delivery {
  id: string;
  event: string;
  monitorId: string | null;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface FieldError {
  path: string;
  message: string;
}

/** `event: status` of `/stream`. */
export interface StatusEvent {
  monitorId: string;
  status: MonitorStatus;
  previousStatus: MonitorStatus | null;
  at: string;
}

/** `event: result` of `/stream`. */
export interface ResultEvent {
  monitorId: string;
  checkedAt: string;
  status: CheckStatus;
  latencyMs: number;
  httpStatus: number | null;
  error: string | null;
}
