import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { ApiServices } from '../../roles/api/api-services.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { DailyList, DailyQuery, UptimeBatchList, UptimeBatchQuery } from '../schemas/uptime.js';

/** Uptime reads for the dashboard: day strips, and the uptime of a list's visible rows. */
export const uptimeRoutes: FastifyPluginCallbackTypebox<{ services: ApiServices }> = (
  app,
  { services },
  done,
) => {
  const { uptime } = services;

  app.get(
    '/monitors/:id/daily',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Uptime per UTC day, oldest first, ending today',
        params: IdParams,
        querystring: DailyQuery,
        response: { 200: DailyList, ...errorResponses },
      },
    },
    async (request) => ({
      items: await uptime.daily(request.params.id, request.query.days ?? 90),
    }),
  );

  app.get(
    '/uptime',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Uptime over a window for many monitors at once; unknown ids are left out',
        querystring: UptimeBatchQuery,
        response: { 200: UptimeBatchList, ...errorResponses },
      },
    },
    async (request) => {
      const ids = (request.query.ids ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '');
      return { items: await uptime.many(ids, request.query.window ?? '24h') };
    },
  );
  done();
};
