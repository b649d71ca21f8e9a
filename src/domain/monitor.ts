import type { ChannelId, MonitorId } from './ids.js';
import { parseExpectedStatus } from './expected-status.js';
import type { ProbeSpec } from './check.js';
import type { FieldError } from './validation.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const MONITOR_TYPES = ['http'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

/** Limits of the contract, shared by the domain rules and the API schemas. */
export const MONITOR_LIMITS = {
  nameMaxLength: 200,
  urlMaxLength: 2048,
  headersMax: 50,
  bodyMaxBytes: 64 * 1024,
  intervalSecondsMin: 1,
  intervalSecondsMax: 86_400,
  timeoutSecondsMin: 0.1,
  timeoutSecondsMax: 120,
  retriesMax: 10,
  tagsMax: 50,
  tagMaxLength: 100,
  keywordMaxLength: 1024,
  maxLatencyMsMax: 600_000,
  channelsMax: 50,
} as const;

/** The settings a user chooses; everything but the server-assigned fields. */
export interface MonitorSettings {
  readonly name: string;
  readonly type: MonitorType;
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly expectedStatus: readonly string[];
  readonly keyword: string | null;
  readonly invertKeyword: boolean;
  readonly maxLatencyMs: number | null;
  readonly retries: number;
  /** null: follows `intervalSeconds`. */
  readonly retryIntervalSeconds: number | null;
  readonly followRedirects: boolean;
  readonly verifyTls: boolean;
  readonly paused: boolean;
  readonly notificationChannelIds: readonly ChannelId[];
  readonly tags: readonly string[];
}

