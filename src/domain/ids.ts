/**
 * Identifiers are UUIDv7 strings: unique without coordination across processes, and ordered by
 * creation time, so that they serve as stable pagination cursors and as Kafka keys.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type MonitorId = Brand<string, 'MonitorId'>;
export type ChannelId = Brand<string, 'ChannelId'>;
export type CheckId = Brand<string, 'CheckId'>;
export type IncidentId = Brand<string, 'IncidentId'>;
export type DeliveryId = Brand<string, 'DeliveryId'>;
export type StatusPageId = Brand<string, 'StatusPageId'>;

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Random bytes drawn 4 KiB at a time: one system call per 256 ids, not one per id. */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomBytes16(): Uint8Array {
  if (poolOffset + 16 > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.slice(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

let lastMs = -1;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit sequence, then random bits. Ids
 * made by one process are strictly increasing, also within one millisecond (the sequence counts
 * up from a random start; when it runs out the timestamp moves on by one), so that sorting by id
 * is sorting by creation.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = randomBytes16();
  let ms = Math.floor(nowMs);
  if (ms <= lastMs) {
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else {
    sequence = ((bytes[6] ?? 0) << 4) & 0x7ff;
  }
  lastMs = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += hex[bytes[i] ?? 0] ?? '00';
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `value` has the shape of an id this service hands out. */
export function isId(value: string): boolean {
  return UUID.test(value);
}

export const newMonitorId = (): MonitorId => uuidv7() as MonitorId;
export const newChannelId = (): ChannelId => uuidv7() as ChannelId;
export const newCheckId = (): CheckId => uuidv7() as CheckId;
export const newIncidentId = (): IncidentId => uuidv7() as IncidentId;
export const newDeliveryId = (): DeliveryId => uuidv7() as DeliveryId;
export const newStatusPageId = (): StatusPageId => uuidv7() as StatusPageId;
