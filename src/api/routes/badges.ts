import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { MonitorStatus } from '../../domain/status.js';
import type { ApiServices } from '../../roles/api/api-services.js';
import { BADGE_COLORS, renderBadge } from '../render/badge-svg.js';
import { formatUptime } from '../render/format.js';
import { errorResponses } from '../schemas/common.js';
import { BadgeParams, OPEN, SvgText, UptimeBadgeQuery } from '../schemas/public.js';

const tags = ['public'];
const CACHE_CONTROL = 'public, max-age=60';
const SVG = 'image/svg+xml; charset=utf-8';
const svgResponse = {
  200: { description: 'the badge', content: { 'image/svg+xml': { schema: SvgText } } },
  ...errorResponses,
};

const STATUS_COLOR: Readonly<Record<MonitorStatus, string>> = {
  up: BADGE_COLORS.green,
  degraded: BADGE_COLORS.yellow,
  down: BADGE_COLORS.red,
  pending: BADGE_COLORS.grey,
  paused: BADGE_COLORS.blue,
};

function uptimeColor(uptime: number | null): string {
  if (uptime === null) return BADGE_COLORS.grey;
  if (uptime >= 0.999) return BADGE_COLORS.green;
  if (uptime >= 0.99) return BADGE_COLORS.yellowGreen;
  if (uptime >= 0.95) return BADGE_COLORS.yellow;
  if (uptime >= 0.9) return BADGE_COLORS.orange;
  return BADGE_COLORS.red;
}

/**
 * Badges without a token, for monitors that are on at least one status page; any other id,
 * known or not, is the same 404.
 */
export const badgeRoutes: FastifyPluginCallbackTypebox<{ services: ApiServices }> = (
  app,
  { services },
  done,
) => {
  const { publicStatus } = services;

  app.get(
    '/badge/:monitorId/status.svg',
    {
      schema: {
        tags,
        summary: 'A badge of the current status (monitors on a status page only)',
        security: OPEN,
        params: BadgeParams,
        response: svgResponse,
      },
    },
    async (request, reply) => {
      const status = await publicStatus.badgeStatus(request.params.monitorId);
      return reply
        .type(SVG)
        .header('cache-control', CACHE_CONTROL)
        .header('x-content-type-options', 'nosniff')
        .send(renderBadge({ label: 'status', message: status, color: STATUS_COLOR[status] }));
    },
  );

  app.get(
    '/badge/:monitorId/uptime.svg',
    {
      schema: {
        tags,
        summary: 'A badge of the uptime over a window (monitors on a status page only)',
        security: OPEN,
        params: BadgeParams,
        querystring: UptimeBadgeQuery,
        response: svgResponse,
      },
    },
    async (request, reply) => {
      const window = request.query.window ?? '30d';
      const uptime = await publicStatus.badgeUptime(request.params.monitorId, window);
      return reply
        .type(SVG)
        .header('cache-control', CACHE_CONTROL)
        .header('x-content-type-options', 'nosniff')
        .send(
          renderBadge({
            label: `uptime ${window}`,
            message: formatUptime(uptime),
            color: uptimeColor(uptime),
          }),
        );
    },
  );
  done();
};
