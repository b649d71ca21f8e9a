/**
 * A balanced, sticky assignment of a group's partitions to its members, as Kafka's sticky
 * assignors make it: every member gets `floor(n / members)` or one more, and a partition keeps its
 * owner whenever the balance allows, so that a member joining or leaving moves as few partitions
 * as possible (and the roles holding per-partition state reload as little as possible).
 *
 * `current[i]` is the owner of partition i now (undefined when it has none); the answer has the
 * same length. Members are in join order; ties go to the earlier member. Pure and deterministic.
 */
export function assignPartitions<M>(
  current: readonly (M | undefined)[],
  members: readonly M[],
): (M | undefined)[] {
  if (members.length === 0) return current.map(() => undefined);
  const held = new Map<M, number>(members.map((m) => [m, 0]));
  for (const owner of current) {
    const count = owner === undefined ? undefined : held.get(owner);
    if (owner !== undefined && count !== undefined) held.set(owner, count + 1);
  }
  // The members holding the most keep the spare partitions, so that nobody gives one up only to
  // have another member take it.
  const base = Math.floor(current.length / members.length);
  const spare = current.length % members.length;
  const byHeld = [...members].sort((a, b) => (held.get(b) ?? 0) - (held.get(a) ?? 0));
  const quota = new Map<M, number>(byHeld.map((m, i) => [m, base + (i < spare ? 1 : 0)]));

  const kept = new Map<M, number>(members.map((m) => [m, 0]));
  const next: (M | undefined)[] = current.map((owner) => {
    if (owner === undefined) return undefined;
    const count = kept.get(owner);
    if (count === undefined || count >= (quota.get(owner) ?? 0)) return undefined;
    kept.set(owner, count + 1);
    return owner;
  });

  let m = 0;
  for (let i = 0; i < next.length; i++) {
    if (next[i] !== undefined) continue;
    for (;;) {
      const member = members[m];
      if (member === undefined) break;
      const count = kept.get(member) ?? 0;
      if (count < (quota.get(member) ?? 0)) {
        kept.set(member, count + 1);
        next[i] = member;
        break;
      }
      m++;
    }
  }
  return next;
}
