// Shared setup for the browser tests: the built app served with isolation headers, in Debian's
// Chromium (or Playwright's), plus helpers to move fixture folders into OPFS.
import { existsSync } from 'node:fs';
import { serve } from '../../scripts/lib/serve.mjs';
import { launch, openApp } from '../../scripts/lib/browser.mjs';

/**
 * @param {{ isolate?: boolean, outputDir?: string, extraArgs?: string[] }} [opts]
 *   extraArgs: more Chromium flags (e.g. FAKE_CAMERA_ARGS for the camera tests).
 */
export async function startApp({ isolate = true, outputDir, extraArgs = [] } = {}) {
  // TESSERA_DIST: another build folder (parallel work on one machine); default dist/.
  const dist = process.env.TESSERA_DIST || 'dist';
  if (!existsSync(`${dist}/index.html`)) throw new Error(`${dist}/ is missing: run \`npx vite build\` first (npm test does)`);
  const server = await serve({ root: dist, isolate, outputDir });
  // A browser that cannot start (or an app that never opens) must not leave the server holding
  // the test process open: node --test would then wait forever instead of failing.
  let browser;
  const errors = [];
  try {
    browser = await launch({ extraArgs });
    browser.page.on('pageerror', (e) => errors.push(e.message));
    await openApp(browser.page, server.url);
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
  return {
    page: browser.page,
    url: server.url,
    errors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Chromium's fake camera (a generated test pattern) at 30 fps, allowed without a prompt. */
export const FAKE_CAMERA_ARGS = ['--use-fake-device-for-media-stream=fps=30', '--use-fake-ui-for-media-stream'];

/**
 * Copies a folder from disk into OPFS under `name` (replacing it), through a real
 * <input webkitdirectory>, the same way a person hands Tessera a folder.
 */
export async function folderToOpfs(page, dir, name) {
  await page.evaluate(() => {
    const el = document.createElement('input');
    el.type = 'file';
    el.webkitdirectory = true;
    el.id = 'fixture-input';
    el.style.display = 'none';
    document.body.append(el);
  });
  await page.setInputFiles('#fixture-input', dir);
  return page.evaluate(async (name) => {
    const el = document.getElementById('fixture-input');
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(name, { recursive: true }).catch(() => {});
    const top = await root.getDirectoryHandle(name, { create: true });
    let n = 0;
    for (const f of el.files) {
      const parts = f.webkitRelativePath.split('/').slice(1);
      let d = top;
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
      const w = await (await d.getFileHandle(parts.at(-1), { create: true })).createWritable();
      await w.write(f);
      await w.close();
      n++;
    }
    el.remove();
    return n;
  }, name);
}

/** Lists every file under an OPFS folder as { path, size }. */
export function listOpfs(page, name) {
  return page.evaluate(async (name) => {
    const out = [];
    const walk = async (d, prefix) => {
      for await (const e of d.values()) {
        if (e.kind === 'file') out.push({ path: prefix + e.name, size: (await e.getFile()).size });
        else await walk(e, `${prefix}${e.name}/`);
      }
    };
    const root = await navigator.storage.getDirectory();
    await walk(await root.getDirectoryHandle(name), '');
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }, name);
}
