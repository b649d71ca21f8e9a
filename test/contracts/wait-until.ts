/**
 * Polls `condition` until it holds, failing with `message` after `timeoutMs`. Contract suites run
 * against real brokers and servers too, so they await conditions with a deadline instead of
 * sleeping for a fixed time.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 5_000,
  pollMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** A promise with its resolver, for handlers that a test holds open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
