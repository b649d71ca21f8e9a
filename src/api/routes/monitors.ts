import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiServices } from '../../roles/api/api-services.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import {
  MonitorCreateBody,
  MonitorList,
  MonitorListQuery,
  MonitorPatchBody,
  MonitorSchema,
  ResultList,
  ResultsQuery,
  StatusSchema,
  UptimeQuery,
  UptimeSchema,
} from '../schemas/monitor.js';

const tags = ['monitors'];
const one = { 200: MonitorSchema, ...errorResponses };

/** `/monitors`: definitions, pause and resume, and each monitor's status and history. */
export const monitorRoutes: FastifyPluginCallbackTypebox<{ services: ApiServices }> = (
  app,
  { services },
  done,
) => {
  const { monitors, statuses, history } = services;

  app.post(
    '/monitors',
    {
      schema: {
        tags,
        summary: 'Create a monitor; unset settings take their defaults',
        body: MonitorCreateBody,
        response: { 201: MonitorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const monitor = await monitors.create(request.body);
      return reply
        .code(201)
        .header('location', `${app.prefix}/monitors/${monitor.id}`)
        .send(monitor);
    },
  );

  app.get(
    '/monitors',
    {
      schema: {
        tags,
        summary: 'List monitors with their current status, in creation order',
        querystring: MonitorListQuery,
        response: { 200: MonitorList, ...errorResponses },
      },
    },
    async (request) => monitors.list(request.query),
  );

  app.get(
    '/monitors/:id',
    { schema: { tags, summary: 'Get a monitor', params: IdParams, response: one } },
    async (request) => monitors.get(request.params.id),
  );

  app.patch(
    '/monitors/:id',
    {
      schema: {
        tags,
        summary: 'Change some settings; checks that start after the answer use them',
        params: IdParams,
        body: MonitorPatchBody,
        response: one,
      },
    },
    async (request) => monitors.update(request.params.id, request.body),
  );

  app.delete(
    '/monitors/:id',
    {
      schema: {
        tags,
        summary: 'Delete a monitor and its history',
        params: IdParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await monitors.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/monitors/:id/pause',
    { schema: { tags, summary: 'Stop checking a monitor', params: IdParams, response: one } },
    async (request) => monitors.pause(request.params.id),
  );

  app.post(
    '/monitors/:id/resume',
    {
      schema: {
        tags,
        summary: 'Check a paused monitor again; its status is pending until a check finishes',
        params: IdParams,
        response: one,
      },
    },
    async (request) => monitors.resume(request.params.id),
  );

  app.get(
    '/monitors/:id/status',
    {
      schema: {
        tags,
        summary: 'Current status and the latest check',
        params: IdParams,
        response: { 200: StatusSchema, ...errorResponses },
      },
    },
    async (request) => statuses.statusOf(request.params.id),
  );

  app.get(
    '/monitors/:id/results',
    {
      schema: {
        tags,
        summary: 'Check results, newest first',
        params: IdParams,
        querystring: ResultsQuery,
        response: { 200: ResultList, ...errorResponses },
      },
    },
    async (request) => ({ items: await history.results(request.params.id, request.query) }),
  );

  app.get(
    '/monitors/:id/uptime',
    {
      schema: {
        tags,
        summary: 'Uptime and latency over a window ending now',
        params: IdParams,
        querystring: UptimeQuery,
        response: { 200: UptimeSchema, ...errorResponses },
      },
    },
    async (request) => history.uptime(request.params.id, request.query.window),
  );
  done();
};
