import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/**
 * Browser tests' toolkit: a headless Chromium (Debian's, or CHROMIUM_PATH), one page per test with
 * its console errors collected, screenshots saved to test/e2e/artifacts/ (git-ignored).
 */

const repoRoot = join(import.meta.dirname, '..', '..');
export const artifactsDir = join(import.meta.dirname, 'artifacts');
export const LAPTOP_VIEWPORT = { width: 1366, height: 768 } as const;

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Builds the web app into dist/web unless a build is already there (`npm test` always builds first). */
export function ensureWebBuild(): void {
  if (existsSync(join(repoRoot, 'dist', 'web', 'index.html'))) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the web app failed (vite build --config web/vite.config.ts).');
}

export type PageProblems = {
  /** console.error calls and uncaught exceptions from the app's scripts. */
  consoleErrors: string[];
  /**
   * Chromium's own "Failed to load resource: … status of 4xx" lines. They come from API answers the
   * app expects and handles (401 from /api/auth/me when signed out, a wrong password), so they are
   * kept apart from `consoleErrors`; a 5xx is an app error and lands in `consoleErrors`.
   */
  handledHttpErrors: string[];
  /** Requests that failed at the network level (not aborted ones). */
  failedRequests: string[];
};

export type BrowserPage = { browser: Browser; context: BrowserContext; page: Page; problems: PageProblems; close(): Promise<void> };

const HANDLED_STATUS = /^Failed to load resource: the server responded with a status of 4\d\d/;

/** A fresh browser, context and page at `baseURL`, with every console error and page error recorded. */
export async function openPage(baseURL: string, viewport: { width: number; height: number } = LAPTOP_VIEWPORT): Promise<BrowserPage> {
  const browser = await launchBrowser();
  const opened = await openPageIn(browser, baseURL, viewport);
  return {
    ...opened,
    async close() {
      await opened.close();
      await browser.close();
    },
  };
}

/**
 * A fresh context and page of a running browser, as openPage's; closing it leaves the browser open.
 * A context has its own cookies and cache, so its first load is a first visit.
 */
export async function openPageIn(browser: Browser, baseURL: string, viewport: { width: number; height: number } = LAPTOP_VIEWPORT): Promise<BrowserPage> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], handledHttpErrors: [], failedRequests: [] };
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const where = message.location().url;
    if (HANDLED_STATUS.test(text)) problems.handledHttpErrors.push(`${text} (${where})`);
    else problems.consoleErrors.push(where ? `${text} (${where})` : text);
  });
  page.on('pageerror', (error) => problems.consoleErrors.push(`Uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    if (failure.includes('ERR_ABORTED')) return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${failure}`);
  });
  return {
    browser,
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}

/** Saves a full-viewport PNG as test/e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const safeName = name.replace(/[^a-z0-9._-]+/gi, '-');
  const path = join(artifactsDir, `${safeName}.png`);
  // A full-page capture of a scrolled page would show sticky headers mid-page.
  if (options.fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled' });
  return path;
}

/** Fills and submits the sign-up page (already open) and waits for the app to land on Personas. */
export async function signUpInBrowser(page: Page, owner: { company: string; name: string; email: string; password: string }): Promise<void> {
  await page.getByLabel('Company name').fill(owner.company);
  await page.getByLabel('Your name').fill(owner.name);
  await page.getByLabel('Work email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/personas');
}
