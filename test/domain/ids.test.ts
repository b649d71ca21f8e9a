import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isId, uuidv7 } from '../../src/domain/ids.js';

test('ids are UUIDv7 and sort by creation time', () => {
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  assert.ok(isId(a) && isId(b));
  assert.equal(a[14], '7');
  assert.ok(a < b);
  assert.ok(!isId('not-an-id'));
});

test('ids made in the same millisecond still increase', () => {
  const ids = Array.from({ length: 10_000 }, () => uuidv7(1_700_000_000_000));
  for (let i = 1; i < ids.length; i++) assert.ok((ids[i - 1] ?? '') < (ids[i] ?? ''), `${i}`);
  assert.ok(ids.every(isId));
});
