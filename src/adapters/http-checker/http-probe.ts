import type { CheckRequest, CheckResult, ProbeSpec } from '../../domain/check.js';
import {
  describeExpectedStatus,
  parseExpectedStatus,
  statusMatches,
} from '../../domain/expected-status.js';
import type { Failure } from './check-result.js';
import { buildResult, roundMs } from './check-result.js';
import { CheckTrace } from './check-trace.js';
import { Deadline } from './deadline.js';
import { ProbeFailure, describeNetworkError } from './network-failure.js';
import { hostOf, openConnection } from './open-connection.js';
import { BODY_LIMIT_BYTES, readBody } from './read-body.js';
import { MAX_REDIRECTS, redirectTarget } from './redirects.js';
import type { HopRequest } from './send-request.js';
import { sendRequest } from './send-request.js';

/** What the probe decided; `degraded` is derived from the latency afterwards. */
type Verdict = { readonly passed: true } | { readonly passed: false; readonly failure: Failure };

const TIMED_OUT = Symbol('timed out');

/**
 * Runs one HTTP check in the current thread and resolves with its result; it never rejects.
 *
 * Every hop uses a new connection. `probe.timeoutMs` bounds the whole check (DNS, connect, TLS,
 * every redirect, the body). `latencyMs` (equal to `timings.totalMs`) runs from the start of the
 * check until its outcome is known: the end of the body, the first 1 MiB of it, or the keyword
 * found; for a failure, until the failure was seen.
 */
export async function runHttpCheck(request: CheckRequest): Promise<CheckResult> {
  const checkedAtMs = Date.now();
  const trace = new CheckTrace();
  const { probe } = request;
  let verdict: Verdict;
  let deadline: Deadline | null = null;
  try {
    deadline = new Deadline(probe.timeoutMs);
    const outcome = await Promise.race([
      runProbe(probe, trace, deadline),
      deadline.reached.then((): typeof TIMED_OUT => TIMED_OUT),
    ]);
    verdict =
      outcome === TIMED_OUT
        ? {
            passed: false,
            failure: { kind: 'timeout', message: `timeout after ${probe.timeoutMs} ms` },
          }
        : outcome;
  } catch (error) {
    verdict = { passed: false, failure: failureOf(error, probe.url) };
  } finally {
    deadline?.finish();
  }
  const latencyMs = trace.elapsedMs();
  const slow = probe.maxLatencyMs !== null && latencyMs > probe.maxLatencyMs;
  const common = {
    checkedAtMs,
    latencyMs,
    httpStatus: trace.httpStatus,
    timings: trace.timings(latencyMs),
    tls: trace.tls,
  };
  if (!verdict.passed) {
    return buildResult(request, {
      ...common,
      status: 'down',
      error: verdict.failure.message,
      failureKind: verdict.failure.kind,
    });
  }
  return buildResult(request, {
    ...common,
    status: slow ? 'degraded' : 'up',
    error: slow
      ? `latency ${roundMs(latencyMs)} ms over the limit of ${probe.maxLatencyMs} ms`
      : null,
    failureKind: null,
  });
}

function failureOf(error: unknown, url: string): Failure {
  if (error instanceof ProbeFailure) return error.failure;
  let host = url;
  try {
    host = hostOf(new URL(url));
  } catch {
    // The URL was checked when the monitor was saved; keep the raw text for the sentence.
  }
  return describeNetworkError(error, host);
}

function firstHop(probe: ProbeSpec): HopRequest {
  let url: URL;
  try {
    url = new URL(probe.url);
  } catch {
    throw new ProbeFailure({ kind: 'unknown', message: `invalid URL ${probe.url}` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProbeFailure({
      kind: 'unknown',
      message: `not an http: or https: URL: ${probe.url}`,
    });
  }
  url.hash = '';
  return { url, method: probe.method, headers: probe.headers, body: probe.body };
}

async function runProbe(probe: ProbeSpec, trace: CheckTrace, deadline: Deadline): Promise<Verdict> {
  const expected = parseExpectedStatus(probe.expectedStatus);
  if (!expected.ok) {
    return {
      passed: false,
      failure: { kind: 'status', message: `expected status: ${expected.message}` },
    };
  }
  let hop = firstHop(probe);
  // A loop is the same request twice: POST /form answered by 303 to GET /form is not one.
  const requestKey = (h: HopRequest): string => `${h.method} ${h.url.href}`;
  const seen = new Set<string>([requestKey(hop)]);
  for (let redirects = 0; ;) {
    trace.startHop();
    const socket = await openConnection(hop.url, probe.verifyTls, trace, deadline);
    const res = await sendRequest(socket, hop, trace);
    const status = res.statusCode ?? 0;
    const next = probe.followRedirects ? redirectTarget(hop, status, res.headers.location) : null;
    if (next !== null) {
      socket.destroy();
      redirects += 1;
      if (seen.has(requestKey(next))) {
        throw new ProbeFailure({ kind: 'redirect', message: `redirect loop at ${next.url.href}` });
      }
      if (redirects > MAX_REDIRECTS) {
        throw new ProbeFailure({
          kind: 'redirect',
          message: `too many redirects (more than ${MAX_REDIRECTS})`,
        });
      }
      seen.add(requestKey(next));
      hop = next;
      continue;
    }
    if (!statusMatches(status, expected.ranges)) {
      const wanted = describeExpectedStatus(probe.expectedStatus);
      return {
        passed: false,
        failure: { kind: 'status', message: `status ${status} not in ${wanted}` },
      };
    }
    const found = await readBody(res, probe.keyword, BODY_LIMIT_BYTES);
    if (probe.keyword === null || found !== probe.invertKeyword) return { passed: true };
    const message = probe.invertKeyword
      ? `keyword "${probe.keyword}" found`
      : `keyword "${probe.keyword}" not found`;
    return { passed: false, failure: { kind: 'keyword', message } };
  }
}
