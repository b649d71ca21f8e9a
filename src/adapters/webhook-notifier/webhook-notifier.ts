import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Channel } from '../../domain/channel.js';
import type { NotificationEvent } from '../../domain/notification.js';
import type { Notifier, SendOutcome } from '../../ports/notifier.js';

export interface WebhookNotifierOptions {
  /** Whole request, answer included. Default 10 s. */
  readonly timeoutMs?: number;
  /** Default `Uptime/<package version>`. */
  readonly userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** A receiver's answer is read (so the connection can be reused) up to this much, then dropped. */
const MAX_DRAIN_BYTES = 64 * 1024;

/** `sha256=<hex>`: the HMAC-SHA256 of the exact body with the channel's secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Posts the payload to the channel's URL as JSON, signed when the channel has a secret. A 2xx
 * answer is a success; anything else, a network error or the timeout is a failure outcome with a
 * short reason (`status 500`, `connection refused`, `timeout after 10000 ms`). Redirects are not
 * followed: a receiver that moved answers 3xx, which is reported.
 */
export function createWebhookNotifier(options: WebhookNotifierOptions = {}): Notifier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`webhook timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const userAgent = options.userAgent ?? `Uptime/${packageVersion()}`;

  return {
    async send(channel: Channel, event: NotificationEvent, payload: string): Promise<SendOutcome> {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'x-uptime-event': event,
      };
      if (channel.secret !== null) {
        headers['x-uptime-signature'] = webhookSignature(channel.secret, payload);
      }
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort();
      }, timeoutMs);
      try {
        const response = await fetch(channel.url, {
          method: 'POST',
          headers,
          body: payload,
          redirect: 'manual',
          signal: controller.signal,
        });
        await drain(response.body);
        if (response.status >= 200 && response.status < 300) return { ok: true };
        return { ok: false, error: `status ${response.status}` };
      } catch (error) {
        if (controller.signal.aborted) return { ok: false, error: `timeout after ${timeoutMs} ms` };
        return { ok: false, error: describeFailure(error) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (body === null) return;
  const reader = body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      bytes += chunk.value.byteLength;
      if (bytes > MAX_DRAIN_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The status is already known; a body cut short changes nothing.
  }
}

const CODE_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'dns lookup failed',
  EAI_AGAIN: 'dns lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  CERT_HAS_EXPIRED: 'tls: certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls: self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls: self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls: unable to verify the certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls: certificate does not match the host name',
};

/** A person-readable reason from fetch's error, whose cause carries the system error code. */
function describeFailure(error: unknown): string {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let innermost: string | null = null;
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const words = CODE_WORDS[code];
      if (words !== undefined) return words;
    }
    if (current instanceof Error && current.message !== '') innermost = current.message;
    if (current instanceof AggregateError) queue.push(...(current.errors as unknown[]));
    if (current instanceof Error && current.cause !== undefined) queue.push(current.cause);
  }
  if (error instanceof TypeError && /url/i.test(error.message)) return 'invalid url';
  return innermost ?? 'request failed';
}

let cachedVersion: string | undefined;

/** The package version, read once; `src/` and `dist/` both sit three levels below the package root. */
function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
      const version = (JSON.parse(text) as { version?: unknown }).version;
      cachedVersion = typeof version === 'string' ? version : '0.0.0';
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}
