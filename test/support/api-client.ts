/** The fields of API answers that tests read. */
export interface Answer {
  id: string;
  status: string;
  checks: number;
  items: { id: string; state: string; checkedAt: string }[];
}

export interface ApiClient {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }>;
}

/** A client of a running service's `/api/v1`, over real HTTP. */
export function apiClient(baseUrl: string, token: string): ApiClient {
  return {
    async call(method, path, body) {
      const res = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Answer };
    },
  };
}

/** Polls `probe` every 100 ms until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
