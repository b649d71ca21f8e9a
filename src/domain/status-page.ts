import type { MonitorId, StatusPageId } from './ids.js';
import type { MonitorStatus } from './status.js';
import type { FieldError } from './validation.js';

/** Limits of a public status page, shared by the domain rules and the API schemas. */
export const STATUS_PAGE_LIMITS = {
  /** Lower-case letters, digits and inner hyphens: safe in a URL path as it is. */
  slugPattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$',
  slugMaxLength: 64,
  titleMaxLength: 200,
  descriptionMaxLength: 2000,
  monitorsMax: 1000,
} as const;

const SLUG = new RegExp(STATUS_PAGE_LIMITS.slugPattern);

/** What a user chooses for a page. */
export interface StatusPageSettings {
  readonly slug: string;
  readonly title: string;
  readonly description: string | null;
  /** In the order the page shows them. */
  readonly monitorIds: readonly MonitorId[];
}

/**
 * A page anyone can read without a token, at `/status/{slug}`: the status, the 90-day history
 * and the open incidents of the monitors it lists, and nothing about any other monitor.
 */
export interface StatusPage extends StatusPageSettings {
  readonly id: StatusPageId;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function isSlug(value: string): boolean {
  return SLUG.test(value);
}

/**
 * The rules of a complete page, whatever a schema layer did before. Whether each monitor exists
 * is for the caller to check (it needs the store).
 */
export function validateStatusPage(settings: StatusPageSettings): FieldError[] {
  const errors: FieldError[] = [];
  const L = STATUS_PAGE_LIMITS;
  if (!isSlug(settings.slug)) {
    errors.push({
      path: '/slug',
      message: `must be 1 to ${L.slugMaxLength} lower-case letters, digits or inner hyphens`,
    });
  }
  if (settings.title.trim().length === 0 || settings.title.length > L.titleMaxLength) {
    errors.push({ path: '/title', message: `must be 1 to ${L.titleMaxLength} characters` });
  } else if (settings.title.includes('\0')) {
    errors.push({ path: '/title', message: 'must not contain NUL characters' });
  }
  if (settings.description !== null) {
    if (settings.description.length > L.descriptionMaxLength) {
      errors.push({
        path: '/description',
        message: `must be null or at most ${L.descriptionMaxLength} characters`,
      });
    } else if (settings.description.includes('\0')) {
      errors.push({ path: '/description', message: 'must not contain NUL characters' });
    }
  }
  if (settings.monitorIds.length > L.monitorsMax) {
    errors.push({ path: '/monitorIds', message: `must have at most ${L.monitorsMax} entries` });
  }
  const seen = new Set<string>();
  settings.monitorIds.forEach((id, i) => {
    if (seen.has(id)) errors.push({ path: `/monitorIds/${i}`, message: 'repeats an earlier id' });
    seen.add(id);
  });
  return errors;
}

/** The state a page announces for all its monitors together. */
export type OverallStatus = 'up' | 'degraded' | 'down' | 'unknown';

const SEVERITY: Readonly<Record<OverallStatus, number>> = {
  unknown: 0,
  up: 1,
  degraded: 2,
  down: 3,
};

/**
 * The worst status among the monitors that are being checked and have an outcome: `paused` and
 * `pending` say nothing about the service, so a page with only those (or none) is `unknown`.
 */
export function overallStatus(statuses: Iterable<MonitorStatus>): OverallStatus {
  let worst: OverallStatus = 'unknown';
  for (const status of statuses) {
    if (status === 'paused' || status === 'pending') continue;
    if (SEVERITY[status] > SEVERITY[worst]) worst = status;
  }
  return worst;
}

/**
 * An incident's cause as a status page shows it. Causes are written for the monitor's owner and
 * may name what a public page must not: addresses (a redirect target, a DNS name), or quoted
 * values such as the expected keyword. Those become `…`; the rest (`status 503 not in 200-399`,
 * `connection refused`, `timeout after 10000 ms`) stays as it was.
 */
export function publicCause(cause: string, monitorUrl: string): string {
  let text = cause.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, '…').replace(/"[^"]*"/g, '"…"');
  let host = '';
  try {
    host = new URL(monitorUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // Not a URL: nothing more to hide.
  }
  if (host.length > 0) text = text.split(host).join('…');
  return text;
}
