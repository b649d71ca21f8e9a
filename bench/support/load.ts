/**
 * HTTP load with autocannon's programmatic API, in the bench process itself: a fixed number of
 * keep-alive connections, each sending its next request when the previous answer has arrived,
 * for a fixed time. Requests per second and latency percentiles (autocannon's histogram holds
 * whole milliseconds).
 */
import { createRequire } from 'node:module';
import { bounded } from './proc.js';

interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly latency: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
    readonly average: number;
  };
  readonly requests: { readonly total: number; readonly average: number };
  readonly throughput: { readonly total: number };
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeout?: number;
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

// autocannon is CommonJS and ships no types: the few fields read here are typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSec: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Socket errors, timeouts and answers other than 2xx. */
  readonly errors: number;
  /** Mean response size in bytes. */
  readonly bytesPerResponse: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await bounded(
    `autocannon ${options.url}`,
    (options.durationS + 30) * 1000,
    autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.durationS,
      timeout: 10,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    }),
  );
  const requests = result.requests.total;
  return {
    requests,
    requestsPerSec: requests / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors + result.timeouts + result.non2xx,
    bytesPerResponse: requests === 0 ? Number.NaN : result.throughput.total / requests,
  };
}
