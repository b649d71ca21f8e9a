/**
 * Advisory locks are database-wide, so their keys carry the schema: two installations in two
 * schemas of one database never wait for each other. A key is the pair (hash of the schema name,
 * purpose), the two-int form of `pg_advisory_lock`.
 */
export const LOCK_PURPOSE = {
  /** Held while migrating, so that processes starting together migrate one after another. */
  migrations: 1,
  /**
   * Shared by every batch of results, exclusive while a monitor is deleted: a delete waits for
   * the batches in flight, and a batch that starts later no longer finds the monitor.
   */
  monitorDeletion: 2,
  /** Held by the one process applying retention; another that finds it held skips the round. */
  retention: 3,
} as const;

export type LockPurpose = (typeof LOCK_PURPOSE)[keyof typeof LOCK_PURPOSE];

/** FNV-1a of the name, as a signed 32-bit integer (the range of int4). */
export function advisoryKey(schema: string, purpose: LockPurpose): [number, number] {
  let h = 0x811c9dc5;
  const text = `uptime:${schema}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return [h | 0, purpose];
}
