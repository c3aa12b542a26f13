// Output and video options as generated from their specs (OUTPUT_OPTIONS, VIDEO_OPTIONS): the
// studio's <output-options> panel has a control for each option exactly where it applies (TIFF
// compression included), and the batch command's --help and flags come from the same specs.
// Needs dist/ (npx vite build).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, requireBuilt, startApp } from './harness.mjs';
import { makeFolder, vips } from './fixtures.mjs';
import { loadOptionFlags } from '../../scripts/lib/option-flags.mjs';

/** @typedef {import('playwright-core').Page} Page */

const PANEL = 'tessera-studio output-options';

/** The batch command, given 90 s. @param {string[]} args */
const runBatch = (args) => batchCommand(args, { timeout: 90_000 });

/** The ids of the panel's controls (output ones, or video ones), in page order. @param {Page} page @param {string} prefix */
function controlIds(page, prefix) {
  return page
    .locator(`${PANEL} [id^="${prefix}"]`)
    .evaluateAll((/** @type {HTMLElement[]} */ els) => els.map((e) => e.id).filter((id) => id !== 'video-options' && id !== 'video-error'));
}

/** The controls the specs say apply, with the panel's current values. @param {Page} page @param {'output' | 'video'} group */
function expectedIds(page, group) {
  return page.evaluate((group) => {
    const t = window.tessera;
    const panel = document.querySelector('tessera-studio')?.shadowRoot?.querySelector('output-options');
    if (!panel) throw new Error('no <output-options> in the studio');
    /** @param {string} k */
    const kebab = (k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    /** @type {[import('../../src/core/options').OptionSchema, Readonly<Record<string, unknown>>, string, string]} */
    const [schema, values, format, prefix] =
      group === 'video'
        ? [t.VIDEO_OPTIONS, { ...panel.video }, panel.video.container, 'video-']
        : [t.OUTPUT_OPTIONS, { ...panel.value }, panel.value.format, 'out-'];
    return Object.entries(schema)
      .filter(([k, s]) => k !== 'format' && t.optionApplies(s, format, values))
      .map(([k]) => prefix + kebab(k));
  }, group);
}

/** The studio's output settings. @param {Page} page */
const studioOutput = (page) =>
  page.evaluate(() => {
    const studio = document.querySelector('tessera-studio');
    if (!studio) throw new Error('no <tessera-studio> on the page');
    return studio.output;
  });

describe('<output-options> panel', () => {
  /** @type {import('./harness.mjs').App} */
  let app;
  before(async () => {
    app = await startApp();
  });
  after(async () => app?.close());

  test('each format shows exactly the controls of the options that apply to it', async () => {
    const { page } = app;
    const formats = await page.evaluate(() => Object.keys(window.tessera.FORMATS));
    assert.deepEqual(formats, ['png', 'jpeg', 'webp', 'avif', 'tiff', 'gif', 'dzi']);
    const seen = new Set();
    for (const format of formats) {
      await page.selectOption(`${PANEL} #format`, format);
      const ids = await controlIds(page, 'out-');
      assert.deepEqual(ids, await expectedIds(page, 'output'), format);
      assert.ok(ids.length > 0, format);
      ids.forEach((id) => seen.add(id));
      assert.equal((await studioOutput(page)).format, format);
    }
    // Across the formats (and with PNG's palette and flattened alpha below) every option has a control.
    await page.selectOption(`${PANEL} #format`, 'png');
    await page.check(`${PANEL} #out-palette`);
    await page.selectOption(`${PANEL} #out-alpha`, 'flatten');
    (await controlIds(page, 'out-')).forEach((id) => seen.add(id));
    const all = await page.evaluate(() => Object.keys(window.tessera.OUTPUT_OPTIONS).filter((k) => k !== 'format'));
    const kebab = (/** @type {string} */ k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    assert.deepEqual([...seen].sort(), all.map((k) => `out-${kebab(k)}`).sort());
    assert.deepEqual(app.errors, []);
  });

  test('TIFF compression is shown and reaches the studio; PNG quality and effort appear with the palette', async () => {
    const { page } = app;
    await page.selectOption(`${PANEL} #format`, 'tiff');
    assert.equal(await page.inputValue(`${PANEL} #out-compression`), '6');
    await page.fill(`${PANEL} #out-compression`, '0');
    await page.dispatchEvent(`${PANEL} #out-compression`, 'change');
    assert.equal((await studioOutput(page)).compression, 0);
    // A bad value is explained and not applied.
    await page.fill(`${PANEL} #out-compression`, '12');
    await page.dispatchEvent(`${PANEL} #out-compression`, 'change');
    assert.match((await page.textContent(`${PANEL} #output-error`)) ?? '', /compression: must be a whole number 0–9, got 12/);
    assert.equal((await studioOutput(page)).compression, 0);
    // Back to PNG: its own default compression (1), and no quality until the palette is on.
    await page.selectOption(`${PANEL} #format`, 'png');
    assert.equal((await studioOutput(page)).compression, 1);
    await page.uncheck(`${PANEL} #out-palette`);
    assert.equal(await page.locator(`${PANEL} #out-quality`).count(), 0);
    await page.check(`${PANEL} #out-palette`);
    assert.equal(await page.inputValue(`${PANEL} #out-quality`), '100');
    assert.equal(await page.locator(`${PANEL} #out-effort`).count(), 1);
  });

  test('Deep Zoom: tile format, size and overlap reach the studio; JPEG tiles take the quality, PNG tiles the compression', async () => {
    const { page } = app;
    await page.selectOption(`${PANEL} #format`, 'dzi');
    assert.deepEqual(await controlIds(page, 'out-'), [
      'out-images',
      'out-orientation',
      'out-tile-format',
      'out-tile-size',
      'out-overlap',
      'out-quality',
      'out-subsampling',
      'out-colour',
      'out-background',
      'out-name',
      'out-existing',
    ]);
    assert.equal(await page.inputValue(`${PANEL} #out-tile-size`), '254');
    await page.fill(`${PANEL} #out-tile-size`, '512');
    await page.dispatchEvent(`${PANEL} #out-tile-size`, 'change');
    await page.selectOption(`${PANEL} #out-tile-format`, 'png');
    assert.deepEqual(await controlIds(page, 'out-'), await expectedIds(page, 'output'));
    assert.equal(await page.locator(`${PANEL} #out-quality`).count(), 0);
    assert.equal(await page.inputValue(`${PANEL} #out-compression`), '1');
    const { format, tileSize, overlap, tileFormat } = await studioOutput(page);
    assert.deepEqual({ format, tileSize, overlap, tileFormat }, { format: 'dzi', tileSize: 512, overlap: 1, tileFormat: 'png' });
    await page.fill(`${PANEL} #out-overlap`, '40');
    await page.dispatchEvent(`${PANEL} #out-overlap`, 'change');
    assert.match((await page.textContent(`${PANEL} #output-error`)) ?? '', /overlap: must be a whole number 0–32, got 40/);
    await page.selectOption(`${PANEL} #format`, 'png');
  });

  test('video: a control for every video option; the codec menu follows the container', async () => {
    const { page } = app;
    await page.click(`${PANEL} #video-options summary`);
    const ids = await controlIds(page, 'video-');
    assert.deepEqual(ids, await expectedIds(page, 'video'));
    const all = await page.evaluate(() => Object.keys(window.tessera.VIDEO_OPTIONS));
    // Every option but the animation's frame rate, which shows once the video is written as an animation.
    assert.equal(ids.length, all.length - 1);
    assert.equal(await page.locator(`${PANEL} #video-fps`).count(), 0);
    await page.selectOption(`${PANEL} #video-animation`, 'webp');
    assert.equal(await page.inputValue(`${PANEL} #video-fps`), '10');
    assert.deepEqual(await controlIds(page, 'video-'), await expectedIds(page, 'video'));
    assert.equal((await controlIds(page, 'video-')).length, all.length);
    await page.selectOption(`${PANEL} #video-animation`, 'off');
    const codecs = () =>
      page.locator(`${PANEL} #video-codec option`).evaluateAll((/** @type {HTMLOptionElement[]} */ els) => els.map((e) => e.value));
    assert.deepEqual(await codecs(), ['h264', 'av1']);
    await page.selectOption(`${PANEL} #video-container`, 'webm');
    assert.deepEqual(await codecs(), ['vp9', 'vp8', 'av1']);
    assert.equal(await page.inputValue(`${PANEL} #video-codec`), 'vp9');
    // Bitrate in kbit/s; emptied, the quality decides again.
    await page.fill(`${PANEL} #video-bitrate`, '2500');
    await page.dispatchEvent(`${PANEL} #video-bitrate`, 'change');
    const video = () => page.evaluate(() => document.querySelector('tessera-studio')?.video);
    assert.equal((await video())?.bitrate, 2_500_000);
    await page.fill(`${PANEL} #video-bitrate`, '');
    await page.dispatchEvent(`${PANEL} #video-bitrate`, 'change');
    const after = await video();
    assert.ok(after, 'the studio has video settings');
    assert.equal(after.bitrate, undefined);
    assert.deepEqual(app.errors, []);
  });
});

describe('batch command flags from the specs', () => {
  /** @type {string} */
  let work;
  before(async () => {
    work = await fs.mkdtemp(join(tmpdir(), 'tessera-flags-'));
  });
  after(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  test('--help lists all seven formats and every output and video option', async () => {
    const r = await runBatch(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--format png\|jpeg\|webp\|avif\|tiff\|gif\|dzi/);
    assert.match(r.stdout, /--tile-size 64-4096/);
    const { OPTION_FLAGS, flagUsage } = await loadOptionFlags();
    assert.ok(OPTION_FLAGS.length >= 20);
    for (const f of OPTION_FLAGS) assert.ok(r.stdout.includes(flagUsage(f)), `${flagUsage(f)} in --help`);
  });

  test('a bad flag value is a usage error naming the flag, before any browser starts', async () => {
    const out = join(work, 'never');
    /** @type {[string[], RegExp][]} flags, and the error they must give */
    const cases = [
      [['--compression', '12'], /^tessera batch: --compression: must be a whole number 0–9, got 12$/m],
      [['--metadata', 'all'], /--metadata: must be one of "keep", "no-location", "strip", got "all"/],
      [['--container', 'mp4', '--video-codec', 'vp9'], /--video-codec: VP9 cannot go in MP4 here/],
    ];
    for (const [args, want] of cases) {
      const r = await runBatch([work, out, '--no-build', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, want);
      assert.doesNotMatch(r.stderr, /usage:/);
    }
    assert.ok(!existsSync(out));
  });

  test('--format tiff --compression 0 --alpha flatten --metadata strip writes flattened, uncompressed TIFFs', async () => {
    requireBuilt();
    const { dir } = await makeFolder([{ path: 'a.png', w: 40, h: 30, channels: 4, format: 'png' }], 3);
    const out = join(work, 'tiff');
    // No steps: the seed recipe would make the image gray.
    const recipe = join(work, 'none.json');
    await fs.writeFile(recipe, JSON.stringify({ name: 'none', steps: [] }));
    const r = await runBatch([
      dir,
      out,
      '--recipe',
      recipe,
      '--workers',
      '1',
      '--no-build',
      '--format',
      'TIF',
      '--compression',
      '0',
      '--alpha',
      'flatten',
      '--background',
      '000000',
      '--metadata',
      'strip',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /TIFF/);
    const bytes = await fs.readFile(join(out, 'a.tif'));
    // Uncompressed: at least the 40×30 RGB pixels themselves.
    assert.ok(bytes.length >= 40 * 30 * 3, `${bytes.length} bytes`);
    const v = await vips();
    const im = v.Image.newFromBuffer(bytes);
    try {
      assert.deepEqual([im.width, im.height, im.bands, im.hasAlpha()], [40, 30, 3, false]);
      assert.equal(im.getTypeof('xmp-data'), 0);
    } finally {
      im.delete();
    }
    await fs.rm(dir, { recursive: true, force: true });
  });
});
