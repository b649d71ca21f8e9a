import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createTestApp, errorOf } from './helpers.js';

/** A built dashboard as `vite build web` lays it out. */
function fakeBuild(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'uptime-web-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Uptime</title>');
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

void test('the dashboard answers index.html for its pages, not cached, with a strict CSP', async (t) => {
  const api = await createTestApp(t, { options: { dashboardDir: fakeBuild(t) } });
  for (const url of ['/', '/monitors', '/monitors/0190-abc', '/monitors/new', '/channels']) {
    const page = await api.call({ method: 'GET', url, token: null });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.ok(page.body.includes('<title>Uptime</title>'));
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  }
});

void test('hashed assets are cached for a year, other files revalidate', async (t) => {
  const api = await createTestApp(t, { options: { dashboardDir: fakeBuild(t) } });
  const asset = await api.call({ method: 'GET', url: '/assets/index-AbC123.js', token: null });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['content-type']), /javascript/);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  const icon = await api.call({ method: 'GET', url: '/favicon.svg', token: null });
  assert.equal(icon.statusCode, 200);
  assert.equal(icon.headers['cache-control'], 'no-cache');
});

void test('the API, operations and unknown paths answer as without a dashboard', async (t) => {
  const api = await createTestApp(t, { options: { dashboardDir: fakeBuild(t) } });
  const refused = await api.call({ method: 'GET', url: '/api/v1/monitors', token: null });
  assert.equal(refused.statusCode, 401);
  assert.equal((await api.call({ method: 'GET', url: '/api/v1/monitors' })).statusCode, 200);
  assert.equal((await api.call({ method: 'GET', url: '/healthz', token: null })).statusCode, 200);
  const unknown = await api.call({ method: 'GET', url: '/no-such-page', token: null });
  assert.equal(unknown.statusCode, 404);
  assert.equal(errorOf(unknown).code, 'not_found');
  const missingAsset = await api.call({ method: 'GET', url: '/assets/gone.js', token: null });
  assert.equal(missingAsset.statusCode, 404);
  const doc = await api.call({ method: 'GET', url: '/openapi.json', token: null });
  const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
  assert.ok(!paths.includes('/'), 'the dashboard stays out of the API document');
  assert.ok(!paths.some((p) => p.startsWith('/assets')));
});

void test('without a build, or without the api role, there is no dashboard', async (t) => {
  const warnings: string[] = [];
  const logger = {
    error: () => undefined,
    warn: (_obj: object, msg?: string) => void warnings.push(msg ?? ''),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  const empty = mkdtempSync(join(tmpdir(), 'uptime-web-empty-'));
  t.after(() => {
    rmSync(empty, { recursive: true, force: true });
  });
  const unbuilt = await createTestApp(t, { options: { dashboardDir: empty }, deps: { logger } });
  assert.equal((await unbuilt.call({ method: 'GET', url: '/', token: null })).statusCode, 404);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /dashboard not built/);

  const noApi = await createTestApp(t, {
    options: { dashboardDir: fakeBuild(t), apiEnabled: false },
  });
  assert.equal((await noApi.call({ method: 'GET', url: '/', token: null })).statusCode, 404);
});
