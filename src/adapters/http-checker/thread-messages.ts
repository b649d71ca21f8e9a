import type { CheckRequest, CheckResult } from '../../domain/check.js';

/**
 * The messages between the pool and a checker thread. Both directions carry batches: one
 * message per event-loop turn rather than one per check keeps the messaging overhead low.
 * `seq` is the pool's own number for a dispatch (check ids may repeat on redelivery).
 */
export interface RunChecks {
  readonly type: 'run';
  readonly items: readonly { readonly seq: number; readonly request: CheckRequest }[];
}

export interface ChecksDone {
  readonly type: 'done';
  readonly items: readonly { readonly seq: number; readonly result: CheckResult }[];
}
