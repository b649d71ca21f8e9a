import type { CheckRequest, CheckResult } from './check.js';
import type { MonitorId } from './ids.js';
import type { Incident } from './incident.js';
import type { Monitor } from './monitor.js';
import type { MonitorStatus } from './status.js';

/** Payload of `monitor.changed`: the monitor after the change, or a tombstone. */
export type MonitorChanged =
  | {
      readonly kind: 'upserted';
      readonly reason: 'created' | 'updated' | 'paused' | 'resumed';
      readonly monitor: Monitor;
    }
  | { readonly kind: 'deleted'; readonly monitorId: MonitorId };

/** Payload of `monitor.status_changed`. */
export interface StatusChanged {
  /** Idempotency key: the id of the check that caused the change. */
  readonly eventKey: string;
  readonly monitor: Pick<Monitor, 'id' | 'name' | 'url' | 'notificationChannelIds'>;
  readonly status: MonitorStatus;
  readonly previousStatus: MonitorStatus;
  readonly at: string;
  readonly incident: Incident | null;
  readonly result: CheckResult | null;
}

/** The topics between roles and what each carries. Keys are always the monitor id. */
export interface TopicPayloads {
  readonly monitors: MonitorChanged;
  readonly results: CheckResult;
  readonly status: StatusChanged;
}

/** `checks.<region>` carries check requests for the workers of one region. */
export type ChecksTopic = `checks.${string}`;
export type Topic = keyof TopicPayloads | ChecksTopic;
export type PayloadOf<T extends Topic> = T extends keyof TopicPayloads
  ? TopicPayloads[T]
  : CheckRequest;

export const checksTopic = (region: string): ChecksTopic => `checks.${region}`;
