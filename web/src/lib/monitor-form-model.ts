/**
 * The monitor form's values (what the inputs hold) and the API body made from them. Numbers are
 * sent as typed, and text that is no number is sent as text, so that the server's validation
 * names the problem at the field.
 */

export interface MonitorFormValues {
  name: string;
  url: string;
  method: string;
  /** One `Name: value` a line. */
  headers: string;
  body: string;
  intervalSeconds: string;
  timeoutSeconds: string;
  /** Comma-separated codes or ranges. */
  expectedStatus: string;
  keyword: string;
  invertKeyword: boolean;
  maxLatencyMs: string;
  retries: string;
  retryIntervalSeconds: string;
  followRedirects: boolean;
  verifyTls: boolean;
  paused: boolean;
  notificationChannelIds: string[];
  /** Comma-separated. */
  tags: string;
}

export type MonitorField = keyof MonitorFormValues;

export interface MonitorLike {
  name: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  intervalSeconds: number;
  timeoutSeconds: number;
  expectedStatus: readonly string[];
  keyword: string | null;
  invertKeyword: boolean;
  maxLatencyMs: number | null;
  retries: number;
  retryIntervalSeconds: number | null;
  followRedirects: boolean;
  verifyTls: boolean;
  paused: boolean;
  notificationChannelIds: readonly string[];
  tags: readonly string[];
}

export const NEW_MONITOR: MonitorFormValues = {
  name: '',
  url: 'https://',
  method: 'GET',
  headers: '',
  body: '',
  intervalSeconds: '60',
  timeoutSeconds: '10',
  expectedStatus: '200-399',
  keyword: '',
  invertKeyword: false,
  maxLatencyMs: '',
  retries: '0',
  retryIntervalSeconds: '',
  followRedirects: true,
  verifyTls: true,
  paused: false,
  notificationChannelIds: [],
  tags: '',
};

export function valuesOf(m: MonitorLike): MonitorFormValues {
  return {
    name: m.name,
    url: m.url,
    method: m.method,
    headers: Object.entries(m.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    body: m.body ?? '',
    intervalSeconds: String(m.intervalSeconds),
    timeoutSeconds: String(m.timeoutSeconds),
    expectedStatus: m.expectedStatus.join(', '),
    keyword: m.keyword ?? '',
    invertKeyword: m.invertKeyword,
    maxLatencyMs: m.maxLatencyMs === null ? '' : String(m.maxLatencyMs),
    retries: String(m.retries),
    retryIntervalSeconds: m.retryIntervalSeconds === null ? '' : String(m.retryIntervalSeconds),
    followRedirects: m.followRedirects,
    verifyTls: m.verifyTls,
    paused: m.paused,
    notificationChannelIds: [...m.notificationChannelIds],
    tags: m.tags.join(', '),
  };
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A number where the text is one; the text itself otherwise (the server says what is wrong). */
const numberOrText = (text: string): number | string => {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : trimmed;
};

export type ParsedHeaders =
  { ok: true; headers: Record<string, string> } | { ok: false; line: number };

export function parseHeaders(text: string): ParsedHeaders {
  const headers: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, line: i + 1 };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { ok: true, headers };
}

/**
 * The POST (create) or PATCH (edit) body. Empty optional fields are left out of a POST (the
 * server's defaults apply) and cleared (`null`) in a PATCH where the field may be null.
 */
export function bodyOf(
  v: MonitorFormValues,
  mode: 'create' | 'edit',
  headers: Record<string, string>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: v.name.trim(),
    type: 'http',
    url: v.url.trim(),
    method: v.method,
    headers,
    body: v.body === '' ? null : v.body,
    keyword: v.keyword === '' ? null : v.keyword,
    invertKeyword: v.invertKeyword,
    followRedirects: v.followRedirects,
    verifyTls: v.verifyTls,
    paused: v.paused,
    notificationChannelIds: v.notificationChannelIds,
    tags: list(v.tags),
  };
  const numbers = ['intervalSeconds', 'timeoutSeconds', 'retries'] as const;
  for (const field of numbers) if (v[field].trim() !== '') body[field] = numberOrText(v[field]);
  const nullable = ['maxLatencyMs', 'retryIntervalSeconds'] as const;
  for (const field of nullable) {
    if (v[field].trim() !== '') body[field] = numberOrText(v[field]);
    else if (mode === 'edit') body[field] = null;
  }
  const expected = list(v.expectedStatus);
  if (expected.length > 0 || mode === 'edit') body.expectedStatus = expected;
  return body;
}

/** The form field that a JSON pointer of the server's `details` concerns, if any. */
export function fieldOfPointer(path: string, fields: readonly string[]): string | null {
  const first = path.split('/')[1];
  if (first === undefined) return null;
  const name = first.replaceAll('~1', '/').replaceAll('~0', '~');
  return fields.includes(name) ? name : null;
}
