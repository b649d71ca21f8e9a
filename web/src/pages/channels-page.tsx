import { useEffect, useState } from 'preact/hooks';
import { errorText, fetchAllPages } from '../api/client.js';
import type { Channel } from '../api/types.js';
import { ChannelForm } from '../components/channel-form.js';
import { DeliveryLog } from '../components/delivery-log.js';
import { useServices } from '../state/services.js';

const TEST_REFRESH_MS = [500, 2_500, 6_000];

/** Notification channels: create, send a test, delete, and each one's delivery log. */
export function ChannelsPage() {
  const { api } = useServices();
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    const ac = new AbortController();
    fetchAllPages<Channel>(api, '/notification-channels', ac.signal).then(
      (found) => {
        setChannels(found);
      },
      (e: unknown) => {
        if (!ac.signal.aborted) setMessage(errorText(e));
      },
    );
    return () => {
      ac.abort();
    };
  }, [api]);

  const test = async (c: Channel): Promise<void> => {
    try {
      await api.send('POST', `/notification-channels/${encodeURIComponent(c.id)}/test`);
      setMessage(`A test event is on its way to ${c.name}.`);
      setOpen(c.id);
      // the delivery shows once the alerter has tried it (within 2 s when the receiver answers)
      for (const ms of TEST_REFRESH_MS) {
        setTimeout(() => {
          setRefresh((n) => n + 1);
        }, ms);
      }
    } catch (e) {
      setMessage(errorText(e));
    }
  };
  const remove = async (c: Channel): Promise<void> => {
    if (!confirm(`Delete the channel "${c.name}"?`)) return;
    try {
      await api.send('DELETE', `/notification-channels/${encodeURIComponent(c.id)}`);
      setChannels((list) => (list ?? []).filter((x) => x.id !== c.id));
      setMessage(`${c.name} deleted.`);
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  return (
    <section class="channels-page" aria-labelledby="channels-title">
      <h1 id="channels-title">Notification channels</h1>
      <p role="status" class="notice-line">
        {message}
      </p>
      <div class="columns">
        <div>
          {channels === null && <p class="muted">Loading…</p>}
          {channels?.length === 0 && <p class="muted">No channels yet.</p>}
          <ul class="channel-list">
            {channels?.map((c) => (
              <li key={c.id} class="panel">
                <div class="panel-head">
                  <h2>{c.name}</h2>
                  <div class="actions">
                    <button type="button" onClick={() => void test(c)}>
                      Send test
                    </button>
                    <button
                      type="button"
                      aria-expanded={open === c.id}
                      onClick={() => {
                        setOpen(open === c.id ? null : c.id);
                      }}
                    >
                      Delivery log
                    </button>
                    <button type="button" class="danger" onClick={() => void remove(c)}>
                      Delete
                    </button>
                  </div>
                </div>
                <p class="muted small">
                  {c.type} · {c.url}
                  {c.hasSecret && ' · signed'}
                </p>
                {open === c.id && <DeliveryLog api={api} channelId={c.id} refresh={refresh} />}
              </li>
            ))}
          </ul>
        </div>
        <ChannelForm
          api={api}
          onCreated={(c) => {
            setChannels((list) => [...(list ?? []), c]);
            setMessage(`${c.name} created.`);
          }}
        />
      </div>
    </section>
  );
}
