import type { CheckRequest, ProbeSpec } from '../../../src/domain/check.js';
import { newCheckId, newMonitorId } from '../../../src/domain/ids.js';

/** A check request for `url` with the monitor defaults, overridden by `probe`. */
export function checkRequest(url: string, probe: Partial<ProbeSpec> = {}): CheckRequest {
  return {
    checkId: newCheckId(),
    monitorId: newMonitorId(),
    scheduledAt: Date.now(),
    intervalMs: 60_000,
    region: 'test-region',
    probe: {
      url,
      method: 'GET',
      headers: {},
      body: null,
      timeoutMs: 5_000,
      expectedStatus: ['200-399'],
      keyword: null,
      invertKeyword: false,
      maxLatencyMs: null,
      followRedirects: true,
      verifyTls: true,
      ...probe,
    },
  };
}
