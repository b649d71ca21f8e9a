import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../ports/clock.js';
import { ApiError } from '../../roles/api/api-errors.js';
import type { ApiServices } from '../../roles/api/api-services.js';
import { renderNotFoundHtml, renderStatusPageHtml } from '../render/status-page-html.js';
import { errorResponses } from '../schemas/common.js';
import { HtmlText, OPEN } from '../schemas/public.js';
import { PublicStatusPageSchema, SlugParams } from '../schemas/status-page.js';

const tags = ['public'];
const CACHE_CONTROL = 'public, max-age=30';

/** No script, styles only inline, no framing of other origins' content. */
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const isNotFound = (error: unknown): boolean =>
  error instanceof ApiError && error.code === 'not_found';

/**
 * Public status pages, without a token: `/status/{slug}` as HTML and `/status/{slug}.json` as
 * data. They show only the monitors the page lists.
 */
export const publicPageRoutes: FastifyPluginCallbackTypebox<{
  services: ApiServices;
  clock: Clock;
}> = (app, { services, clock }, done) => {
  const { publicStatus } = services;

  app.get(
    '/status/:slug.json',
    {
      schema: {
        tags,
        summary: 'A status page as data: overall state, monitors with 90 days, open incidents',
        security: OPEN,
        params: SlugParams,
        response: { 200: PublicStatusPageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const view = await publicStatus.page(request.params.slug);
      return reply.header('cache-control', CACHE_CONTROL).send(view);
    },
  );

  app.get(
    '/status/:slug',
    {
      schema: {
        tags,
        summary: 'A status page as a self-contained HTML document (404 page when unknown)',
        security: OPEN,
        params: SlugParams,
        response: {
          200: { description: 'the page', content: { 'text/html': { schema: HtmlText } } },
          404: { description: 'no such page', content: { 'text/html': { schema: HtmlText } } },
        },
      },
    },
    async (request, reply) => {
      void reply.headers(HTML_HEADERS).type('text/html; charset=utf-8');
      let html: string;
      try {
        html = renderStatusPageHtml(await publicStatus.page(request.params.slug), clock.now());
      } catch (error) {
        if (!isNotFound(error)) throw error;
        return reply.code(404).send(renderNotFoundHtml());
      }
      return reply.header('cache-control', CACHE_CONTROL).send(html);
    },
  );
  done();
};
