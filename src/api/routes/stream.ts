import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { MonitorId } from '../../domain/ids.js';
import type { ResultFilter, StreamHub } from '../../roles/api/stream-hub.js';
import { errorResponses } from '../schemas/common.js';
import { EventStreamText, StreamQuery } from '../schemas/stream.js';

/**
 * `GET /stream`: live status changes (and, when asked, check results) as server-sent events.
 * The response is taken over from Fastify and handed to the hub, which writes to it until the
 * client goes away or the server closes.
 */
export const streamRoutes: FastifyPluginCallbackTypebox<{ hub: StreamHub }> = (
  app,
  { hub },
  done,
) => {
  app.get(
    '/stream',
    {
      schema: {
        tags: ['live updates'],
        summary: 'Server-sent events: status changes, and check results with results or monitorId',
        querystring: StreamQuery,
        response: {
          200: {
            description: 'an endless event stream',
            content: { 'text/event-stream': { schema: EventStreamText } },
          },
          ...errorResponses,
        },
      },
    },
    (request, reply) => {
      const { results, monitorId } = request.query;
      const filter: ResultFilter =
        results === 'all'
          ? { kind: 'all' }
          : monitorId !== undefined
            ? { kind: 'monitor', monitorId: monitorId as MonitorId }
            : { kind: 'none' };
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Proxies that buffer responses (nginx) would hold the events back.
        'x-accel-buffering': 'no',
      });
      request.raw.socket.setNoDelay(true);
      const connection = hub.connect(
        {
          write: (chunk) => {
            if (!res.writableEnded) res.write(chunk);
          },
          bufferedBytes: () => res.writableLength,
          close: (graceful) => {
            if (graceful) res.end();
            else res.destroy();
          },
        },
        filter,
      );
      res.on('close', () => {
        connection.close();
      });
    },
  );
  done();
};
