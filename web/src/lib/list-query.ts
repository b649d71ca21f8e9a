/** Search, filter and sort of the monitor list: pure, so that 10,000 rows stay cheap to derive. */

export type StatusName = 'pending' | 'up' | 'degraded' | 'down' | 'paused';

export interface ListedMonitor {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly status: StatusName;
  readonly tags: readonly string[];
}

export type SortKey = 'status' | 'name' | 'created' | 'uptime';

export interface ListQuery {
  /** Words that must each appear in the name, URL or a tag (case-insensitive). */
  readonly search: string;
  readonly status: StatusName | 'all';
  readonly tag: string;
  readonly sort: SortKey;
}

export const DEFAULT_QUERY: ListQuery = { search: '', status: 'all', tag: '', sort: 'status' };

/** Worst first: what needs attention comes to the top. */
const SEVERITY: Readonly<Record<StatusName, number>> = {
  down: 0,
  degraded: 1,
  pending: 2,
  up: 3,
  paused: 4,
};

/**
 * The monitors to show, in order. `monitors` is in creation order, which every sort keeps among
 * equals; `uptimeOf` gives a monitor's 24 h uptime (unknown sorts last).
 */
export function selectMonitors<M extends ListedMonitor>(
  monitors: readonly M[],
  query: ListQuery,
  uptimeOf: (id: string) => number | null | undefined = () => undefined,
): M[] {
  const words = query.search.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = monitors.filter(
    (m) =>
      (query.status === 'all' || m.status === query.status) &&
      (query.tag === '' || m.tags.includes(query.tag)) &&
      (words.length === 0 || matches(m, words)),
  );
  const order = new Map(monitors.map((m, i) => [m.id, i]));
  const created = (a: M, b: M): number => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0);
  switch (query.sort) {
    case 'created':
      return shown;
    case 'status':
      return shown.sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status] || created(a, b));
    case 'name':
      return shown.sort((a, b) => collator.compare(a.name, b.name) || created(a, b));
    case 'uptime':
      return shown.sort((a, b) => {
        const ua = uptimeOf(a.id) ?? 2;
        const ub = uptimeOf(b.id) ?? 2;
        return ua - ub || created(a, b);
      });
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function matches(m: ListedMonitor, words: readonly string[]): boolean {
  const text = `${m.name}\n${m.url}\n${m.tags.join('\n')}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/** Every tag in use, sorted. */
export function allTags(monitors: readonly ListedMonitor[]): string[] {
  const tags = new Set<string>();
  for (const m of monitors) for (const t of m.tags) tags.add(t);
  return [...tags].sort((a, b) => collator.compare(a, b));
}

/** How many monitors have each status. */
export function countByStatus(monitors: readonly ListedMonitor[]): Record<StatusName, number> {
  const counts: Record<StatusName, number> = { down: 0, degraded: 0, pending: 0, up: 0, paused: 0 };
  for (const m of monitors) counts[m.status] += 1;
  return counts;
}
