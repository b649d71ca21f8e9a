import type { Failure } from './check-result.js';

/**
 * A failure raised inside a probe and turned into a `down` result at its edge; it never leaves
 * the probe.
 */
export class ProbeFailure extends Error {
  readonly failure: Failure;
  constructor(failure: Failure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.name = 'ProbeFailure';
    this.failure = failure;
  }
}

interface SystemErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly reason?: unknown;
  readonly errors?: unknown;
}

function codeOf(error: SystemErrorLike): string {
  return typeof error.code === 'string' ? error.code : '';
}

function messageOf(error: SystemErrorLike): string {
  return typeof error.message === 'string' ? error.message : 'unknown error';
}

/**
 * With happy-eyeballs connects (Node's default), a failure to reach every address of a host is
 * an AggregateError; the first attempt's error says what happened.
 */
function unwrap(error: unknown): SystemErrorLike {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as SystemErrorLike;
  if (codeOf(e) === '' && Array.isArray(e.errors) && e.errors.length > 0) {
    return unwrap(e.errors[0]);
  }
  return e;
}

const DNS_REASONS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'not found',
  EAI_NONAME: 'not found',
  EAI_AGAIN: 'temporary failure of the name server',
  EAI_FAIL: 'the name server failed',
  ENODATA: 'no address for this name',
  EAI_NODATA: 'no address for this name',
};

/** Puts an error of a socket, of DNS or of the HTTP parser into words, with its kind. */
export function describeNetworkError(error: unknown, host: string): Failure {
  if (error instanceof ProbeFailure) return error.failure;
  const e = unwrap(error);
  const code = codeOf(e);
  const dnsReason = DNS_REASONS[code];
  if (dnsReason !== undefined) {
    return { kind: 'dns', message: `DNS lookup failed for ${host}: ${dnsReason}` };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'connection_refused', message: 'connection refused' };
    case 'ECONNRESET':
      // Node's client says "socket hang up" when the server closed without sending a response.
      return messageOf(e) === 'socket hang up'
        ? { kind: 'connection_reset', message: 'connection closed by the server before a response' }
        : { kind: 'connection_reset', message: 'connection reset' };
    case 'EPIPE':
      return { kind: 'connection_reset', message: 'connection reset' };
    case 'ETIMEDOUT':
      return { kind: 'timeout', message: 'connection timed out' };
    case 'EHOSTUNREACH':
      return { kind: 'unknown', message: 'host unreachable' };
    case 'ENETUNREACH':
      return { kind: 'unknown', message: 'network unreachable' };
    default:
      break;
  }
  if (code.startsWith('HPE_')) {
    const reason = typeof e.reason === 'string' ? e.reason : code;
    return { kind: 'protocol', message: `invalid HTTP response: ${reason}` };
  }
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_')) {
    return { kind: 'tls', message: `TLS error: handshake failed (${tlsReason(e)})` };
  }
  return { kind: 'unknown', message: messageOf(e) };
}

/** OpenSSL messages carry a routine prefix; the part after the last colon is the reason. */
function tlsReason(error: SystemErrorLike): string {
  const reason = typeof error.reason === 'string' ? error.reason : messageOf(error);
  const parts = reason.split(':');
  return (parts[parts.length - 1] ?? reason).trim();
}
