import type { BusMessage } from '../../ports/event-bus.js';

/** Keys are the monitor id in UTF-8; values are JSON. */
export function encodeKey(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

export function encodeValue(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export type Decoded =
  | { readonly ok: true; readonly message: BusMessage<unknown> }
  | { readonly ok: false; readonly reason: string };

/**
 * A record as the port's message. A record that is not ours (no key, no value, not JSON) cannot
 * become one; the caller skips it, since redelivering it would never succeed.
 */
export function decodeRecord(key: Buffer | null, value: Buffer | null): Decoded {
  if (key === null) return { ok: false, reason: 'record without a key' };
  if (value === null) return { ok: false, reason: 'record without a value' };
  try {
    return {
      ok: true,
      message: { key: key.toString('utf8'), value: JSON.parse(value.toString('utf8')) as unknown },
    };
  } catch (error) {
    return { ok: false, reason: `value is not JSON (${(error as Error).message})` };
  }
}
