// The browser's native codecs in the engine worker: JPEGs decoded by the browser (its YCbCr planes
// converted by kernels/ycc.ts) must equal wasm-vips' (libjpeg-turbo's) pixels byte for byte, on the
// chroma layouts photos come in; PNGs written by the fast encoder (wasm/src/png.ts) must decode to the same pixels
// as vips' PNG and keep the metadata.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { samplePhoto, startApp } from './harness.mjs';
import { scene, vips } from './fixtures.mjs';

/** name → { bytes, expectBrowser }: which decoder must be used for it. */
async function jpegCases() {
  const v = await vips();
  /** @type {Record<string, { bytes: number[], expectBrowser: boolean }>} */
  const cases = {};
  /**
   * @param {string} name @param {number} w @param {number} h @param {number} bands
   * @param {{ Q: number, subsample_mode?: 'on' | 'off', interlace?: boolean }} opts jpegsave's
   */
  const make = (name, w, h, bands, opts, expectBrowser = true) => {
    const raw = v.Image.newFromMemory(scene(w, h, bands, w + h), w, h, bands, v.BandFormat.uchar);
    const im = raw.copy({ interpretation: bands === 1 ? 'b-w' : 'srgb' });
    cases[name] = { bytes: Array.from(im.jpegsaveBuffer(opts)), expectBrowser };
    im.delete();
    raw.delete();
  };
  make('420.jpg', 517, 389, 3, { Q: 85, subsample_mode: 'on' });
  make('444.jpg', 255, 127, 3, { Q: 92, subsample_mode: 'off' });
  make('progressive-420.jpg', 640, 480, 3, { Q: 75, subsample_mode: 'on', interlace: true });
  make('odd-420.jpg', 7, 5, 3, { Q: 75, subsample_mode: 'on' });
  make('gray.jpg', 301, 199, 1, { Q: 80 });
  // Chroma 2 samples wide: libjpeg does not fancy-upsample it, so vips decodes it.
  make('narrow-420.jpg', 4, 9, 3, { Q: 80, subsample_mode: 'on' }, false);
  // A real camera photo, 4:2:2.
  cases['camera-422.jpg'] = { bytes: Array.from(readFileSync(samplePhoto('sample1.jpg'))), expectBrowser: true };
  return cases;
}

/** @type {import('./harness.mjs').App} */
let app;
before(async () => {
  app = await startApp();
});
after(async () => app?.close());

