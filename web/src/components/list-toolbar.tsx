import type { ListQuery, SortKey, StatusName } from '../lib/list-query.js';

const SORTS: readonly [SortKey, string][] = [
  ['status', 'Status (worst first)'],
  ['name', 'Name'],
  ['uptime', 'Uptime 24 h (lowest first)'],
  ['created', 'Oldest first'],
];

const STATUSES: readonly StatusName[] = ['down', 'degraded', 'pending', 'up', 'paused'];

interface ToolbarProps {
  readonly query: ListQuery;
  readonly tags: readonly string[];
  readonly counts: Readonly<Record<StatusName, number>>;
  readonly onChange: (query: ListQuery) => void;
}

/** Search, status and tag filters, and sort of the monitor list. */
export function ListToolbar({ query, tags, counts, onChange }: ToolbarProps) {
  const set = (patch: Partial<ListQuery>): void => {
    onChange({ ...query, ...patch });
  };
  return (
    <form
      class="toolbar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <label class="grow">
        <span class="label">Search</span>
        <input
          type="search"
          name="search"
          placeholder="name, URL or tag"
          value={query.search}
          onInput={(e) => {
            set({ search: e.currentTarget.value });
          }}
        />
      </label>
      <label>
        <span class="label">Status</span>
        <select
          name="status"
          value={query.status}
          onChange={(e) => {
            set({ status: e.currentTarget.value as ListQuery['status'] });
          }}
        >
          <option value="all">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s} ({counts[s]})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="label">Tag</span>
        <select
          name="tag"
          value={query.tag}
          onChange={(e) => {
            set({ tag: e.currentTarget.value });
          }}
        >
          <option value="">Any</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="label">Sort</span>
        <select
          name="sort"
          value={query.sort}
          onChange={(e) => {
            set({ sort: e.currentTarget.value as SortKey });
          }}
        >
          {SORTS.map(([key, text]) => (
            <option key={key} value={key}>
              {text}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
