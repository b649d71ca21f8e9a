import { performance } from 'node:perf_hooks';
import type { CheckTimings, TlsInfo } from '../../domain/check.js';
import { roundMs } from './check-result.js';

/**
 * What a check has learned so far, kept outside the steps so that a result can be built at any
 * moment (the deadline may cut a check short in any phase).
 *
 * Timings across redirects: `dnsMs`, `connectMs` and `tlsMs` add up the phase over every hop
 * (null when no hop went through it); `ttfbMs` runs from the start of the check to the first byte
 * of the final response; `totalMs` is the whole check.
 */
export class CheckTrace {
  /** `performance.now()` when the check started. */
  readonly startedAt = performance.now();
  httpStatus: number | null = null;
  /** The last certificate seen in the chain of hops. */
  tls: TlsInfo | null = null;
  private dnsMs: number | null = null;
  private connectMs: number | null = null;
  private tlsMs: number | null = null;
  private firstByteAt: number | null = null;

  addDns(ms: number): void {
    this.dnsMs = (this.dnsMs ?? 0) + ms;
  }

  addConnect(ms: number): void {
    this.connectMs = (this.connectMs ?? 0) + ms;
  }

  addTls(ms: number): void {
    this.tlsMs = (this.tlsMs ?? 0) + ms;
  }

  /** A new hop starts: its response, not an earlier one, is what `ttfbMs` measures. */
  startHop(): void {
    this.firstByteAt = null;
    this.httpStatus = null;
  }

  markFirstByte(): void {
    this.firstByteAt ??= performance.now();
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  timings(totalMs: number): CheckTimings {
    const round = (ms: number | null): number | null => (ms === null ? null : roundMs(ms));
    return {
      dnsMs: round(this.dnsMs),
      connectMs: round(this.connectMs),
      tlsMs: round(this.tlsMs),
      ttfbMs: this.firstByteAt === null ? null : roundMs(this.firstByteAt - this.startedAt),
      totalMs: roundMs(totalMs),
    };
  }
}
