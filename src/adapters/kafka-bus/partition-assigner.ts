import type {
  ExtendedGroupProtocolSubscription,
  GroupAssignment,
  GroupPartitionsAssigner,
  GroupPartitionsAssignments,
} from '@platformatic/kafka';

/** The group protocol this bus's members speak; its metadata carries what each member owns. */
export const ASSIGNMENT_PROTOCOL = 'uptime-sticky';

/** A member's subscription metadata: the partitions it owns now, per topic. */
export function encodeOwned(topic: string, partitions: readonly number[]): string {
  return JSON.stringify({ owned: { [topic]: partitions } });
}

/**
 * The group leader's assignment: per topic, among the members subscribed to that topic only
 * (members of one group may read different topics, e.g. workers of different regions sharing
 * the group `worker`), balanced to within one partition, and sticky: a member keeps what it owned
 * as far as balance allows, so a member joining or leaving moves only the partitions it must and
 * the other members' shards stay loaded.
 */
export const stickyAssigner: GroupPartitionsAssigner = (_leader, members, _topics, metadata) => {
  const result = new Map<string, Map<string, GroupAssignment>>();
  for (const memberId of members.keys()) result.set(memberId, new Map());
  const byTopic = new Map<string, string[]>();
  for (const [memberId, subscription] of members) {
    for (const topic of subscription.topics ?? []) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), memberId]);
    }
  }
  for (const [topic, subscribers] of byTopic) {
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const previous = new Map(subscribers.map((id) => [id, ownedOf(members.get(id), topic)]));
    for (const [memberId, partitions] of assignTopic(count, subscribers, previous)) {
      result.get(memberId)?.set(topic, { topic, partitions });
    }
  }
  return [...result].map(([memberId, assignments]): GroupPartitionsAssignments => ({
    memberId,
    assignments,
  }));
};

/** One topic's partitions among its subscribers; exported for unit tests. */
export function assignTopic(
  count: number,
  subscribers: readonly string[],
  previous: ReadonlyMap<string, readonly number[]>,
): Map<string, number[]> {
  const assigned = new Map<string, number[]>(subscribers.map((id) => [id, []]));
  if (subscribers.length === 0) return assigned;
  const base = Math.floor(count / subscribers.length);
  let extra = count % subscribers.length;
  // Members that owned more get the larger quotas first, so fewer partitions move.
  const order = [...subscribers].sort(
    (a, b) => (previous.get(b)?.length ?? 0) - (previous.get(a)?.length ?? 0) || (a < b ? -1 : 1),
  );
  const quota = new Map<string, number>();
  for (const id of order) {
    quota.set(id, base + (extra > 0 ? 1 : 0));
    if (extra > 0) extra--;
  }
  const taken = new Set<number>();
  for (const id of order) {
    const mine = assigned.get(id) ?? [];
    for (const p of previous.get(id) ?? []) {
      if (mine.length >= (quota.get(id) ?? 0)) break;
      if (Number.isInteger(p) && p >= 0 && p < count && !taken.has(p)) {
        taken.add(p);
        mine.push(p);
      }
    }
  }
  let next = 0;
  for (const id of order) {
    const mine = assigned.get(id) ?? [];
    while (mine.length < (quota.get(id) ?? 0)) {
      while (taken.has(next)) next++;
      if (next >= count) break;
      taken.add(next);
      mine.push(next);
    }
    mine.sort((a, b) => a - b);
  }
  return assigned;
}

/** What a member said it owns of `topic`; nothing when its metadata is not ours. */
function ownedOf(
  subscription: ExtendedGroupProtocolSubscription | undefined,
  topic: string,
): number[] {
  const raw = subscription?.metadata;
  if (raw === undefined || raw.length === 0) return [];
  try {
    const parsed = JSON.parse(raw.toString()) as { owned?: Record<string, unknown> };
    const owned = parsed.owned?.[topic];
    return Array.isArray(owned) ? owned.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}
