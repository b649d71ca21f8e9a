import type { FieldError } from '../../domain/validation.js';

/**
 * The one catalogue of the API's error codes, as the contract writes them, and the HTTP status
 * of each. Nothing else decides a status.
 */
export const API_ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** A refusal the caller can act on; its message and details are safe to show. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details: readonly FieldError[];

  constructor(code: ApiErrorCode, message: string, details: readonly FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string): ApiError => new ApiError('not_found', `${what} not found`);

export const validationFailed = (details: readonly FieldError[]): ApiError =>
  new ApiError(
    'validation_failed',
    details.length === 1 && details[0] !== undefined
      ? `${details[0].path} ${details[0].message}`
      : 'the request is not valid',
    details,
  );
