import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runHttpCheck } from '../../../src/adapters/http-checker/http-probe.js';
import { startFakeSite } from '../../support/fake-site.js';
import { checkRequest } from './check-request.js';

void test('a 200 is up, with the request identity, timings and no TLS info', async (t) => {
  const site = await startFakeSite(t);
  const request = checkRequest(`${site.url}/`);
  const before = Date.now();
  const result = await runHttpCheck(request);
  assert.equal(result.status, 'up');
  assert.equal(result.httpStatus, 200);
  assert.equal(result.error, null);
  assert.equal(result.failureKind, null);
  assert.equal(result.id, request.checkId);
  assert.equal(result.monitorId, request.monitorId);
  assert.equal(result.region, 'test-region');
  assert.ok(
    Date.parse(result.checkedAt) >= before - 1 && Date.parse(result.checkedAt) <= Date.now(),
  );
  assert.equal(result.timings.dnsMs, null, 'an IP literal needs no lookup');
  assert.ok(result.timings.connectMs !== null && result.timings.connectMs >= 0);
  assert.equal(result.timings.tlsMs, null);
  assert.ok(result.timings.ttfbMs !== null && result.timings.ttfbMs <= result.timings.totalMs);
  assert.equal(result.timings.totalMs, result.latencyMs);
  assert.equal(result.tls, null);
  assert.equal(site.hits('/'), 1);
});

void test('a host name is looked up, and the lookup is timed', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(checkRequest(`http://localhost:${site.port}/`));
  assert.equal(result.status, 'up');
  assert.ok(result.timings.dnsMs !== null && result.timings.dnsMs >= 0);
});

void test('a 500 is down with the expected ranges in the sentence', async (t) => {
  const site = await startFakeSite(t);
  site.setMode({ kind: 'down' });
  const result = await runHttpCheck(checkRequest(site.url));
  assert.equal(result.status, 'down');
  assert.equal(result.httpStatus, 500);
  assert.equal(result.failureKind, 'status');
  assert.equal(result.error, 'status 500 not in 200-399');
});

void test('expected status codes and ranges decide what passes', async (t) => {
  const site = await startFakeSite(t);
  const notFound = `${site.url}/status/404`;
  assert.equal(
    (await runHttpCheck(checkRequest(notFound, { expectedStatus: ['200-299', '404'] }))).status,
    'up',
  );
  const wrong = await runHttpCheck(
    checkRequest(`${site.url}/status/201`, { expectedStatus: ['200', '300-399'] }),
  );
  assert.equal(wrong.status, 'down');
  assert.equal(wrong.error, 'status 201 not in 200, 300-399');
});

void test('a slow answer is degraded past maxLatencyMs, and up without a limit', async (t) => {
  const site = await startFakeSite(t);
  site.setMode({ kind: 'slow', delayMs: 120 });
  const degraded = await runHttpCheck(checkRequest(site.url, { maxLatencyMs: 50 }));
  assert.equal(degraded.status, 'degraded');
  assert.equal(degraded.failureKind, null);
  assert.ok(degraded.latencyMs >= 120, `latency ${degraded.latencyMs}`);
  assert.match(degraded.error ?? '', /^latency [0-9.]+ ms over the limit of 50 ms$/);
  const up = await runHttpCheck(checkRequest(site.url));
  assert.equal(up.status, 'up');
});

void test('a hanging site times out at the deadline, not later', async (t) => {
  const site = await startFakeSite(t);
  site.setMode({ kind: 'hang' });
  const started = performance.now();
  const result = await runHttpCheck(checkRequest(site.url, { timeoutMs: 300 }));
  const wall = performance.now() - started;
  assert.equal(result.status, 'down');
  assert.equal(result.failureKind, 'timeout');
  assert.equal(result.error, 'timeout after 300 ms');
  assert.equal(result.httpStatus, null);
  assert.ok(result.latencyMs >= 299 && result.latencyMs < 400, `latency ${result.latencyMs}`);
  assert.ok(wall < 400, `took ${wall} ms`);
});

void test('the deadline covers the body', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(checkRequest(`${site.url}/stall-body`, { timeoutMs: 200 }));
  assert.equal(result.failureKind, 'timeout');
  assert.equal(result.httpStatus, 200, 'the status seen before the deadline is kept');
  assert.ok(result.timings.ttfbMs !== null);
  assert.ok(result.latencyMs < 300, `latency ${result.latencyMs}`);
});

void test('a reset connection is down as such', async (t) => {
  const site = await startFakeSite(t);
  site.setMode({ kind: 'reset' });
  const result = await runHttpCheck(checkRequest(site.url));
  assert.equal(result.failureKind, 'connection_reset');
  assert.equal(result.error, 'connection reset');
});

void test('a closed port is connection refused', async () => {
  const site = await startFakeSite();
  await site.close();
  const result = await runHttpCheck(checkRequest(site.url));
  assert.equal(result.status, 'down');
  assert.equal(result.failureKind, 'connection_refused');
  assert.equal(result.error, 'connection refused');
  assert.equal(result.timings.connectMs, null);
});

void test('a name that does not resolve is a DNS failure', async () => {
  const result = await runHttpCheck(checkRequest('http://no-such-host.invalid/'));
  assert.equal(result.failureKind, 'dns');
  assert.equal(result.error, 'DNS lookup failed for no-such-host.invalid: not found');
});

void test('redirects are followed up to ten hops, each on a new connection', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(checkRequest(`${site.url}/redirect/10`));
  assert.equal(result.status, 'up');
  assert.equal(result.httpStatus, 200);
  assert.equal(site.hits(), 11);
  const absolute = await runHttpCheck(checkRequest(`${site.url}/absolute-redirect/2`));
  assert.equal(absolute.status, 'up');
});

