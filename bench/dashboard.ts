/**
 * The dashboard with 10,000 monitors, in headless Chromium on this machine:
 *
 * - navigation to the first rendered rows of the list (the token already in the tab), cold
 *   (empty cache) and warm;
 * - a status change to its display in the list: from the status's own `since` (when the
 *   recorder changed it) and from the moment the fake site flipped (which adds up to one check
 *   interval, 1 s).
 *
 *   npm run build && npm run bench:dashboard [-- --monitors 10000 --runs 5 --flips 5]
 *
 * Goals: under 1 s each. Everything runs on 127.0.0.1; the service, the fake sites and the
 * browser are stopped at the end, also on failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { startFakeSite, type FakeSite } from '../test/support/fake-site.js';
import { startServiceProcess } from '../test/support/service-process.js';
import { figureTable, fmt, verdict, type FigureRow } from './support/report.js';

export interface DashboardOptions {
  readonly monitors: number;
  readonly runs: number;
  readonly flips: number;
}

export interface DashboardFigure {
  readonly figure: string;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly goalMs: number | null;
}

const GOAL_MS = 1000;
const FLIP_NAME = 'flip-target';

/** Records, in the page, when the first list row appears and when the flip row changes status. */
const OBSERVER = `
  window.__bench = { firstRowAt: null, changes: [] };
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.firstRowAt === null && document.querySelector('.vrow')) b.firstRowAt = performance.now();
    for (const link of document.querySelectorAll('.vrow .row-link')) {
      if (link.textContent !== '${FLIP_NAME}') continue;
      const status = link.closest('.vrow').querySelector('[data-status]').dataset.status;
      const last = b.changes[b.changes.length - 1];
      if (last === undefined || last.status !== status) b.changes.push({ status, at: Date.now() });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

export async function runDashboard(options: DashboardOptions): Promise<DashboardFigure[]> {
  const cleanups: (() => unknown)[] = [];
  const context = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;
  const dataDir = mkdtempSync(join(tmpdir(), 'uptime-bench-dashboard-'));
  try {
    const token = randomBytes(24).toString('hex');
    const service = await startServiceProcess(context, {
      DATA_DIR: dataDir,
      UPTIME_ADMIN_TOKEN: token,
    });
    cleanups.push(() => service.stop());
    const steady = await startFakeSite();
    const flip = await startFakeSite();
    cleanups.push(
      () => steady.close(),
      () => flip.close(),
    );

    const flipId = await createMonitors(service.url, token, options.monitors, steady, flip);
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const page = await browser.context.newPage();
    browser.watch(page);
    await page.addInitScript(OBSERVER);
    await page.goto(service.url);
    await page.evaluate(`sessionStorage.setItem('uptime.token', ${JSON.stringify(token)})`);

    const cold: number[] = [];
    const warm: number[] = [];
    const firstRows = async (): Promise<number> => {
      await page.goto(service.url);
      await until(page, 'window.__bench.firstRowAt !== null', 30_000);
      return page.evaluate<number>('window.__bench.firstRowAt');
    };
    const cdp = await page.context().newCDPSession(page);
    for (let run = 0; run < options.runs; run++) {
      await cdp.send('Network.clearBrowserCache');
      cold.push(await firstRows());
      warm.push(await firstRows());
    }
    await until(
      page,
      `document.querySelector('.page-head p')?.textContent.startsWith('${options.monitors} monitors')`,
      60_000,
    );

    const sinceStatus: number[] = [];
    const sinceFlip: number[] = [];
    for (let i = 0; i < options.flips; i++) {
      const target = i % 2 === 0 ? 'down' : 'up';
      const flippedAt = Date.now();
      flip.setMode(target === 'down' ? { kind: 'down' } : { kind: 'up' });
      await until(page, `window.__bench.changes.at(-1)?.status === '${target}'`, 30_000);
      const shownAt = await page.evaluate<number>('window.__bench.changes.at(-1).at');
      const status = await getJson<{ status: string; since: string }>(
        service.url,
        token,
        `/monitors/${flipId}/status`,
      );
      if (status.status === target) sinceStatus.push(shownAt - Date.parse(status.since));
      sinceFlip.push(shownAt - flippedAt);
    }
    if (browser.errors.length > 0) throw new Error(`the page failed: ${browser.errors.join('; ')}`);

    return [
      figure('navigation → first rows, cold cache', cold, GOAL_MS),
      figure('navigation → first rows, warm cache', warm, GOAL_MS),
      figure('status change → shown in the list', sinceStatus, GOAL_MS),
      figure('site flipped → shown (includes the 1 s check interval)', sinceFlip, null),
    ];
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The flip monitor first (it heads the list in creation order), then the rest; its id. */
async function createMonitors(
  url: string,
  token: string,
  count: number,
  steady: FakeSite,
  flip: FakeSite,
): Promise<string> {
  const post = async (body: object): Promise<string> => {
    const res = await fetch(`${url}/api/v1/monitors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201)
      throw new Error(`creating a monitor: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const flipId = await post({ name: FLIP_NAME, url: `${flip.url}/`, intervalSeconds: 1 });
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await post({
        name: `site ${String(i).padStart(5, '0')}`,
        url: `${steady.url}/?n=${i}`,
        intervalSeconds: 300,
        tags: [`team-${i % 25}`],
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return flipId;
}

/**
 * Polls an expression in the page until it is true. (Playwright's waitForFunction evaluates
 * strings with eval inside the page, which the dashboard's CSP forbids.) The figures come from
 * timestamps taken in the page, so the polling pace does not enter them.
 */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function getJson<T>(url: string, token: string, path: string): Promise<T> {
  const res = await fetch(`${url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as T;
}

function figure(name: string, values: readonly number[], goalMs: number | null): DashboardFigure {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    figure: name,
    medianMs: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
    goalMs,
  };
}

/** The figures as rows of the bench's summary table. */
export function dashboardRows(figures: readonly DashboardFigure[]): FigureRow[] {
  return figures.map((f) => ({
    figure: `dashboard: ${f.figure}`,
    value: `median ${fmt(f.medianMs)} ms, max ${fmt(f.maxMs)} ms`,
    ceiling: '',
    goal: f.goalMs === null ? '' : `< ${fmt(f.goalMs)} ms`,
    verdict: verdict(f.goalMs === null ? null : f.maxMs < f.goalMs),
  }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      monitors: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '5' },
      flips: { type: 'string', default: '6' },
    },
  });
  const options = {
    monitors: Number(values.monitors),
    runs: Number(values.runs),
    flips: Number(values.flips),
  };
  process.stdout.write(
    `dashboard with ${options.monitors} monitors, headless Chromium, ${options.runs} loads, ${options.flips} flips\n`,
  );
  process.stdout.write(`${figureTable(dashboardRows(await runDashboard(options)))}\n`);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
