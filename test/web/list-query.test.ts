import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allTags,
  countByStatus,
  DEFAULT_QUERY,
  selectMonitors,
  type ListedMonitor,
} from '../../web/src/lib/list-query.js';

const m = (id: string, name: string, status: ListedMonitor['status'], tags: string[] = []) => ({
  id,
  name,
  url: `https://${name.toLowerCase().replaceAll(' ', '-')}.example`,
  status,
  tags,
});

const monitors = [
  m('1', 'Shop 10', 'up', ['prod']),
  m('2', 'Shop 9', 'down', ['prod', 'eu']),
  m('3', 'Blog', 'degraded'),
  m('4', 'API', 'paused', ['eu']),
  m('5', 'Docs', 'down'),
];

const ids = (list: readonly { id: string }[]): string[] => list.map((x) => x.id);

void test('status sort puts the worst first and keeps creation order among equals', () => {
  assert.deepEqual(ids(selectMonitors(monitors, DEFAULT_QUERY)), ['2', '5', '3', '1', '4']);
});

void test('name sort is natural (9 before 10), search matches every word in name, URL or tag', () => {
  assert.deepEqual(ids(selectMonitors(monitors, { ...DEFAULT_QUERY, sort: 'name' })), [
    '4',
    '3',
    '5',
    '2',
    '1',
  ]);
  assert.deepEqual(ids(selectMonitors(monitors, { ...DEFAULT_QUERY, search: 'shop EU' })), ['2']);
  assert.deepEqual(ids(selectMonitors(monitors, { ...DEFAULT_QUERY, search: 'docs.example' })), [
    '5',
  ]);
});

void test('filters by status and tag; uptime sort puts the lowest first and unknown last', () => {
  assert.deepEqual(ids(selectMonitors(monitors, { ...DEFAULT_QUERY, status: 'down' })), ['2', '5']);
  assert.deepEqual(ids(selectMonitors(monitors, { ...DEFAULT_QUERY, tag: 'eu' })), ['2', '4']);
  const uptime: Record<string, number | null> = { '1': 0.5, '2': 0.99, '3': null, '5': 0.1 };
  assert.deepEqual(
    ids(selectMonitors(monitors, { ...DEFAULT_QUERY, sort: 'uptime' }, (id) => uptime[id])),
    ['5', '1', '2', '3', '4'],
  );
});

void test('10,000 monitors are filtered and sorted well within a frame budget', () => {
  const many = Array.from({ length: 10_000 }, (_, i) =>
    m(String(i), `Site ${i}`, i % 97 === 0 ? 'down' : 'up', [`team-${i % 20}`]),
  );
  const started = performance.now();
  const shown = selectMonitors(many, { ...DEFAULT_QUERY, search: 'site 1' });
  const ms = performance.now() - started;
  assert.equal(shown[0]?.status, 'down');
  assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
  assert.equal(allTags(many).length, 20);
  assert.equal(countByStatus(many).down, 104);
});
