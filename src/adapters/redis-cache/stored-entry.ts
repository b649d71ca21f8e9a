import { createHash } from 'node:crypto';
import type { MonitorId } from '../../domain/ids.js';
import type { StatusEntry } from '../../ports/status-cache.js';

/**
 * How an entry is kept: one string key per monitor whose value is `<version>|<entry as JSON>`.
 * The version is the epoch ms the entry speaks for (its last check's start, else `since`). It
 * leads the value so that the write script compares versions without decoding JSON; it shares
 * one string with the entry (not a hash) so that one MGET reads many entries.
 */
const SEPARATOR = '|';

/** Below every instant a Date can hold: an entry with an unreadable time loses to any other. */
const UNKNOWN_VERSION = Number.MIN_SAFE_INTEGER;

/** The epoch ms an entry speaks for, as the port orders entries. */
export function entryVersion(entry: StatusEntry): number {
  const ms = Date.parse(entry.lastCheck?.checkedAt ?? entry.since);
  return Number.isNaN(ms) ? UNKNOWN_VERSION : ms;
}

export function encodeEntry(entry: StatusEntry, version: number): string {
  return `${version}${SEPARATOR}${JSON.stringify(entry)}`;
}

/** The entry held in `value`, or undefined when it is not one written for `monitorId`. */
export function decodeEntry(value: string, monitorId: MonitorId): StatusEntry | undefined {
  const at = value.indexOf(SEPARATOR);
  if (at < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.slice(at + 1));
  } catch {
    return undefined;
  }
  return isEntryOf(parsed, monitorId) ? parsed : undefined;
}

function isEntryOf(value: unknown, monitorId: MonitorId): value is StatusEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    entry['monitorId'] === monitorId &&
    typeof entry['status'] === 'string' &&
    typeof entry['since'] === 'string' &&
    (entry['lastCheck'] === null || typeof entry['lastCheck'] === 'object')
  );
}

/**
 * Writes ARGV[2] to KEYS[1] unless the value held there has a newer version than ARGV[1];
 * ARGV[3] = '1' writes whatever is held. An equal version replaces, so rewriting an entry is
 * harmless. A held value without a readable version counts as older than anything. Returns 1
 * when it wrote, 0 when it kept the held value.
 */
export const NEWEST_WINS_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held and ARGV[3] ~= '1' then
  local bar = string.find(held, '${SEPARATOR}', 1, true)
  local heldVersion = bar and tonumber(string.sub(held, 1, bar - 1))
  if heldVersion and heldVersion > tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

export const NEWEST_WINS_SHA1 = createHash('sha1').update(NEWEST_WINS_SCRIPT).digest('hex');
