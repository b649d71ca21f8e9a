/**
 * Entry of a checker thread (see thread-pool-checker.ts): runs every check it receives at once,
 * the pool bounding how many that is, and posts results back in batches.
 */
import { parentPort } from 'node:worker_threads';
import { runHttpCheck } from './http-probe.js';
import type { ChecksDone, RunChecks } from './thread-messages.js';

if (parentPort === null) throw new Error('checker-thread.ts runs only as a worker thread');
const port = parentPort;

let outbox: ChecksDone['items'][number][] = [];
let flushArmed = false;

function flush(): void {
  flushArmed = false;
  const message: ChecksDone = { type: 'done', items: outbox };
  outbox = [];
  port.postMessage(message);
}

async function run(seq: number, request: RunChecks['items'][number]['request']): Promise<void> {
  const result = await runHttpCheck(request);
  outbox.push({ seq, result });
  if (!flushArmed) {
    flushArmed = true;
    // Results finishing in the same turn of the event loop share one message.
    setImmediate(flush);
  }
}

port.on('message', (message: RunChecks) => {
  for (const { seq, request } of message.items) void run(seq, request);
});
