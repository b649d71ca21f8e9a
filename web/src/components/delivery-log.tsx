import { useEffect, useState } from 'preact/hooks';
import { errorText, type ApiClient } from '../api/client.js';
import type { Delivery, Page } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';

/** A channel's deliveries, newest first, a page at a time. */
export function DeliveryLog({
  api,
  channelId,
  refresh,
}: {
  api: ApiClient;
  channelId: string;
  refresh: number;
}) {
  const [items, setItems] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/notification-channels/${encodeURIComponent(channelId)}/deliveries?limit=20`;

  const load = (after: string | null, signal?: AbortSignal): void => {
    const path = after === null ? base : `${base}&cursor=${encodeURIComponent(after)}`;
    api.get<Page<Delivery>>(path, signal).then(
      (page) => {
        setItems((old) => (after === null ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
        setError(null);
      },
      (e: unknown) => {
        if (signal?.aborted !== true) setError(errorText(e));
      },
    );
  };
  useEffect(() => {
    const ac = new AbortController();
    load(null, ac.signal);
    return () => {
      ac.abort();
    };
  }, [channelId, refresh]);

  return (
    <div class="deliveries">
      {error !== null && <p class="error">{error}</p>}
      {items.length === 0 ? (
        <p class="muted">No deliveries yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="data">
            <caption class="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Last attempt</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>{d.event}</td>
                  <td class={`delivery-${d.state}`}>{d.state}</td>
                  <td class="num">{d.attempts}</td>
                  <td>{formatDateTime(d.lastAttemptAt)}</td>
                  <td>{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor !== null && (
        <button
          type="button"
          onClick={() => {
            load(cursor);
          }}
        >
          Older deliveries
        </button>
      )}
    </div>
  );
}
