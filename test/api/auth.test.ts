import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../support/manual-clock.js';
import { createTestApp, errorOf, TOKEN } from './helpers.js';

const SOME_ID = '01a21c68-bfde-7e18-a577-f292001d5b83';

/** Every route of the contract under /api/v1. */
const API_ROUTES: ['GET' | 'POST' | 'PATCH' | 'DELETE', string][] = [
  ['POST', '/api/v1/monitors'],
  ['GET', '/api/v1/monitors'],
  ['GET', `/api/v1/monitors/${SOME_ID}`],
  ['PATCH', `/api/v1/monitors/${SOME_ID}`],
  ['DELETE', `/api/v1/monitors/${SOME_ID}`],
  ['POST', `/api/v1/monitors/${SOME_ID}/pause`],
  ['POST', `/api/v1/monitors/${SOME_ID}/resume`],
  ['GET', `/api/v1/monitors/${SOME_ID}/status`],
  ['GET', `/api/v1/monitors/${SOME_ID}/results`],
  ['GET', `/api/v1/monitors/${SOME_ID}/uptime`],
  ['GET', '/api/v1/incidents'],
  ['POST', '/api/v1/notification-channels'],
  ['GET', '/api/v1/notification-channels'],
  ['GET', `/api/v1/notification-channels/${SOME_ID}`],
  ['PATCH', `/api/v1/notification-channels/${SOME_ID}`],
  ['DELETE', `/api/v1/notification-channels/${SOME_ID}`],
  ['POST', `/api/v1/notification-channels/${SOME_ID}/test`],
  ['GET', `/api/v1/notification-channels/${SOME_ID}/deliveries`],
  ['GET', '/api/v1/no-such-route'],
];

void test('every /api/v1 route answers 401 unauthorized without the right bearer token', async (t) => {
  const api = await createTestApp(t);
  const headers: [string, Record<string, string>][] = [
    ['no header', {}],
    ['wrong token', { authorization: 'Bearer not-the-token' }],
    ['token as a prefix', { authorization: `Bearer ${TOKEN}x` }],
    ['basic scheme', { authorization: `Basic ${TOKEN}` }],
    ['no token', { authorization: 'Bearer ' }],
  ];
  for (const [method, url] of API_ROUTES) {
    for (const [what, extra] of headers) {
      const response = await api.call({
        method,
        url,
        token: null,
        headers: extra,
        // Each from its own address, so the failures do not add up to the limit.
        remoteAddress: `10.1.${API_ROUTES.findIndex(([m, u]) => m === method && u === url)}.${headers.findIndex(([w]) => w === what)}`,
      });
      assert.equal(response.statusCode, 401, `${what}: ${method} ${url}`);
      assert.equal(errorOf(response).code, 'unauthorized');
      assert.equal(response.headers['www-authenticate'], 'Bearer');
    }
  }
  const scheme = await api.call({
    method: 'GET',
    url: '/api/v1/monitors',
    token: null,
    headers: { authorization: `bearer ${TOKEN}` },
  });
  assert.equal(scheme.statusCode, 200, 'the scheme is case-insensitive');
  const unknown = await api.call({ method: 'GET', url: '/api/v1/no-such-route' });
  assert.equal(unknown.statusCode, 404, 'with the token, an unknown route is a 404');
});

void test('after 20 failures in a minute an address gets 429, even with the right token', async (t) => {
  const clock = new ManualClock(Date.now());
  const api = await createTestApp(t, { deps: { clock } });
  const attacker = '203.0.113.7';
  for (let i = 0; i < 20; i++) {
    const response = await api.call({
      method: 'GET',
      url: '/api/v1/monitors',
      token: `guess-${i}`,
      remoteAddress: attacker,
    });
    assert.equal(response.statusCode, 401, `failure ${i + 1}`);
    clock.advance(1_000);
  }
  for (const token of ['another-guess', TOKEN, null]) {
    const response = await api.call({
      method: 'GET',
      url: '/api/v1/monitors',
      token,
      remoteAddress: attacker,
    });
    assert.equal(response.statusCode, 429, `token ${String(token)}`);
    assert.equal(errorOf(response).code, 'rate_limited');
    assert.ok(Number(response.headers['retry-after']) > 0);
  }
  const metrics = await api.call({ method: 'GET', url: '/metrics', remoteAddress: attacker });
  assert.equal(metrics.statusCode, 429, '/metrics needs the token, so it is limited too');
  const health = await api.call({ method: 'GET', url: '/healthz', remoteAddress: attacker });
  assert.equal(health.statusCode, 200, 'routes without a token are not limited');

  const neighbour = await api.call({
    method: 'GET',
    url: '/api/v1/monitors',
    remoteAddress: '203.0.113.8',
  });
  assert.equal(neighbour.statusCode, 200, 'another address is unaffected');

  // The first failure ages out of the minute: the address may try again.
  clock.advance(41_000);
  const later = await api.call({ method: 'GET', url: '/api/v1/monitors', remoteAddress: attacker });
  assert.equal(later.statusCode, 200);
});

void test('successes do not count, and 19 failures do not block', async (t) => {
  const clock = new ManualClock(Date.now());
  const api = await createTestApp(t, { deps: { clock } });
  const client = '198.51.100.1';
  for (let i = 0; i < 19; i++) {
    await api.call({
      method: 'GET',
      url: '/api/v1/incidents',
      token: 'wrong',
      remoteAddress: client,
    });
    const ok = await api.call({ method: 'GET', url: '/api/v1/incidents', remoteAddress: client });
    assert.equal(ok.statusCode, 200);
  }
  clock.advance(60_001);
  for (let i = 0; i < 19; i++) {
    await api.call({
      method: 'GET',
      url: '/api/v1/incidents',
      token: 'wrong',
      remoteAddress: client,
    });
  }
  const ok = await api.call({ method: 'GET', url: '/api/v1/incidents', remoteAddress: client });
  assert.equal(ok.statusCode, 200, 'failures older than a minute are forgotten');
});
