/**
 * The dashboard in a real Chromium against the real built service (`npm run build` first):
 * sign-in, a monitor created through the form, live status changes, the server's validation at
 * the field, public status pages and badges, and screenshots under test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiClient } from '../support/api-client.js';
import { screenshot, startBrowser } from '../support/browser.js';
import { startFakeSite } from '../support/fake-site.js';
import { startServiceProcess } from '../support/service-process.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const BUILT = new URL('../../dist/web/index.html', import.meta.url);
/** Checks run every second; through the stream a change shows within a second or two of one. */
const LIVE_MS = 8_000;

/** An expression evaluated in the page (the tests are typed for Node, not the DOM). */
const inPage = <T = unknown>(page: Page, expression: string): Promise<T> =>
  page.evaluate<T>(expression);

const row = (page: Page, name: string) =>
  page.locator('.vrow', { has: page.getByRole('link', { name, exact: true }) });

void test('the dashboard in Chromium', async (t) => {
  assert.ok(existsSync(BUILT), 'dist/web is missing: run `npm run build` first');
  const dataDir = mkdtempSync(join(tmpdir(), 'uptime-browser-'));
  t.after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  const token = randomBytes(24).toString('hex');
  const service = await startServiceProcess(t, { DATA_DIR: dataDir, UPTIME_ADMIN_TOKEN: token });
  const api = apiClient(service.url, token);
  const site = await startFakeSite(t);
  const browser = await startBrowser(t);
  const page = await browser.context.newPage();
  browser.watch(page);
  const timings: Record<string, number> = {};

  await t.test('sign in: a wrong token is refused, the right one opens the list', async () => {
    await page.goto(service.url);
    await page.getByLabel('API token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token was refused.').waitFor();
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Monitors' }).waitFor();
    // updates come from /api/v1/stream, not from the refresh used where the route is missing
    await page.locator('[data-live="live"]').waitFor();
    assert.ok(!page.url().includes(token), 'the token is never in a URL');
    assert.equal(await inPage(page, "sessionStorage.getItem('uptime.token')"), token);
    assert.equal(await inPage(page, 'localStorage.length'), 0);
  });

  await t.test('a monitor created through the form turns up without a reload', async () => {
    await inPage(page, 'window.sameDocument = true');
    await page.getByRole('navigation').getByRole('link', { name: 'New monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Fake shop');
    await page.getByLabel('URL', { exact: true }).fill(`${site.url}/`);
    await page.getByLabel('Interval (s)', { exact: true }).fill('1');
    await page.getByLabel('Tags').fill('shop, browser-test');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.getByRole('heading', { name: 'Fake shop' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Monitors' }).click();
    await row(page, 'Fake shop').locator('[data-status="up"]').waitFor({ timeout: LIVE_MS });

    // One made elsewhere (the API) arrives through the stream.
    const other = await api.call('POST', '/monitors', {
      name: 'Made through the API',
      url: `${site.url}/keyword`,
      intervalSeconds: 60,
    });
    assert.equal(other.status, 201);
    await row(page, 'Made through the API').waitFor({ timeout: LIVE_MS });
    assert.equal(await inPage(page, 'window.sameDocument'), true, 'the page was not reloaded');
  });

  await t.test('the site goes down: the list row and the monitor page turn down live', async () => {
    await screenshot(page, 'list');
    let flippedAt = Date.now();
    site.setMode({ kind: 'down' });
    await row(page, 'Fake shop').locator('[data-status="down"]').waitFor({ timeout: LIVE_MS });
    timings['list row down after the flip (ms)'] = Date.now() - flippedAt;

    await row(page, 'Fake shop').getByRole('link', { name: 'Fake shop' }).click();
    const status = page.getByTestId('monitor-status');
    await status.locator('[data-status="down"]').waitFor({ timeout: LIVE_MS });
    flippedAt = Date.now();
    site.setMode({ kind: 'up' });
    await status.locator('[data-status="up"]').waitFor({ timeout: LIVE_MS });
    timings['monitor page up after the flip (ms)'] = Date.now() - flippedAt;
    flippedAt = Date.now();
    site.setMode({ kind: 'down' });
    await status.locator('[data-status="down"]').waitFor({ timeout: LIVE_MS });
    timings['monitor page down after the flip (ms)'] = Date.now() - flippedAt;
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await page.locator('.incident-open').first().waitFor({ timeout: LIVE_MS });
    await page.locator('.chart canvas').first().waitFor();
    await screenshot(page, 'monitor-page');
    site.setMode({ kind: 'up' });
  });

  await t.test("a bad field shows the server's message at that field", async () => {
    const expected = await api.call('POST', '/monitors', {
      name: 'Bad',
      url: `${site.url}/`,
      intervalSeconds: 0,
    });
    assert.equal(expected.status, 400);
    const details = (
      expected.body as unknown as { error: { details: { path: string; message: string }[] } }
    ).error.details;
    const message = details.find((d) => d.path === '/intervalSeconds')?.message;
    assert.ok(message !== undefined);

    await page.getByRole('navigation').getByRole('link', { name: 'New monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Bad');
    await page.getByLabel('URL', { exact: true }).fill(`${site.url}/`);
    await page.getByLabel('Interval (s)', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    const field = page.locator('[data-field="intervalSeconds"]');
    await field.locator('.field-error').waitFor();
    assert.equal(await field.locator('.field-error').textContent(), message);
    assert.equal(
      await page.getByLabel('Interval (s)', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
    assert.equal(
      await inPage(page, 'document.activeElement?.id'),
      'intervalSeconds',
      'focus moves to the field',
    );
    await screenshot(page, 'form-error');
  });

  await t.test('notification channels: create, send a test, read the log, delete', async () => {
    const receiver = await startWebhookReceiver(t);
    await page.getByRole('navigation').getByRole('link', { name: 'Channels' }).click();
    await page.getByLabel('Name', { exact: true }).fill('ops hook');
    await page.getByLabel('URL', { exact: true }).fill('ftp://not-a-webhook');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('[data-field="channel-url"] .field-error').waitFor();
    await page.getByLabel('URL', { exact: true }).fill(receiver.url);
    await page.getByLabel('Signing secret').fill('a-signing-secret');
    await page.getByRole('button', { name: 'Create channel' }).click();
    const channel = page.locator('.channel-list > li', {
      has: page.getByRole('heading', { name: 'ops hook' }),
    });
    await channel.getByText('signed').waitFor();

    await channel.getByRole('button', { name: 'Send test' }).click();
    const [hook] = await receiver.received(1);
    assert.equal(hook?.headers['x-uptime-event'], 'test');
    await channel.locator('td.delivery-delivered').first().waitFor({ timeout: LIVE_MS });
    await screenshot(page, 'channels');

    page.once('dialog', (dialog) => void dialog.accept());
    await channel.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('ops hook deleted.').waitFor();
    const left = await api.call('GET', '/notification-channels');
    assert.equal(left.body.items.length, 0);
  });

  await t.test('signing out forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    assert.equal(await inPage(page, "sessionStorage.getItem('uptime.token')"), null);
  });

  await t.test(
    'a public status page and a badge work without a token, the API refuses',
    async (st) => {
      const list = await api.call('GET', '/monitors');
      const shop = (list.body.items as unknown as { id: string; name: string }[]).find(
        (m) => m.name === 'Fake shop',
      );
      assert.ok(shop);
      const created = await api.call('POST', '/status-pages', {
        slug: 'public-shop',
        title: 'Shop status',
        description: 'The shop, as its customers see it',
        monitorIds: [shop.id],
      });
      if (created.status === 404) {
        // The status-page routes belong to another part of issue 4; they are not served yet.
        st.skip('POST /api/v1/status-pages is not served yet');
        return;
      }
      assert.equal(created.status, 201);
      const anonymous = await browser.context.browser()?.newContext();
      const visitor =
        anonymous === undefined ? await browser.context.newPage() : await anonymous.newPage();
      browser.watch(visitor);
      const answer = await visitor.goto(`${service.url}/status/public-shop`);
      assert.equal(answer?.status(), 200);
      await visitor.getByText('Shop status').first().waitFor();
      await visitor.getByText('Fake shop').first().waitFor();
      await screenshot(visitor, 'status-page');
      const badge = await visitor.request.get(`${service.url}/badge/${shop.id}/status.svg`);
      assert.equal(badge.status(), 200);
      assert.match(badge.headers()['content-type'] ?? '', /image\/svg\+xml/);
      const json = await visitor.request.get(`${service.url}/status/public-shop.json`);
      assert.equal(json.status(), 200);
      const refused = await visitor.request.get(`${service.url}/api/v1/monitors`);
      assert.equal(refused.status(), 401);
      await anonymous?.close();
    },
  );

  await t.test('dark scheme and phone width', async () => {
    const phone = await startBrowser(t, {
      colorScheme: 'dark',
      viewport: { width: 390, height: 844 },
    });
    const small = await phone.context.newPage();
    phone.watch(small);
    await small.goto(service.url);
    await small.getByLabel('API token').fill(token);
    await small.keyboard.press('Enter');
    await row(small, 'Fake shop').waitFor();
    const width = await inPage<number>(small, 'document.documentElement.scrollWidth');
    assert.ok(width <= 390, `no sideways scrolling at phone width (${width}px)`);
    const background = await inPage(
      small,
      'getComputedStyle(document.documentElement).backgroundColor',
    );
    assert.equal(background, 'rgb(15, 20, 27)');
    await screenshot(small, 'list-phone-dark');
    assert.deepEqual(phone.errors, []);
  });

  await t.test(
    'keyboard: Tab reaches the links of the rows with a visible focus ring',
    async () => {
      await page.getByLabel('API token').fill(token);
      await page.keyboard.press('Enter');
      await page.getByRole('navigation').getByRole('link', { name: 'Monitors' }).click();
      await row(page, 'Fake shop').waitFor();
      let outline = '';
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        const focused = await inPage<string | null>(
          page,
          `document.activeElement?.classList.contains('row-link')
            ? getComputedStyle(document.activeElement).outlineStyle
            : null`,
        );
        if (focused !== null) {
          outline = focused;
          break;
        }
      }
      assert.equal(outline, 'solid');
    },
  );

  assert.deepEqual(browser.errors, [], 'no script errors and no CSP violations');
  for (const [what, ms] of Object.entries(timings)) t.diagnostic(`${what}: ${ms}`);
});
