import { describe } from 'node:test';
import type { Store } from '../../src/ports/store.js';
import { channelsContract } from './store-channels.contract.js';
import { deliveriesContract } from './store-deliveries.contract.js';
import { incidentsContract } from './store-incidents.contract.js';
import { monitorsContract } from './store-monitors.contract.js';
import { outboxContract } from './store-outbox.contract.js';
import { resultsContract } from './store-results.contract.js';
import { statusPagesContract } from './store-status-pages.contract.js';
import { uptimeBatchContract } from './store-uptime-batch.contract.js';
import { uptimeContract } from './store-uptime.contract.js';

/**
 * The behaviour every Store adapter must show (src/ports/store.ts). `open` returns a new store on
 * empty storage each time it is called; each test migrates it and closes it when done.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  void describe(`Store contract: ${name}`, () => {
    monitorsContract(open);
    outboxContract(open);
    resultsContract(open);
    uptimeContract(open);
    uptimeBatchContract(open);
    incidentsContract(open);
    channelsContract(open);
    deliveriesContract(open);
    statusPagesContract(open);
  });
}
