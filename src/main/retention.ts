import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Deletes raw results past retention (and roll-ups past theirs) at start and every hour. */
export function startRetention(
  store: Store,
  retentionDays: number,
  clock: Clock,
  logger: Logger,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let cancel: (() => void) | undefined;
  const run = (): void => {
    running = (async () => {
      const now = clock.now();
      try {
        const deleted = await store.applyRetention(now - retentionDays * DAY_MS, now);
        if (deleted > 0) logger.info({ deleted }, 'retention removed old results and roll-ups');
      } catch (error) {
        logger.error({ err: error }, 'retention failed; it runs again within the hour');
      }
      cancel = clock.setTimer(run, HOUR_MS);
    })();
  };
  cancel = clock.setTimer(run, 0);
  return async () => {
    cancel?.();
    await running;
    cancel?.();
  };
}
