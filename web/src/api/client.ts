import type { FieldError } from './types.js';

export const API_BASE = '/api/v1';

/** An answer of the API that is not a success, with the contract's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** The raw fetch with the bearer header, for streams. */
  open(path: string, init: RequestInit): Promise<Response>;
}

/**
 * The API with a bearer token. The token travels only in the Authorization header. Every 401
 * calls `onUnauthorized` (the session is over) before the error reaches the caller.
 */
export function createApiClient(token: string, onUnauthorized: () => void): ApiClient {
  const open = async (path: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`${API_BASE}${path}`, { ...init, headers });
    if (res.status === 401) onUnauthorized();
    return res;
  };
  const call = async <T>(path: string, init: RequestInit): Promise<T> => {
    const res = await open(path, init);
    if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
    throw await toApiError(res);
  };
  return {
    get: (path, signal) => call(path, signal === undefined ? {} : { signal }),
    send: (method, path, body) =>
      call(path, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      }),
    open,
  };
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not the contract's JSON: keep the status alone
  }
  const error = (
    body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null
  )?.error;
  const details = Array.isArray(error?.details) ? (error.details as FieldError[]) : [];
  return new ApiError(
    res.status,
    typeof error?.code === 'string' ? error.code : `http_${res.status}`,
    typeof error?.message === 'string' ? error.message : `${res.status} ${res.statusText}`,
    details,
  );
}

/** Every page of a cursor-paged list, calling `onPage` as each arrives; all items at the end. */
export async function fetchAllPages<T>(
  api: ApiClient,
  path: string,
  signal?: AbortSignal,
  onPage: (items: T[]) => void = () => undefined,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  const join = path.includes('?') ? '&' : '?';
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { items: T[]; nextCursor: string | null } = await api.get(
      `${path}${join}limit=1000${suffix}`,
      signal,
    );
    all.push(...page.items);
    onPage(page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && signal?.aborted !== true);
  return all;
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
