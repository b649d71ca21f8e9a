import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { MonitorId } from '../../src/domain/ids.js';
import type { CheckStatus } from '../../src/domain/status.js';
import { makeResult } from '../support/factories.js';
import { createMonitor, createTestApp, errorOf, simpleEvaluator, type TestApp } from './helpers.js';

interface PublicPage {
  slug: string;
  title: string;
  description: string | null;
  overall: string;
  monitors: {
    id: string;
    name: string;
    status: string;
    uptime90d: number | null;
    days: { date: string; uptime: number | null; checks: number; failures: number }[];
  }[];
  openIncidents: { id: string; monitorId: string; startedAt: string; cause: string | null }[];
}

async function record(api: TestApp, monitorId: string, statuses: CheckStatus[], cause?: string) {
  const now = Date.now();
  await api.store.recordBatch(
    statuses.map((status, i) =>
      makeResult(monitorId as MonitorId, {
        status,
        checkedAt: new Date(now - (statuses.length - i) * 60_000).toISOString(),
        ...(status === 'down' && cause !== undefined ? { error: cause } : {}),
      }),
    ),
    simpleEvaluator,
  );
}

/** Two monitors on a page (one down, one up), and a hidden one that is down too. */
async function seeded(
  t: TestContext,
  page: Record<string, unknown> = {},
  cause = 'status 503 not in 200-399',
) {
  const api = await createTestApp(t);
  const down = await createMonitor(api, {
    name: 'Checkout',
    url: 'https://secret-checkout.internal/health',
    headers: { Authorization: 'Bearer hush-hush' },
  });
  const up = await createMonitor(api, { name: 'Search', url: 'https://secret-search.internal/' });
  const hidden = await createMonitor(api, {
    name: 'Hidden admin',
    url: 'https://hidden.internal/',
  });
  await record(api, down.id, ['up', 'up', 'down'], cause);
  await record(api, up.id, ['up', 'degraded', 'up']);
  await record(api, hidden.id, ['down'], 'hidden cause');
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/status-pages',
    body: { slug: 'acme', title: 'Acme', monitorIds: [down.id, up.id], ...page },
  });
  assert.equal(response.statusCode, 201, response.body);
  return { api, down, up, hidden };
}

void test('the JSON of a status page needs no token and shows only what it lists', async (t) => {
  const { api, down, up, hidden } = await seeded(t, { description: 'Our services' });
  const response = await api.call({ method: 'GET', url: '/status/acme.json', token: null });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.equal(response.headers['cache-control'], 'public, max-age=30');
  const page = response.json<PublicPage>();
  assert.deepEqual(Object.keys(page).sort(), [
    'description',
    'monitors',
    'openIncidents',
    'overall',
    'slug',
    'title',
  ]);
  assert.deepEqual(
    { slug: page.slug, title: page.title, description: page.description, overall: page.overall },
    { slug: 'acme', title: 'Acme', description: 'Our services', overall: 'down' },
  );
  assert.deepEqual(
    page.monitors.map((m) => [m.id, m.name, m.status]),
    [
      [down.id, 'Checkout', 'down'],
      [up.id, 'Search', 'up'],
    ],
  );
  for (const monitor of page.monitors) {
    assert.deepEqual(Object.keys(monitor).sort(), ['days', 'id', 'name', 'status', 'uptime90d']);
    assert.equal(monitor.days.length, 90);
    assert.equal(monitor.days.at(-1)?.date, new Date().toISOString().slice(0, 10));
  }
  const checkout = page.monitors[0];
  assert.ok(checkout !== undefined);
  assert.equal(checkout.uptime90d, 2 / 3);
  assert.equal(
    checkout.days.reduce((sum, d) => sum + d.checks, 0),
    3,
  );
  assert.equal(page.openIncidents.length, 1);
  assert.deepEqual(
    { ...page.openIncidents[0], id: undefined, startedAt: undefined },
    { monitorId: down.id, cause: 'status 503 not in 200-399', id: undefined, startedAt: undefined },
  );
  // Nothing about settings, and nothing at all about monitors the page does not list.
  for (const secret of [
    'secret-',
    'hush-hush',
    'https:',
    hidden.id,
    'Hidden admin',
    'hidden cause',
  ]) {
    assert.ok(!response.body.includes(secret), `the page shows ${secret}`);
  }
});

