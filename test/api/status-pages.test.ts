import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusPage } from '../../src/domain/status-page.js';
import { createMonitor, createTestApp, errorOf, type TestApp } from './helpers.js';

const URL = '/api/v1/status-pages';

async function createPage(api: TestApp, body: Record<string, unknown>): Promise<StatusPage> {
  const response = await api.call({ method: 'POST', url: URL, body });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<StatusPage>();
}

void test('status pages: create, get, list, patch, delete', async (t) => {
  const api = await createTestApp(t);
  const [a, b] = [await createMonitor(api, { name: 'A' }), await createMonitor(api, { name: 'B' })];

  const response = await api.call({
    method: 'POST',
    url: URL,
    body: { slug: 'acme', title: 'Acme status', monitorIds: [b.id, a.id] },
  });
  assert.equal(response.statusCode, 201, response.body);
  const page = response.json<StatusPage>();
  assert.equal(response.headers.location, `${URL}/${page.id}`);
  assert.deepEqual(
    { ...page, id: undefined, createdAt: undefined, updatedAt: undefined },
    {
      slug: 'acme',
      title: 'Acme status',
      description: null,
      monitorIds: [b.id, a.id],
      id: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    },
  );
  assert.equal(page.createdAt, page.updatedAt);

  const got = await api.call({ method: 'GET', url: `${URL}/${page.id}` });
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.json(), page);

  const patched = await api.call({
    method: 'PATCH',
    url: `${URL}/${page.id}`,
    body: { title: 'Acme', description: 'All of Acme', monitorIds: [a.id] },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  const changed = patched.json<StatusPage>();
  assert.deepEqual(
    { ...changed, updatedAt: undefined },
    {
      ...page,
      title: 'Acme',
      description: 'All of Acme',
      monitorIds: [a.id],
      updatedAt: undefined,
    },
  );
  assert.ok(changed.updatedAt >= page.updatedAt);
  const cleared = await api.call({
    method: 'PATCH',
    url: `${URL}/${page.id}`,
    body: { description: null },
  });
  assert.equal(cleared.json<StatusPage>().description, null);
  assert.equal(cleared.json<StatusPage>().title, 'Acme');

  const removed = await api.call({ method: 'DELETE', url: `${URL}/${page.id}` });
  assert.equal(removed.statusCode, 204);
  assert.equal(removed.body, '');
  for (const method of ['GET', 'DELETE'] as const) {
    const gone = await api.call({ method, url: `${URL}/${page.id}` });
    assert.equal(gone.statusCode, 404, method);
    assert.equal(errorOf(gone).code, 'not_found');
  }
  const patchGone = await api.call({
    method: 'PATCH',
    url: `${URL}/${page.id}`,
    body: { title: 'x' },
  });
  assert.equal(patchGone.statusCode, 404);
  assert.equal(
    (await api.call({ method: 'GET', url: `/api/v1/monitors/${a.id}` })).statusCode,
    200,
  );
});

void test('status pages list in creation order with cursors', async (t) => {
  const api = await createTestApp(t);
  const created: StatusPage[] = [];
  for (let i = 0; i < 5; i++)
    created.push(await createPage(api, { slug: `p${i}`, title: `P${i}` }));
  const first = await api.call({ method: 'GET', url: `${URL}?limit=2` });
  assert.equal(first.statusCode, 200);
  const page1 = first.json<{ items: StatusPage[]; nextCursor: string | null }>();
  assert.deepEqual(page1.items, created.slice(0, 2));
  assert.ok(page1.nextCursor !== null);
  const rest = await api.call({
    method: 'GET',
    url: `${URL}?limit=10&cursor=${encodeURIComponent(page1.nextCursor)}`,
  });
  assert.deepEqual(rest.json(), { items: created.slice(2), nextCursor: null });
  const bad = await api.call({ method: 'GET', url: `${URL}?cursor=nope` });
  assert.equal(bad.statusCode, 400);
  assert.equal(errorOf(bad).details[0]?.path, '/cursor');
});

void test('a slug in use is 409 conflict, on create and on rename', async (t) => {
  const api = await createTestApp(t);
  await createPage(api, { slug: 'taken', title: 'First' });
  const again = await api.call({ method: 'POST', url: URL, body: { slug: 'taken', title: 'X' } });
  assert.equal(again.statusCode, 409);
  const error = errorOf(again);
  assert.equal(error.code, 'conflict');
  assert.deepEqual(
    error.details.map((d) => d.path),
    ['/slug'],
  );
  const other = await createPage(api, { slug: 'other', title: 'Other' });
  const rename = await api.call({
    method: 'PATCH',
    url: `${URL}/${other.id}`,
    body: { slug: 'taken' },
  });
  assert.equal(rename.statusCode, 409);
  assert.equal(errorOf(rename).code, 'conflict');
  const keep = await api.call({
    method: 'PATCH',
    url: `${URL}/${other.id}`,
    body: { slug: 'other', title: 'Same slug' },
  });
  assert.equal(keep.statusCode, 200);
});

void test('bad bodies are 400 with the field named', async (t) => {
  const api = await createTestApp(t);
  const monitor = await createMonitor(api);
  const unknownId = '01a21c68-bfde-7e18-a577-f292001d5b83';
  const cases: [Record<string, unknown>, string[]][] = [
    [{ slug: 'ok', title: 'T', colour: 'red' }, ['/colour']],
    [{ slug: 'ok', title: 'T', id: unknownId }, ['/id']],
    [{ slug: 'ok', title: 'T', monitorIds: [monitor.id, unknownId] }, ['/monitorIds/1']],
    [{ slug: 'ok', title: 'T', monitorIds: [monitor.id, monitor.id] }, ['/monitorIds/1']],
    [{ slug: 'ok', title: 'T', monitorIds: ['not-an-id'] }, ['/monitorIds/0']],
    [{ slug: 'Not OK', title: 'T' }, ['/slug']],
    [{ slug: '-edge', title: 'T' }, ['/slug']],
    [{ slug: 'a'.repeat(65), title: 'T' }, ['/slug']],
    [{ slug: 'ok', title: '' }, ['/title']],
    [{ slug: 'ok', title: '   ' }, ['/title']],
    [{ slug: 'ok', title: 'x'.repeat(201) }, ['/title']],
    [{ slug: 'ok', title: 'T', description: 'x'.repeat(2001) }, ['/description']],
    [{ slug: 'ok' }, ['/title']],
    [{ title: 'T' }, ['/slug']],
  ];
  for (const [body, paths] of cases) {
    const response = await api.call({ method: 'POST', url: URL, body });
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    const error = errorOf(response);
    assert.equal(error.code, 'validation_failed');
    assert.deepEqual(
      error.details.map((d) => d.path),
      paths,
      JSON.stringify(body),
    );
  }
  const readOnly = await api.call({
    method: 'POST',
    url: URL,
    body: { slug: 'ok', title: 'T', createdAt: new Date().toISOString() },
  });
  assert.equal(errorOf(readOnly).details[0]?.message, 'is read-only');

  const page = await createPage(api, { slug: 'ok', title: 'T', description: 'd' });
  const patch = await api.call({
    method: 'PATCH',
    url: `${URL}/${page.id}`,
    body: { monitorIds: [unknownId] },
  });
  assert.equal(patch.statusCode, 400);
  assert.deepEqual(
    errorOf(patch).details.map((d) => d.path),
    ['/monitorIds/0'],
  );
  const unknownField = await api.call({
    method: 'PATCH',
    url: `${URL}/${page.id}`,
    body: { hidden: true },
  });
  assert.equal(unknownField.statusCode, 400);
  assert.deepEqual((await api.call({ method: 'GET', url: `${URL}/${page.id}` })).json(), page);
  const tooMany = await api.call({
    method: 'POST',
    url: URL,
    body: { slug: 'many', title: 'T', monitorIds: Array.from({ length: 1001 }, () => unknownId) },
  });
  assert.equal(tooMany.statusCode, 400);
  assert.equal(errorOf(tooMany).details[0]?.path, '/monitorIds');
});

void test('status page routes need the token; a malformed id is 404', async (t) => {
  const api = await createTestApp(t);
  const page = await createPage(api, { slug: 'secret', title: 'T' });
  for (const [method, url] of [
    ['GET', URL],
    ['GET', `${URL}/${page.id}`],
    ['DELETE', `${URL}/${page.id}`],
  ] as const) {
    const response = await api.call({ method, url, token: null });
    assert.equal(response.statusCode, 401, `${method} ${url}`);
  }
  const post = await api.call({
    method: 'POST',
    url: URL,
    body: { slug: 'x', title: 'T' },
    token: null,
  });
  assert.equal(post.statusCode, 401);
  assert.equal((await api.call({ method: 'GET', url: `${URL}/nope` })).statusCode, 404);
});

void test('deleting a monitor takes it off its status pages', async (t) => {
  const api = await createTestApp(t);
  const [a, b] = [await createMonitor(api), await createMonitor(api)];
  const page = await createPage(api, { slug: 'both', title: 'Both', monitorIds: [a.id, b.id] });
  assert.equal(
    (await api.call({ method: 'DELETE', url: `/api/v1/monitors/${a.id}` })).statusCode,
    204,
  );
  const got = await api.call({ method: 'GET', url: `${URL}/${page.id}` });
  assert.deepEqual(got.json<StatusPage>().monitorIds, [b.id]);
});
