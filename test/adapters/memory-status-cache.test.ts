import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createMemoryStatusCache } from '../../src/adapters/memory-cache/memory-status-cache.js';
import { newMonitorId } from '../../src/domain/ids.js';
import { statusCacheContract } from '../contracts/status-cache.contract.js';

statusCacheContract('memory', () => Promise.resolve(createMemoryStatusCache()));

void it('memory status cache: rejects every call after close', async () => {
  const cache = createMemoryStatusCache();
  await cache.close();
  await assert.rejects(cache.ping(), /closed/);
  await assert.rejects(cache.get(newMonitorId()), /closed/);
  await assert.rejects(cache.setMany([]), /closed/);
});
