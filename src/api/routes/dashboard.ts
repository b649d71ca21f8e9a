import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `dist/web` of the package: two levels up from both `src/api/routes` and `dist/api/routes`. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths of the dashboard's own pages: each answers index.html, and the app routes itself. */
export const DASHBOARD_PAGES = ['/', '/monitors', '/monitors/*', '/channels', '/channels/*'];

/** Hashed file names change with their content: cache them for a year. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * The page may load and call only its own origin, and nothing may frame it (it holds a token).
 * Styles: Preact and uPlot set element styles from script, which CSP allows under 'self'.
 */
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function dashboardBuilt(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/**
 * The built dashboard (`vite build web`): its files as they are, and index.html for each of its
 * pages. Registered at the root next to the API; every other path keeps its own answer.
 */
export const dashboardRoutes: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file found at start, so that unknown paths still get the API's 404.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(res, path) {
      if (path.endsWith('.html')) {
        for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
      } else {
        res.setHeader('cache-control', path.includes('/assets/') ? ASSET_CACHE : 'no-cache');
      }
    },
  });
  for (const url of DASHBOARD_PAGES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  }
};
