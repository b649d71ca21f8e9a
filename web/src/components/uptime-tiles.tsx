import type { Uptime, UptimeWindow } from '../api/types.js';
import { formatPercent } from '../lib/format.js';

/** Uptime over 24 h, 7 d, 30 d and 90 d, with how many checks each figure rests on. */
export function UptimeTiles({
  windows,
  uptime,
}: {
  windows: readonly UptimeWindow[];
  uptime: Readonly<Partial<Record<UptimeWindow, Uptime>>>;
}) {
  return (
    <dl class="tiles">
      {windows.map((w) => {
        const u = uptime[w];
        return (
          <div key={w} class="tile" data-window={w}>
            <dt>Uptime {w}</dt>
            <dd class="figure">{u === undefined ? '…' : formatPercent(u.uptime)}</dd>
            <dd class="muted small">
              {u === undefined ? '' : `${u.failures} failed of ${u.checks} checks`}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
