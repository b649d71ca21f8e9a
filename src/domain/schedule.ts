/**
 * Schedule arithmetic, pure. A monitor's checks fall on a grid `anchor + k * interval`. A monitor
 * that is created or resumed is anchored at its first check; a scheduler that starts without saved
 * anchors places each monitor at a phase derived from its id, so that load spreads evenly across
 * each interval and no schedule state is stored.
 */

/** FNV-1a, 32 bits: a stable, well-spread hash of an id. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The offset within each interval at which a monitor's checks fall after a restart. */
export function phaseOffsetMs(id: string, intervalMs: number): number {
  return hash32(id) % intervalMs;
}

/** The first instant ≥ `nowMs` on the monitor's phase grid. */
export function firstDueAfterStart(id: string, intervalMs: number, nowMs: number): number {
  const anchor = phaseOffsetMs(id, intervalMs);
  return nextOnGrid(anchor, intervalMs, nowMs - 1);
}

/**
 * The first instant strictly after `afterMs` on the grid `anchorMs + k * intervalMs`. Slots missed
 * while the process was busy are skipped, never made up in a burst, and the grid never drifts.
 */
export function nextOnGrid(anchorMs: number, intervalMs: number, afterMs: number): number {
  const k = Math.floor((afterMs - anchorMs) / intervalMs) + 1;
  return anchorMs + k * intervalMs;
}
