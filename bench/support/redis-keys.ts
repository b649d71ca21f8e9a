/** The shared Redis: what a run wrote under its own key prefix is deleted when it ends. */
import { createClient } from 'redis';
import { bounded } from './proc.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes every key starting with `prefix`; returns how many. Bounded to 30 s. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = createClient({ url });
  redis.on('error', () => {
    // Reported by the commands below.
  });
  await bounded('connecting to Redis', 10_000, redis.connect());
  try {
    return await bounded(
      `deleting the Redis keys ${prefix}*`,
      30_000,
      (async () => {
        let deleted = 0;
        for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
          if (keys.length > 0) deleted += await redis.del(keys);
        }
        return deleted;
      })(),
    );
  } finally {
    redis.destroy();
  }
}
