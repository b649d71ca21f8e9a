import { StoreError } from '../../ports/store.js';

/**
 * Instants are stored as epoch milliseconds so that they index and compare as integers. The
 * domain's ISO strings are in `toISOString()` form, so `toIso(toMs(x)) === x` for every value
 * the service hands to the store.
 */
export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new StoreError('STORE_FAILED', `not an ISO 8601 instant: ${JSON.stringify(iso)}`);
  }
  return ms;
}

export function toMsOrNull(iso: string | null): number | null {
  return iso === null ? null : toMs(iso);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toIsoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
