// Run before the browser tests: starts Chromium once and stops, so a machine whose browser cannot
// start gets one clear message and a non-zero exit in seconds instead of a failure per test file.
import { launch } from './lib/browser.mjs';

try {
  const browser = await launch();
  await browser.close();
} catch (e) {
  console.error(`browser tests cannot run: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
