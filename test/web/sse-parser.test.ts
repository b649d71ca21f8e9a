import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSseParser, type SseEvent } from '../../web/src/lib/sse-parser.js';

function parse(chunks: readonly string[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = createSseParser(
    (e) => events.push(e),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries };
}

void test('events with names, multi-line data and ids; comments and retry', () => {
  const { events, retries } = parse([
    'retry: 2000\n: ping\n\n',
    'event: status\ndata: {"monitorId":"a"}\nid: 7\n\n',
    'data: one\ndata: two\n\n',
  ]);
  assert.deepEqual(retries, [2000]);
  assert.deepEqual(events, [
    { event: 'status', data: '{"monitorId":"a"}', id: '7' },
    { event: 'message', data: 'one\ntwo', id: '7' },
  ]);
});

void test('an event split anywhere across chunks, CRLF included, arrives whole once', () => {
  const text = 'event: result\r\ndata: {"x":1}\r\n\r\nevent: status\rdata: 2\r\r';
  for (let cut = 1; cut < text.length; cut++) {
    const { events } = parse([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [
        ['result', '{"x":1}'],
        ['status', '2'],
      ],
      `cut at ${cut}`,
    );
  }
});

void test('an event without data is not dispatched, and an unfinished one waits', () => {
  const { events } = parse(['event: status\n\n', 'data: late']);
  assert.deepEqual(events, []);
});
