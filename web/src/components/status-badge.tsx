import type { MonitorStatus } from '../api/types.js';

const ICONS: Readonly<Record<MonitorStatus, string>> = {
  up: '✓',
  down: '✕',
  degraded: '!',
  pending: '…',
  paused: '‖',
};

const LABELS: Readonly<Record<MonitorStatus, string>> = {
  up: 'Up',
  down: 'Down',
  degraded: 'Degraded',
  pending: 'Pending',
  paused: 'Paused',
};

/** A status as colour, icon and word together, never colour alone. */
export function StatusBadge({ status, large = false }: { status: MonitorStatus; large?: boolean }) {
  return (
    <span class={`status status-${status}${large ? ' status-large' : ''}`} data-status={status}>
      <span class="status-icon" aria-hidden="true">
        {ICONS[status]}
      </span>
      {LABELS[status]}
    </span>
  );
}
