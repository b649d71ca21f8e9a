import { Worker } from 'node:worker_threads';

/**
 * Starts a thread running checker-thread, from built JavaScript or from the TypeScript sources.
 *
 * From sources (tests and development under `node --import tsx`), the loader hooks that let Node
 * import `.ts` files are not carried into worker threads on Node 20, although the `--import`
 * flag is; so the thread registers tsx itself before importing its entry.
 */
/**
 * A checker thread's objects live for one check: a small young generation is collected often
 * and cheaply, and keeps resident memory from growing to V8's default semi-space per thread.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 };

export function spawnCheckerThread(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(new URL('./checker-thread.js', here), { resourceLimits: THREAD_LIMITS });
  }
  const entry = new URL('./checker-thread.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, resourceLimits: THREAD_LIMITS });
}
