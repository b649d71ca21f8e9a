import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runHttpCheck } from '../../../src/adapters/http-checker/http-probe.js';
import { startFakeSite, startTlsFakeSite } from '../../support/fake-site.js';
import { checkRequest } from './check-request.js';

const DAY_MS = 86_400_000;

void test('a self-signed certificate is a TLS failure when verified, and no request is sent', async (t) => {
  const site = await startTlsFakeSite(t);
  const result = await runHttpCheck(checkRequest(site.url));
  assert.equal(result.status, 'down');
  assert.equal(result.failureKind, 'tls');
  assert.equal(result.error, 'TLS error: self-signed certificate');
  assert.equal(result.httpStatus, null);
  assert.ok(result.timings.tlsMs !== null && result.timings.tlsMs >= 0);
  assert.deepEqual(result.tls?.validTo, '2125-01-01T00:00:00.000Z');
  assert.equal(result.tls.issuer, 'localhost');
  assert.equal(site.hits(), 0);
});

void test('the same site is up without verification, with its certificate facts', async (t) => {
  const site = await startTlsFakeSite(t);
  const result = await runHttpCheck(
    checkRequest(`${site.url}/keyword`, { verifyTls: false, keyword: 'operational' }),
  );
  assert.equal(result.status, 'up');
  assert.equal(result.httpStatus, 200);
  const expectedDays = Math.floor((Date.parse('2125-01-01T00:00:00Z') - Date.now()) / DAY_MS);
  assert.ok(result.tls !== null);
  assert.ok(Math.abs(result.tls.daysLeft - expectedDays) <= 1, `daysLeft ${result.tls.daysLeft}`);
  assert.ok(Number.isInteger(result.tls.daysLeft));
  assert.equal(result.tls.issuer, 'localhost');
  assert.ok(result.timings.tlsMs !== null);
  assert.equal(site.hits('/keyword'), 1);
});

void test('an expired certificate says so, with its dates', async (t) => {
  const site = await startTlsFakeSite(t, { certificate: 'expired' });
  const result = await runHttpCheck(checkRequest(site.url));
  assert.equal(result.failureKind, 'tls');
  assert.equal(result.error, 'TLS error: certificate has expired');
  assert.equal(result.tls?.validTo, '2021-01-01T00:00:00.000Z');
  assert.ok(result.tls.daysLeft < 0);
});

void test('a certificate for another host names the hosts it is for', async (t) => {
  const site = await startTlsFakeSite(t, { certificate: 'wrong-host' });
  const result = await runHttpCheck(checkRequest(site.url));
  assert.equal(result.failureKind, 'tls');
  assert.equal(
    result.error,
    'TLS error: certificate is for another host (wrong.example; not 127.0.0.1)',
  );
  assert.equal(result.tls?.issuer, 'wrong.example');
});

void test('https to a plain http server is a TLS handshake failure', async (t) => {
  const site = await startFakeSite(t);
  const result = await runHttpCheck(checkRequest(site.url.replace('http:', 'https:')));
  assert.equal(result.status, 'down');
  assert.equal(result.failureKind, 'tls');
  assert.match(result.error ?? '', /^TLS error: handshake failed \(.+\)$/);
  assert.equal(result.tls, null);
});

void test('every hop of an https chain is verified and timed; the certificate is kept', async (t) => {
  const site = await startTlsFakeSite(t);
  const single = await runHttpCheck(checkRequest(site.url, { verifyTls: false }));
  const chain = await runHttpCheck(
    checkRequest(`${site.url}/absolute-redirect/2`, { verifyTls: false }),
  );
  assert.equal(chain.status, 'up');
  assert.equal(chain.tls?.issuer, 'localhost');
  assert.equal(site.hits(), 4);
  assert.ok(single.timings.tlsMs !== null && chain.timings.tlsMs !== null);
  const refused = await runHttpCheck(checkRequest(`${site.url}/absolute-redirect/2`));
  assert.equal(refused.error, 'TLS error: self-signed certificate');
  assert.equal(site.hits(), 4);
});
