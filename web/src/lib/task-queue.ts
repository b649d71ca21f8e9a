/**
 * Runs keyed tasks at most `concurrency` at a time. `want` replaces what is waiting, so work for
 * rows that scrolled away is dropped before it starts.
 */
export interface TaskQueue {
  want(keys: readonly string[]): void;
  clear(): void;
}

export function createTaskQueue(
  concurrency: number,
  run: (key: string) => Promise<void>,
): TaskQueue {
  let waiting: string[] = [];
  const running = new Set<string>();

  const pump = (): void => {
    while (running.size < concurrency && waiting.length > 0) {
      const key = waiting.shift();
      if (key === undefined || running.has(key)) continue;
      running.add(key);
      void run(key)
        .catch(() => undefined)
        .finally(() => {
          running.delete(key);
          pump();
        });
    }
  };

  return {
    want(keys) {
      waiting = keys.filter((k) => !running.has(k));
      pump();
    },
    clear() {
      waiting = [];
    },
  };
}
