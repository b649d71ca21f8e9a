import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { StatusCache } from '../../ports/status-cache.js';
import type { Store } from '../../ports/store.js';
import { createChannelService, type ChannelService } from './channel-service.js';
import { createHistoryService, type HistoryService } from './history-service.js';
import { createMonitorService, type MonitorService } from './monitor-service.js';
import type { OutboxRelay } from './outbox-relay.js';
import { createPublicStatusService, type PublicStatusService } from './public-status-service.js';
import { createStatusPageService, type StatusPageService } from './status-page-service.js';
import { createStatusService, type StatusService } from './status-service.js';
import { createUptimeService, type UptimeService } from './uptime-service.js';

export interface ApiServicesDeps {
  readonly store: Store;
  readonly outbox: OutboxRelay;
  readonly cache: StatusCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onDeliveryEnqueued?: (() => void) | undefined;
}

/** The use cases behind the REST API, wired to one set of ports. */
export interface ApiServices {
  readonly monitors: MonitorService;
  readonly statuses: StatusService;
  readonly history: HistoryService;
  readonly channels: ChannelService;
  readonly uptime: UptimeService;
  readonly statusPages: StatusPageService;
  /** What is served without a token: status pages and badges. */
  readonly publicStatus: PublicStatusService;
}

export function createApiServices(deps: ApiServicesDeps): ApiServices {
  const { store, outbox, cache, clock, logger } = deps;
  const statuses = createStatusService({ store, cache, logger });
  return {
    statuses,
    monitors: createMonitorService({ store, outbox, cache, statuses, clock, logger }),
    history: createHistoryService({ store, clock }),
    channels: createChannelService({
      store,
      clock,
      logger,
      onDeliveryEnqueued: deps.onDeliveryEnqueued,
    }),
    uptime: createUptimeService({ store, clock }),
    statusPages: createStatusPageService({ store, clock }),
    publicStatus: createPublicStatusService({ store, statuses, clock }),
  };
}
