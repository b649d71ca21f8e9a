/**
 * Debian's Chromium (`/usr/bin/chromium`) driven by playwright-core, headless, with a fresh
 * profile in a temp folder that goes when the browser closes. Never a browser download.
 *
 *   const browser = await startBrowser(t);          // closed after the test
 *   const browser = await launchBrowser();          // closed by the caller (benchmarks)
 *   const page = await browser.context.newPage();
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Without these, Chromium reaches for Google's hosts, which this machine's network refuses. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  /** Page errors and console errors so far, less the failed requests a test caused on purpose. */
  readonly errors: string[];
  watch(page: Page): void;
  close(): Promise<void>;
}

export interface BrowserOptions {
  readonly colorScheme?: 'light' | 'dark';
  readonly viewport?: { width: number; height: number };
}

/** A browser closed after the test. */
export async function startBrowser(
  t: TestContext,
  options: BrowserOptions = {},
): Promise<TestBrowser> {
  const browser = await launchBrowser(options);
  t.after(() => browser.close());
  return browser;
}

/** A browser that the caller closes. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'uptime-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const errors: string[] = [];
  let closed = false;
  return {
    context,
    errors,
    watch(page) {
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        // a refused request (a wrong token, a 404 the page handles) is logged by the browser
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          errors.push(`console: ${message.text()}`);
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOTS = join('test-output', 'screenshots');

/** A full-page PNG under test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
