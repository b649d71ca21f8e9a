import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { MonitorWithStatus } from '../api/types.js';
import { ListToolbar } from '../components/list-toolbar.js';
import { MonitorRow } from '../components/monitor-row.js';
import { VirtualList } from '../components/virtual-list.js';
import { allTags, countByStatus, selectMonitors } from '../lib/list-query.js';
import { Link } from '../router.js';
import { listQuery } from '../state/list-query.js';
import { useObservable } from '../state/observable.js';
import { useServices } from '../state/services.js';

const narrow = matchMedia('(max-width: 760px)');

/** Every monitor, searchable, filterable and sortable; only the rows in view are rendered. */
export function ListPage() {
  const { monitors, stats } = useServices();
  const list = useObservable(monitors);
  const statsVersion = useObservable(stats);
  const query = useObservable(listQuery);
  const [isNarrow, setNarrow] = useState(narrow.matches);
  useEffect(() => {
    const update = (): void => {
      setNarrow(narrow.matches);
    };
    narrow.addEventListener('change', update);
    return () => {
      narrow.removeEventListener('change', update);
    };
  }, []);

  const sortsByUptime = query.sort === 'uptime';
  useEffect(() => {
    if (sortsByUptime && list.complete) void stats.loadAllUptime(list.monitors.map((m) => m.id));
  }, [sortsByUptime, list.complete, list.monitors, stats]);

  const uptimeVersion = sortsByUptime ? statsVersion : 0;
  const shown = useMemo(
    () => selectMonitors(list.monitors, query, (id) => stats.of(id).uptime24h),
    [list.version, query, uptimeVersion],
  );
  const tags = useMemo(() => allTags(list.monitors), [list.version]);
  const counts = useMemo(() => countByStatus(list.monitors), [list.version]);

  const onVisible = useCallback(
    (rows: readonly MonitorWithStatus[]) => {
      stats.want(rows.map((m) => m.id));
    },
    [stats],
  );

  const total = list.monitors.length;
  return (
    <section class="list-page" aria-labelledby="list-title">
      <div class="page-head">
        <h1 id="list-title">Monitors</h1>
        <p class="muted" aria-live="polite">
          {list.complete ? `${total} monitors` : `Loading… ${total} so far`}
          {shown.length !== total && `, ${shown.length} shown`}
          {counts.down > 0 && <strong class="text-down"> · {counts.down} down</strong>}
        </p>
        <Link href="/monitors/new" class="button primary">
          New monitor
        </Link>
      </div>
      <ListToolbar
        query={query}
        tags={tags}
        counts={counts}
        onChange={(q) => {
          listQuery.set(q);
        }}
      />
      {list.error !== null && (
        <p class="error" role="alert">
          The list could not be loaded: {list.error}
        </p>
      )}
      {list.complete && total === 0 ? (
        <p class="empty">
          No monitors yet. <Link href="/monitors/new">Add the first one</Link>.
        </p>
      ) : (
        <VirtualList
          items={shown}
          rowHeight={isNarrow ? 96 : 52}
          keyOf={(m) => m.id}
          label="Monitors"
          onVisible={onVisible}
          header={
            <div class="vhead" role="row" aria-rowindex={1}>
              <span role="columnheader">Status</span>
              <span role="columnheader">Name and URL</span>
              <span role="columnheader" class="cell-num">
                Uptime 24 h
              </span>
              <span role="columnheader" class="cell-num">
                Last latency
              </span>
              <span role="columnheader">Last 90 days</span>
            </div>
          }
          renderRow={(m) => <MonitorRow monitor={m} stats={stats.of(m.id)} />}
        />
      )}
    </section>
  );
}
