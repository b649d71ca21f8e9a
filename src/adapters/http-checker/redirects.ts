import type { HopRequest } from './send-request.js';
import { ProbeFailure } from './network-failure.js';

/** Most redirects a check follows; one more is a failure. */
export const MAX_REDIRECTS = 10;

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Sent only to the origin the user named, as browsers do. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'proxy-authorization',
]);
const BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
]);

/**
 * The request a redirect leads to, or null when the response is not a redirect (then it is
 * judged as the final answer). Follows browsers: 303, and 301/302 after a POST, turn into a GET
 * without a body; 307 and 308 repeat the request as it was.
 */
export function redirectTarget(
  hop: HopRequest,
  status: number,
  location: string | undefined,
): HopRequest | null {
  if (!REDIRECT_STATUSES.has(status) || location === undefined || location === '') return null;
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    throw new ProbeFailure({
      kind: 'redirect',
      message: `redirect to an invalid location "${location}"`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProbeFailure({
      kind: 'redirect',
      message: `redirect to a non-HTTP location ${url.href}`,
    });
  }
  url.hash = '';
  const toGet =
    status === 303
      ? hop.method !== 'HEAD'
      : (status === 301 || status === 302) && hop.method === 'POST';
  const crossOrigin = url.origin !== hop.url.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hop.headers)) {
    const lower = name.toLowerCase();
    if (crossOrigin && CREDENTIAL_HEADERS.has(lower)) continue;
    if (toGet && BODY_HEADERS.has(lower)) continue;
    if (crossOrigin && lower === 'host') continue;
    headers[name] = value;
  }
  return toGet
    ? { url, method: 'GET', headers, body: null }
    : { url, method: hop.method, headers, body: hop.body };
}
