import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignTopic } from '../../src/adapters/kafka-bus/partition-assigner.js';

const sizes = (assigned: Map<string, number[]>): number[] =>
  [...assigned.values()].map((p) => p.length).sort((a, b) => a - b);
const union = (assigned: Map<string, number[]>): number[] =>
  [...assigned.values()].flat().sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

void describe('kafka bus partition assigner', () => {
  void it('gives every partition to exactly one member, balanced within one', () => {
    for (const members of [1, 2, 3, 5, 12, 13]) {
      const ids = range(members).map((i) => `m${i}`);
      const assigned = assignTopic(12, ids, new Map());
      assert.deepEqual(union(assigned), range(12), `${members} members`);
      const s = sizes(assigned);
      assert.ok((s.at(-1) ?? 0) - (s[0] ?? 0) <= 1, `${members} members: ${s.join(',')}`);
    }
  });

  void it('lets members keep what they owned when one joins', () => {
    const before = assignTopic(12, ['a', 'b'], new Map());
    const after = assignTopic(12, ['a', 'b', 'c'], before);
    for (const id of ['a', 'b']) {
      const kept = (after.get(id) ?? []).filter((p) => before.get(id)?.includes(p));
      assert.equal(kept.length, 4, `${id} keeps 4 of its 6`);
    }
    assert.equal(after.get('c')?.length, 4);
    assert.deepEqual(union(after), range(12));
  });

  void it('moves only the leaver’s partitions when one leaves', () => {
    const before = assignTopic(12, ['a', 'b', 'c'], new Map());
    const after = assignTopic(12, ['a', 'c'], before);
    for (const id of ['a', 'c']) {
      for (const p of before.get(id) ?? [])
        assert.ok(after.get(id)?.includes(p), `${id} keeps ${p}`);
    }
    assert.deepEqual(union(after), range(12));
  });

  void it('ignores claims that are out of range or already taken', () => {
    const after = assignTopic(
      4,
      ['a', 'b'],
      new Map([
        ['a', [0, 1, 9]],
        ['b', [1, 2]],
      ]),
    );
    assert.deepEqual(union(after), range(4));
    assert.deepEqual(after.get('a'), [0, 1]);
    assert.deepEqual(after.get('b'), [2, 3]);
  });
});
