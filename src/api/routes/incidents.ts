import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { ApiServices } from '../../roles/api/api-services.js';
import { errorResponses } from '../schemas/common.js';
import { IncidentList, IncidentListQuery } from '../schemas/incident.js';

/** `/incidents`: outages across monitors, newest first. */
export const incidentRoutes: FastifyPluginCallbackTypebox<{ services: ApiServices }> = (
  app,
  { services },
  done,
) => {
  app.get(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'List incidents, newest first',
        querystring: IncidentListQuery,
        response: { 200: IncidentList, ...errorResponses },
      },
    },
    async (request) => services.history.incidents(request.query),
  );
  done();
};
