import { GenericError } from '@platformatic/kafka';

export type KafkaBusErrorCode =
  | 'KAFKA_BUS_CLOSED'
  | 'KAFKA_INVALID_OPTIONS'
  | 'KAFKA_INVALID_NAME'
  | 'KAFKA_PUBLISH_FAILED'
  | 'KAFKA_SUBSCRIBE_FAILED'
  | 'KAFKA_TOPIC_FAILED'
  | 'KAFKA_TOPIC_MISMATCH'
  | 'KAFKA_UNREACHABLE';

/**
 * The only error the Kafka bus lets out. What the client library threw is kept as `cause`, for
 * logs; callers decide on `code`.
 */
export class KafkaBusError extends Error {
  readonly code: KafkaBusErrorCode;
  constructor(code: KafkaBusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaBusError';
    this.code = code;
  }
}

/** Wraps anything thrown by the client library (a KafkaBusError passes through unchanged). */
export function wrapError(code: KafkaBusErrorCode, what: string, error: unknown): KafkaBusError {
  if (error instanceof KafkaBusError) return error;
  return new KafkaBusError(code, `${what}: ${describeError(error)}`, { cause: error });
}

/**
 * One line for logs and messages: the library's message, the innermost reason (its errors wrap
 * the connection error in "... failed N times") and the broker's error ids, if any.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const ids = new Set<string>();
  collectIds(error, ids, 0);
  const root = rootCause(error, 0);
  const reason =
    root === error.message ? error.message : `${error.message.replace(/\.$/, '')}: ${root}`;
  return ids.size === 0 ? reason : `${reason} (${[...ids].join(', ')})`;
}

/** The message of the last error along `errors` and `cause` links. */
function rootCause(error: Error, depth: number): string {
  if (depth > 4) return error.message;
  const inner: unknown =
    error instanceof AggregateError && error.errors.length > 0 ? error.errors.at(-1) : error.cause;
  return inner instanceof Error ? rootCause(inner, depth + 1) : error.message;
}

/** True when the error (or one it aggregates) is the broker's error with this id. */
export function isBrokerError(error: unknown, id: string): boolean {
  if (!(error instanceof Error) || !GenericError.isGenericError(error)) return false;
  const searchable = error as { findBy(property: string, value: unknown): unknown };
  return searchable.findBy('apiId', id) !== null;
}

function collectIds(error: Error, ids: Set<string>, depth: number): void {
  if (depth > 4) return;
  const apiId: unknown = (error as { apiId?: unknown }).apiId;
  if (typeof apiId === 'string') ids.add(apiId);
  if (error instanceof AggregateError) {
    for (const inner of error.errors) if (inner instanceof Error) collectIds(inner, ids, depth + 1);
  }
}
