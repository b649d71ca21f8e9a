import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface ReceivedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: readonly ReceivedRequest[];
  /** Resolves once `count` requests have arrived in total. */
  received(count: number): Promise<readonly ReceivedRequest[]>;
}

/**
 * A local HTTP receiver on 127.0.0.1 that answers each request with the status `answer` gives
 * for its (0-based) index; `null` leaves the request hanging. Closed when the test ends.
 */
export async function startWebhookReceiver(
  t: TestContext,
  answer: (index: number) => number | null = () => 200,
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      for (const w of waiters.filter((w) => requests.length >= w.count)) w.resolve();
      const status = answer(index);
      if (status === null) return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    received: (count) =>
      new Promise((resolve) => {
        const done = (): void => {
          resolve(requests);
        };
        if (requests.length >= count) done();
        else waiters.push({ count, resolve: done });
      }),
  };
}
