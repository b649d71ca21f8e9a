import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../ports/clock.js';
import { ApiError } from '../roles/api/api-errors.js';
import { createFailureLimiter } from './failure-limiter.js';

export interface BearerAuthOptions {
  readonly token: string;
  readonly clock: Clock;
  /** Failed attempts per client address within `windowMs` before it is refused. Default 20. */
  readonly maxFailures?: number;
  /** Default one minute. */
  readonly windowMs?: number;
}

export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The `onRequest` hook of every route that needs the admin token. A client address with too
 * many recent failures gets 429 before its token is even looked at, so that the limit cannot be
 * used to tell a right token from a wrong one.
 */
export function createBearerAuth(options: BearerAuthOptions): AuthHook {
  if (options.token.length === 0) throw new Error('the admin token must not be empty');
  // Comparing fixed-length digests keeps the time independent of where, or whether, they differ.
  const expected = digest(options.token);
  const limiter = createFailureLimiter({
    maxFailures: options.maxFailures ?? 20,
    windowMs: options.windowMs ?? 60_000,
    clock: options.clock,
  });

  return async (request, reply) => {
    const address = request.ip;
    if (limiter.isBlocked(address)) {
      void reply.header('retry-after', String(limiter.retryAfterSeconds(address)));
      throw new ApiError('rate_limited', 'too many failed authentications from this address');
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented !== null && timingSafeEqual(digest(presented), expected)) return;
    limiter.recordFailure(address);
    void reply.header('www-authenticate', 'Bearer');
    throw new ApiError(
      'unauthorized',
      presented === null ? 'needs Authorization: Bearer <token>' : 'the token is not valid',
    );
  };
}

function bearerToken(header: string | undefined): string | null {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}