void test('an eleventh redirect is too many', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(checkRequest(`${site.url}/redirect/11`));
  assert.equal(result.status, 'down');
  assert.equal(result.failureKind, 'redirect');
  assert.equal(result.error, 'too many redirects (more than 10)');
  assert.equal(site.hits(), 11);
});

void test('a redirect loop is caught at the first repeated URL', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(checkRequest(`${site.url}/loop`));
  assert.equal(result.failureKind, 'redirect');
  assert.equal(result.error, `redirect loop at ${site.url}/loop`);
  assert.equal(site.hits(), 1);
});

void test('without followRedirects a 3xx is judged by expectedStatus as it is', async (t) => {
  const site = await startFakeSite(t);
  const url = `${site.url}/redirect/1`;
  const accepted = await runHttpCheck(checkRequest(url, { followRedirects: false }));
  assert.equal(accepted.status, 'up');
  assert.equal(accepted.httpStatus, 302);
  const refused = await runHttpCheck(
    checkRequest(url, { followRedirects: false, expectedStatus: ['200'] }),
  );
  assert.equal(refused.error, 'status 302 not in 200');
  assert.equal(site.hits(), 2);
});

void test('a keyword present passes, missing fails, and the inverse', async (t) => {
  const site = await startFakeSite(t);
  const url = `${site.url}/keyword`;
  assert.equal((await runHttpCheck(checkRequest(url, { keyword: 'operational' }))).status, 'up');
  const missing = await runHttpCheck(checkRequest(url, { keyword: 'ok' }));
  assert.equal(missing.failureKind, 'keyword');
  assert.equal(missing.error, 'keyword "ok" not found');
  const inverted = await runHttpCheck(
    checkRequest(url, { keyword: 'operational', invertKeyword: true }),
  );
  assert.equal(inverted.status, 'down');
  assert.equal(inverted.error, 'keyword "operational" found');
  const absent = await runHttpCheck(checkRequest(url, { keyword: 'error', invertKeyword: true }));
  assert.equal(absent.status, 'up');
});

void test('the keyword is case-sensitive', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(
    checkRequest(`${site.url}/keyword`, { keyword: 'OPERATIONAL' }),
  );
  assert.equal(result.failureKind, 'keyword');
});

void test('a keyword split across chunks is found, multi-byte characters included', async (t) => {
  const site = await startFakeSite(t);
  const text = encodeURIComponent('all systems opérational today');
  const url = `${site.url}/chunks?text=${text}&size=3`;
  assert.equal(
    (await runHttpCheck(checkRequest(url, { keyword: 'systems opérational' }))).status,
    'up',
  );
  assert.equal((await runHttpCheck(checkRequest(url, { keyword: 'systems down' }))).status, 'down');
});

void test('only the first MiB of the body is searched', async (t) => {
  const site = await startFakeSite(t);
  const near = await runHttpCheck(
    checkRequest(`${site.url}/big?bytes=1000&tail=needle`, { keyword: 'needle' }),
  );
  assert.equal(near.status, 'up');
  const edge = 1024 * 1024 - 'needle'.length;
  const inside = await runHttpCheck(
    checkRequest(`${site.url}/big?bytes=${edge}&tail=needle`, { keyword: 'needle' }),
  );
  assert.equal(inside.status, 'up');
  const far = await runHttpCheck(
    checkRequest(`${site.url}/big?bytes=${edge + 1}&tail=needle`, { keyword: 'needle' }),
  );
  assert.equal(far.error, 'keyword "needle" not found');
  const huge = await runHttpCheck(
    checkRequest(`${site.url}/big?bytes=${8 * 1024 * 1024}`, { timeoutMs: 5000 }),
  );
  assert.equal(huge.status, 'up', 'a body is read only up to the limit');
});

void test('a gzip-encoded body is decoded before the keyword search', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(
    checkRequest(`${site.url}/gzip?text=compressed%20hello`, { keyword: 'hello' }),
  );
  assert.equal(result.status, 'up');
});

void test('method, headers and body reach the server', async (t) => {
  const site = await startFakeSite(t);
  const post = await runHttpCheck(
    checkRequest(`${site.url}/submit?x=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Probe': 'yes' },
      body: '{"ping":true}',
    }),
  );
  assert.equal(post.status, 'up');
  const head = await runHttpCheck(checkRequest(`${site.url}/`, { method: 'HEAD' }));
  assert.equal(head.status, 'up');
  const [first, second] = site.requests;
  assert.equal(first?.method, 'POST');
  assert.equal(first.path, '/submit?x=1');
  assert.equal(first.body, '{"ping":true}');
  assert.equal(first.headers['content-type'], 'application/json');
  assert.equal(first.headers['x-probe'], 'yes');
  assert.equal(first.headers.host, `127.0.0.1:${site.port}`);
  assert.equal(first.headers.connection, 'close');
  assert.equal(second?.method, 'HEAD');
});

void test('a 302 after a POST continues as a GET without the body', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(
    checkRequest(`${site.url}/redirect/1`, {
      method: 'POST',
      body: 'data',
      headers: { 'content-type': 'text/plain' },
    }),
  );
  assert.equal(result.status, 'up');
  const [, second] = site.requests;
  assert.equal(second?.method, 'GET');
  assert.equal(second.body, '');
  assert.equal(second.headers['content-type'], undefined);
});

void test('a header the HTTP grammar forbids is a failure, not an exception', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(
    checkRequest(site.url, { headers: { 'X-Bad': 'line\nbreak' } }),
  );
  assert.equal(result.status, 'down');
  assert.equal(result.failureKind, 'unknown');
  assert.match(result.error ?? '', /^invalid request: /);
});
