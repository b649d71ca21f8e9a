import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiServices } from '../../roles/api/api-services.js';
import { errorResponses, IdParams, PageQuery } from '../schemas/common.js';
import {
  StatusPageCreateBody,
  StatusPageList,
  StatusPagePatchBody,
  StatusPageSchema,
} from '../schemas/status-page.js';

const tags = ['status pages'];
const one = { 200: StatusPageSchema, ...errorResponses };

/** `/status-pages`: which monitors each public page shows, served at `/status/{slug}`. */
export const statusPageRoutes: FastifyPluginCallbackTypebox<{ services: ApiServices }> = (
  app,
  { services },
  done,
) => {
  const { statusPages } = services;

  app.post(
    '/status-pages',
    {
      schema: {
        tags,
        summary: 'Create a public status page; a slug in use is a 409',
        body: StatusPageCreateBody,
        response: { 201: StatusPageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const page = await statusPages.create(request.body);
      return reply.code(201).header('location', `${app.prefix}/status-pages/${page.id}`).send(page);
    },
  );

  app.get(
    '/status-pages',
    {
      schema: {
        tags,
        summary: 'List status pages, in creation order',
        querystring: PageQuery,
        response: { 200: StatusPageList, ...errorResponses },
      },
    },
    async (request) => statusPages.list(request.query),
  );

  app.get(
    '/status-pages/:id',
    { schema: { tags, summary: 'Get a status page', params: IdParams, response: one } },
    async (request) => statusPages.get(request.params.id),
  );

  app.patch(
    '/status-pages/:id',
    {
      schema: {
        tags,
        summary: 'Change slug, title, description or monitors (monitorIds replaces the list)',
        params: IdParams,
        body: StatusPagePatchBody,
        response: one,
      },
    },
    async (request) => statusPages.update(request.params.id, request.body),
  );

  app.delete(
    '/status-pages/:id',
    {
      schema: {
        tags,
        summary: 'Delete a status page; its monitors stay',
        params: IdParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await statusPages.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
  done();
};
