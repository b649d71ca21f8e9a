import type { IncidentId, MonitorId } from './ids.js';

export type IncidentState = 'open' | 'resolved';

/** Opens when a monitor becomes `down`; resolved when it is next `up` or `degraded`. */
export interface Incident {
  readonly id: IncidentId;
  readonly monitorId: MonitorId;
  readonly state: IncidentState;
  readonly startedAt: string;
  readonly resolvedAt: string | null;
  /** The error of the check that opened it. */
  readonly cause: string | null;
}