void test('the overall state is the worst of the monitors being checked', async (t) => {
  const { api, down, up } = await seeded(t);
  const pageOf = async () =>
    (await api.call({ method: 'GET', url: '/status/acme.json', token: null })).json<PublicPage>();
  assert.equal((await pageOf()).overall, 'down');
  await api.call({ method: 'POST', url: `/api/v1/monitors/${down.id}/pause` });
  assert.equal((await pageOf()).overall, 'up');
  const paused = (await pageOf()).monitors.find((m) => m.id === down.id);
  assert.equal(paused?.status, 'paused');
  await api.call({ method: 'POST', url: `/api/v1/monitors/${up.id}/pause` });
  assert.equal((await pageOf()).overall, 'unknown');
});

void test('an unknown slug is 404: the error shape for JSON, a page for HTML', async (t) => {
  const { api } = await seeded(t);
  for (const slug of ['nope', 'Bad_Slug', '-x-']) {
    const json = await api.call({ method: 'GET', url: `/status/${slug}.json`, token: null });
    assert.equal(json.statusCode, 404, slug);
    assert.equal(errorOf(json).code, 'not_found');
    const html = await api.call({ method: 'GET', url: `/status/${slug}`, token: null });
    assert.equal(html.statusCode, 404, slug);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.match(html.body, /Status page not found/);
    assert.ok(!html.body.includes(slug));
  }
});

void test('the HTML page is self-contained, accessible, and escapes everything', async (t) => {
  const hostile = '<script>alert("x")</script> & \'Co\'';
  const { api, down } = await seeded(
    t,
    { title: hostile, description: '<img src=x onerror=alert(1)>\nsecond line' },
    '<iframe src=evil>',
  );
  await api.call({
    method: 'PATCH',
    url: `/api/v1/monitors/${down.id}`,
    body: { name: '<b onmouseover="steal()">Checkout</b>' },
  });
  await record(api, down.id, ['down']);
  const response = await api.call({ method: 'GET', url: '/status/acme', token: null });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
  assert.equal(response.headers['cache-control'], 'public, max-age=30');
  assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
  const html = response.body;
  assert.ok(html.startsWith('<!doctype html>'));
  for (const raw of ['<script', '<img', '<b onmouseover', '<iframe', 'onerror=alert(1)>']) {
    assert.ok(!html.includes(raw), `unescaped ${raw}`);
  }
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;'));
  assert.ok(html.includes('&lt;b onmouseover=&quot;steal()&quot;&gt;Checkout&lt;/b&gt;'));
  assert.ok(html.includes('&lt;iframe src=evil&gt;'));
  // No script at all; light and dark from the system; status in words, not colour alone.
  assert.ok(!/<script/i.test(html));
  assert.match(html, /prefers-color-scheme:\s*dark/);
  assert.match(html, /Outage/);
  assert.match(html, /✕<\/span> Down/);
  assert.match(html, /✓<\/span> Up/);
  // 90 day bars per monitor, each with its tooltip.
  const bars = html.match(
    /<li class="(?:none|good|fair|poor)" title="\d{4}-\d\d-\d\d: [^"]+"><\/li>/g,
  );
  assert.equal(bars?.length, 180);
  assert.match(html, /title="\d{4}-\d\d-\d\d: 50\.00% uptime, 2 failed checks of 4"/);
  for (const secret of ['secret-', 'hush-hush', 'Hidden admin']) assert.ok(!html.includes(secret));
});

void test('without the api role no public page or badge is served', async (t) => {
  const api = await createTestApp(t, { options: { apiEnabled: false } });
  for (const url of ['/status/acme', '/status/acme.json', '/badge/x/status.svg']) {
    const response = await api.call({ method: 'GET', url, token: null });
    assert.equal(response.statusCode, 404, url);
  }
});
