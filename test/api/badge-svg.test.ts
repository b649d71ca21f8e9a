import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBadge, textWidth } from '../../src/api/render/badge-svg.js';
import { formatUptime } from '../../src/api/render/format.js';

void test('a badge escapes its text and is sized by it', () => {
  const svg = renderBadge({
    label: 'a<b>&"c\'',
    message: '</text><script>x</script>',
    color: '#4c1',
  });
  assert.ok(!svg.includes('<script'));
  assert.ok(!svg.includes('<b>'));
  assert.ok(svg.includes('a&lt;b&gt;&amp;&quot;c&#39;'));
  assert.ok(svg.includes('&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;'));
  assert.equal((svg.match(/<text /g) ?? []).length, 4);

  const short = renderBadge({ label: 'status', message: 'up', color: '#4c1' });
  const long = renderBadge({ label: 'status', message: 'degraded', color: '#dfb317' });
  const widthOf = (s: string) => Number(/^<svg[^>]* width="(\d+)"/.exec(s)?.[1]);
  assert.ok(widthOf(long) > widthOf(short));
  assert.equal(widthOf(short), textWidth('status') + textWidth('up') + 20);
  // Text XML cannot carry, and a colour that is not one, do not break the image.
  const odd = renderBadge({ label: 'x\u0001y', message: 'ok', color: 'red" onload="x' });
  assert.ok(odd.includes('x\uFFFDy'));
  assert.ok(!odd.includes('onload'));
});

void test('uptime reads as two decimals rounded down; 100% only when nothing failed', () => {
  assert.equal(formatUptime(1), '100%');
  assert.equal(formatUptime(0.99999), '99.99%');
  assert.equal(formatUptime(0.9995), '99.95%');
  assert.equal(formatUptime(0.5), '50.00%');
  assert.equal(formatUptime(0), '0.00%');
  assert.equal(formatUptime(null), 'no data');
});