export interface Monitor extends MonitorSettings {
  readonly id: MonitorId;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type MonitorInput = Partial<MonitorSettings>;

export const MONITOR_DEFAULTS: Omit<MonitorSettings, 'name' | 'url'> = {
  type: 'http',
  method: 'GET',
  headers: {},
  body: null,
  intervalSeconds: 60,
  timeoutSeconds: 10,
  expectedStatus: ['200-399'],
  keyword: null,
  invertKeyword: false,
  maxLatencyMs: null,
  retries: 0,
  retryIntervalSeconds: null,
  followRedirects: true,
  verifyTls: true,
  paused: false,
  notificationChannelIds: [],
  tags: [],
};

/** The pace of checks after a failed check, until one passes. */
export function retryIntervalSecondsOf(monitor: MonitorSettings): number {
  return monitor.retryIntervalSeconds ?? monitor.intervalSeconds;
}

/** The probe settings a worker receives for one check of this monitor. */
export function probeSpecOf(monitor: MonitorSettings): ProbeSpec {
  return {
    url: monitor.url,
    method: monitor.method,
    headers: monitor.headers,
    body: monitor.body,
    timeoutMs: Math.round(monitor.timeoutSeconds * 1000),
    expectedStatus: monitor.expectedStatus,
    keyword: monitor.keyword,
    invertKeyword: monitor.invertKeyword,
    maxLatencyMs: monitor.maxLatencyMs,
    followRedirects: monitor.followRedirects,
    verifyTls: monitor.verifyTls,
  };
}

/**
 * The semantic rules of a complete set of monitor settings (types and ranges are also checked
 * here, so that the rules hold whatever the caller's schema layer did). Returns every problem,
 * each with a JSON pointer to the field.
 */
export function validateMonitorSettings(settings: MonitorSettings): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, message: string): void => {
    errors.push({ path: `/${field}`, message });
  };
  const L = MONITOR_LIMITS;

  if (typeof settings.name !== 'string' || settings.name.trim().length === 0) {
    err('name', 'must be a non-empty string');
  } else if (settings.name.length > L.nameMaxLength) {
    err('name', `must be at most ${L.nameMaxLength} characters`);
  }
  if (!(MONITOR_TYPES as readonly string[]).includes(settings.type)) {
    err('type', `must be one of ${MONITOR_TYPES.join(', ')}`);
  }
  const urlProblem = httpUrlProblem(settings.url);
  if (urlProblem !== null) err('url', urlProblem);
  if (!(HTTP_METHODS as readonly string[]).includes(settings.method)) {
    err('method', `must be one of ${HTTP_METHODS.join(', ')}`);
  }
  const headerNames = Object.keys(settings.headers);
  if (headerNames.length > L.headersMax)
    err('headers', `must have at most ${L.headersMax} entries`);
  for (const name of headerNames) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      err(`headers/${name}`, 'is not a valid header name');
    } else if (/[\r\n\0]/.test(settings.headers[name] ?? '')) {
      err(`headers/${name}`, 'must not contain line breaks');
    }
  }
  if (settings.body !== null && new TextEncoder().encode(settings.body).length > L.bodyMaxBytes) {
    err('body', `must be at most ${L.bodyMaxBytes} bytes`);
  }
  if (!isIntegerIn(settings.intervalSeconds, L.intervalSecondsMin, L.intervalSecondsMax)) {
    err(
      'intervalSeconds',
      `must be an integer from ${L.intervalSecondsMin} to ${L.intervalSecondsMax}`,
    );
  }
  if (!isNumberIn(settings.timeoutSeconds, L.timeoutSecondsMin, L.timeoutSecondsMax)) {
    err('timeoutSeconds', `must be a number from ${L.timeoutSecondsMin} to ${L.timeoutSecondsMax}`);
  }
  if (settings.expectedStatus.length === 0) {
    err('expectedStatus', 'must list at least one code or range');
  }
  settings.expectedStatus.forEach((entry, i) => {
    const parsed = parseExpectedStatus([entry]);
    if (!parsed.ok) err(`expectedStatus/${i}`, parsed.message);
  });
  if (settings.keyword !== null && settings.keyword.length === 0) {
    err('keyword', 'must be null or a non-empty string');
  } else if (settings.keyword !== null && settings.keyword.length > L.keywordMaxLength) {
    err('keyword', `must be at most ${L.keywordMaxLength} characters`);
  }
  if (settings.invertKeyword && settings.keyword === null) {
    err('invertKeyword', 'needs a keyword');
  }
  if (settings.maxLatencyMs !== null && !isIntegerIn(settings.maxLatencyMs, 1, L.maxLatencyMsMax)) {
    err('maxLatencyMs', `must be null or an integer from 1 to ${L.maxLatencyMsMax}`);
  }
  if (!isIntegerIn(settings.retries, 0, L.retriesMax)) {
    err('retries', `must be an integer from 0 to ${L.retriesMax}`);
  }
  if (
    settings.retryIntervalSeconds !== null &&
    !isIntegerIn(settings.retryIntervalSeconds, L.intervalSecondsMin, L.intervalSecondsMax)
  ) {
    err(
      'retryIntervalSeconds',
      `must be null or an integer from ${L.intervalSecondsMin} to ${L.intervalSecondsMax}`,
    );
  }
  if (settings.notificationChannelIds.length > L.channelsMax) {
    err('notificationChannelIds', `must have at most ${L.channelsMax} entries`);
  }
  if (new Set(settings.notificationChannelIds).size !== settings.notificationChannelIds.length) {
    err('notificationChannelIds', 'must not repeat an id');
  }
  if (settings.tags.length > L.tagsMax) err('tags', `must have at most ${L.tagsMax} entries`);
  settings.tags.forEach((tag, i) => {
    if (tag.length === 0 || tag.length > L.tagMaxLength) {
      err(`tags/${i}`, `must be 1 to ${L.tagMaxLength} characters`);
    }
  });
  return errors;
}

/** Why `value` is not an absolute http(s) URL of at most 2048 characters, or null when it is. */
export function httpUrlProblem(value: string): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'is required';
  if (value.length > MONITOR_LIMITS.urlMaxLength) {
    return `must be at most ${MONITOR_LIMITS.urlMaxLength} characters`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http: or https: URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'must be an absolute http: or https: URL';
  }
  if (url.hostname.length === 0) return 'must name a host';
  return null;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function isNumberIn(value: number, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

/** Applies defaults to a creation request. `name` and `url` must be present (the caller checks). */
export function withDefaults(
  input: MonitorInput & Pick<MonitorSettings, 'name' | 'url'>,
): MonitorSettings {
  return { ...MONITOR_DEFAULTS, ...input };
}
