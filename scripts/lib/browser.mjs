// Launches headless Chromium: Debian's /usr/bin/chromium (or $CHROMIUM_PATH) when present,
// otherwise Playwright's own browser where one was installed.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { CHROMIUM_ARGS, FAKE_CAMERA_ARGS, chromiumPath } from './chromium.mjs';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';

/**
 * @param {{ extraArgs?: string[], acceptDownloads?: boolean, handleSignals?: boolean }} [opts]
 *   handleSignals: false leaves Ctrl-C / SIGTERM / SIGHUP to the caller (Playwright's own handlers
 *   kill the browser and exit 130 at once); the default keeps Playwright's handlers.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close(): Promise<void> }>}
 */
export async function launch({ extraArgs = [], acceptDownloads = true, handleSignals = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  const executablePath = chromiumPath();
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      acceptDownloads,
      handleSIGINT: handleSignals,
      handleSIGTERM: handleSignals,
      handleSIGHUP: handleSignals,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const why = String(e instanceof Error ? e.message : e).split('\n')[0];
    if (!executablePath) {
      throw new Error(`No Chromium found: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH. (${why})`);
    }
    throw new Error(
      `Chromium at ${executablePath} could not start: ${why}. Reinstall it (apt-get install -y chromium) or point CHROMIUM_PATH at a working one.`,
    );
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the app and waits for the studio and the API to be ready.
 * @param {import('playwright-core').Page} page
 * @param {string} url
 */
export async function openApp(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.tessera && customElements.get('tessera-studio'));
}