describe('native codecs in the worker', () => {
  test('JPEGs decoded by the browser equal wasm-vips, byte for byte', async () => {
    const cases = await jpegCases();
    const results = await app.page.evaluate(async (cases) => {
      const t = window.tessera;
      const pool = t.createEnginePool(1);
      // Raw pixels out: PNG is lossless, so equal PNG pixels ⇔ equal decodes; compare the raw
      // frames via the tiff encoder without compression for a byte-exact view.
      const output = t.validateOutput({ format: 'tiff', compression: 0, metadata: 'strip' });
      /** @type {Record<string, { decoder?: string, reference?: string, size: number[], bytes: number, diff: number }>} */
      const out = {};
      try {
        for (const [name, c] of Object.entries(cases)) {
          const file = new Blob([new Uint8Array(c.bytes)], { type: 'image/jpeg' });
          /** @param {boolean} nativeDecode */
          const run = async (nativeDecode) => {
            const r = await pool.run(async (api) => api.processImage({ file, name, steps: [], output, maxPixels: 1e9, nativeDecode }));
            if (r.kind !== 'done') throw new Error(`${name}: ${r.kind}`);
            return r;
          };
          const a = await run(true);
          const b = await run(false);
          let diff = 0;
          const x = new Uint8Array(a.bytes),
            y = new Uint8Array(b.bytes);
          for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) diff++;
          out[name] = {
            decoder: a.timings.decoder,
            reference: b.timings.decoder,
            size: [a.width, a.height, a.channels],
            bytes: x.length,
            diff,
          };
        }
      } finally {
        pool.dispose();
      }
      return out;
    }, cases);
    for (const [name, r] of Object.entries(results)) {
      assert.equal(r.reference, 'vips', name);
      assert.equal(r.decoder, cases[name].expectBrowser ? 'browser' : 'vips', `${name}: decoder`);
      assert.ok(r.bytes > 0, name);
      assert.equal(r.diff, 0, `${name}: ${r.diff} bytes differ from wasm-vips' decode`);
    }
    assert.deepEqual(results['gray.jpg'].size, [301, 199, 1]);
    assert.deepEqual(results['camera-422.jpg'].size, [1920, 1280, 3]);
  });

  test('PNG through the fast encoder: same pixels and metadata as vips', async () => {
    const v = await vips();
    const raw = v.Image.newFromMemory(scene(333, 211, 3, 9), 333, 211, 3, v.BandFormat.uchar);
    const im = raw.copy({ interpretation: 'srgb' });
    im.setString('exif-ifd0-Artist', 'Native PNG test');
    const jpeg = Array.from(im.jpegsaveBuffer({ Q: 90 }));
    im.delete();
    raw.delete();
    const r = await app.page.evaluate(async (jpeg) => {
      const t = window.tessera;
      const pool = t.createEnginePool(1);
      try {
        const file = new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' });
        /** @param {import('../../src/core/formats').OutputOptions} output */
        const run = async (output) => {
          const r = await pool.run(async (api) =>
            api.processImage({ file, name: 'a.jpg', steps: [{ op: 'grayscale', params: {} }], output, maxPixels: 1e9 }),
          );
          if (r.kind !== 'done') throw new Error(r.kind);
          return r;
        };
        const png = await run(t.validateOutput({ format: 'png' }));
        const viaVips = await run(t.validateOutput({ format: 'png', compression: 6 }));
        return { png: Array.from(png.bytes), vips: Array.from(viaVips.bytes) };
      } finally {
        pool.dispose();
      }
    }, jpeg);
    const a = v.Image.newFromBuffer(new Uint8Array(r.png));
    const b = v.Image.newFromBuffer(new Uint8Array(r.vips));
    try {
      assert.deepEqual([a.width, a.height, a.bands], [333, 211, 1]);
      assert.deepEqual(Buffer.from(a.writeToMemory()), Buffer.from(b.writeToMemory()), 'pixels differ');
      assert.equal(a.getString('exif-ifd0-Artist').split(' (')[0], 'Native PNG test', 'EXIF kept');
      assert.match(a.getString('exif-ifd2-PixelXDimension'), /^333\b/, 'EXIF dimensions rewritten as vips does');
      // No pathological growth against zlib 6 on a smooth synthetic scene (photos: smaller).
      assert.ok(r.png.length < r.vips.length * 1.3, `fast PNG ${r.png.length} B vs vips zlib 6 ${r.vips.length} B`);
    } finally {
      a.delete();
      b.delete();
    }
  });

  test('default lossy WebP of opaque pixels goes through the browser’s libwebp: same settings as vips', async () => {
    const v = await vips();
    const raw = v.Image.newFromMemory(scene(640, 427, 3, 4), 640, 427, 3, v.BandFormat.uchar);
    const im = raw.copy({ interpretation: 'srgb' });
    im.setString('exif-ifd0-Artist', 'WebP test');
    const jpeg = Array.from(im.jpegsaveBuffer({ Q: 92 }));
    im.delete();
    raw.delete();
    const r = await app.page.evaluate(async (jpeg) => {
      const t = window.tessera;
      const pool = t.createEnginePool(1);
      try {
        const file = new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' });
        /** @param {Partial<import('../../src/core/formats').OutputOptions>} o */
        const run = async (o) => {
          const r = await pool.run(async (api) =>
            api.processImage({
              file,
              name: 'a.jpg',
              steps: [],
              output: t.validateOutput({ format: 'webp', quality: 82, ...o }),
              maxPixels: 1e9,
            }),
          );
          if (r.kind !== 'done') throw new Error(r.kind);
          return Array.from(r.bytes);
        };
        // strip → the browser's encoder; effort 5 (method 3) and kept EXIF → vips.
        return { browser: await run({ metadata: 'strip' }), vips: await run({ metadata: 'strip', effort: 5 }), kept: await run({}) };
      } finally {
        pool.dispose();
      }
    }, jpeg);
    /** @param {number[]} bytes */
    const open = (bytes) => v.Image.newFromBuffer(new Uint8Array(bytes));
    const a = open(r.browser),
      b = open(r.vips),
      k = open(r.kept);
    try {
      assert.equal(String.fromCharCode(...r.browser.slice(8, 12)), 'WEBP');
      assert.deepEqual([a.width, a.height, a.bands], [640, 427, 3]);
      assert.equal(a.getTypeof('exif-data'), 0, 'stripped');
      assert.match(k.getString('exif-ifd0-Artist'), /^WebP test/, 'kept EXIF: written by vips');
      // Both are Q82 lossy encodes of the same pixels: close to each other.
      const pa = a.writeToMemory(),
        pb = b.writeToMemory();
      let sum = 0;
      for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i] - pb[i]);
      assert.ok(sum / pa.length < 3, `mean difference ${sum / pa.length}`);
      assert.ok(
        r.browser.length < r.vips.length * 1.15 && r.browser.length > r.vips.length * 0.85,
        `${r.browser.length} vs ${r.vips.length} bytes`,
      );
    } finally {
      a.delete();
      b.delete();
      k.delete();
    }
  });
});
