import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiServices } from '../../roles/api/api-services.js';
import { errorResponses, IdParams, PageQuery } from '../schemas/common.js';
import {
  ChannelCreateBody,
  ChannelList,
  ChannelPatchBody,
  ChannelSchema,
  DeliveryList,
  DeliverySchema,
} from '../schemas/channel.js';

const tags = ['notification channels'];
const one = { 200: ChannelSchema, ...errorResponses };

/** `/notification-channels`: where alerts go, a test send, and the delivery log. */
export const channelRoutes: FastifyPluginCallbackTypebox<{ services: ApiServices }> = (
  app,
  { services },
  done,
) => {
  const { channels } = services;

  app.post(
    '/notification-channels',
    {
      schema: {
        tags,
        summary: 'Create a notification channel',
        body: ChannelCreateBody,
        response: { 201: ChannelSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const channel = await channels.create(request.body);
      return reply
        .code(201)
        .header('location', `${app.prefix}/notification-channels/${channel.id}`)
        .send(channel);
    },
  );

  app.get(
    '/notification-channels',
    {
      schema: {
        tags,
        summary: 'List notification channels, in creation order',
        querystring: PageQuery,
        response: { 200: ChannelList, ...errorResponses },
      },
    },
    async (request) => channels.list(request.query),
  );

  app.get(
    '/notification-channels/:id',
    { schema: { tags, summary: 'Get a notification channel', params: IdParams, response: one } },
    async (request) => channels.get(request.params.id),
  );

  app.patch(
    '/notification-channels/:id',
    {
      schema: {
        tags,
        summary: 'Change name, url or secret (null clears the secret)',
        params: IdParams,
        body: ChannelPatchBody,
        response: one,
      },
    },
    async (request) => channels.update(request.params.id, request.body),
  );

  app.delete(
    '/notification-channels/:id',
    {
      schema: {
        tags,
        summary: 'Delete a channel, its deliveries, and its use by monitors',
        params: IdParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await channels.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/notification-channels/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a test event to the channel',
        params: IdParams,
        response: { 202: DeliverySchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(202).send(await channels.test(request.params.id)),
  );

  app.get(
    '/notification-channels/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Deliveries to the channel, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: DeliveryList, ...errorResponses },
      },
    },
    async (request) => channels.deliveries(request.params.id, request.query),
  );
  done();
};
