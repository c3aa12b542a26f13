// Video frames through the workers without RGBA round trips (src/engine/frame-task.ts, yuv.ts):
// gray recipes read luma straight from the decoder's planes and return I420; plane-wise colour
// recipes run on R, G, B apart. Each route is checked against the RGBA one, pixel by pixel, on a
// real photo (a pan over a face-api sample photo, made in the page), then end to end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { samplePhoto, startApp } from './harness.mjs';
import { makePanVideo, makeVideo, probe } from './video-fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../../src/core/recipe').RecipeStep} RecipeStep */

/** @type {import('./harness.mjs').App} */
let app;
before(async () => {
  const image = samplePhoto('sample1.jpg');
  app = await startApp();
  await makePanVideo(app.page, { name: 'pan', image, width: 320, height: 240, frames: 45, fps: 30, audio: true });
});
after(async () => app?.close());

/**
 * In the page: decodes frame `index` of window.__videos[name] (or uses a VideoFrame built by
 * `make`), runs `steps` on it through a worker both ways (RGBA copy; the decoder's own planes) and
 * returns both results as RGBA plus the planes' luma, for comparison in Node.
 * @param {Page} page
 * @param {{ name?: string, index?: number, steps: RecipeStep[], make?: () => VideoFrame, yuvOutput?: 'i420' | 'rgba' }} opts
 *   make: runs in the page (its source is sent), so it must be self-contained.
 */
async function bothRoutes(page, { name, index = 0, steps, make, yuvOutput = 'i420' }) {
  // Defined by Playwright's own evaluation: the page's CSP forbids eval of a string in page code.
  if (make) await page.evaluate(`window.__yuvMake = ${make.toString()}`);
  return page.evaluate(
    async ({ name, index, steps, make, yuvOutput }) => {
      const t = window.tessera;
      const pool = (window.__yuvPool ??= t.createEnginePool(1));
      await pool.broadcast((api) => api.start());
      /** @type {VideoFrame | null | undefined} */
      let frame;
      if (make) {
        if (!window.__yuvMake) throw new Error('no frame maker in the page');
        frame = window.__yuvMake();
      } else {
        const video = name === undefined ? undefined : window.__videos?.[name];
        if (!video) throw new Error(`no video ${name} in the page`);
        const mb = await t.loadMediabunny();
        const input = new mb.Input({ source: new mb.BlobSource(video), formats: mb.ALL_FORMATS });
        const track = await input.getPrimaryVideoTrack();
        if (!track) throw new Error(`${name} has no video track`);
        /** @type {(VideoFrame | null)[]} */
        const frames = [];
        const dec = new VideoDecoder({
          output: (f) => {
            if (frames.length === index) frames.push(f);
            else {
              frames.push(null);
              f.close();
            }
          },
          error: () => {},
        });
        const config = await track.getDecoderConfig();
        if (!config) throw new Error(`${name}: the browser cannot decode its video`);
        dec.configure(config);
        let n = 0;
        for await (const p of new mb.EncodedPacketSink(track).packets()) {
          dec.decode(p.toEncodedVideoChunk());
          if (++n > index + 8) break;
        }
        await dec.flush();
        dec.close();
        input.dispose();
        frame = frames[index];
      }
      if (!frame) throw new Error(`no frame ${index}`);
      try {
        const rect = frame.visibleRect,
          format = frame.format;
        if (!rect) throw new Error('the frame has no visible rectangle');
        if (format !== 'I420' && format !== 'NV12') throw new Error(`not a 4:2:0 frame: ${format}`);
        const w = rect.width,
          h = rect.height;
        const rgbaSab = new SharedArrayBuffer(w * h * 4);
        await frame.copyTo(new Uint8Array(rgbaSab), { format: 'RGBA' });
        const yuvSab = new SharedArrayBuffer(frame.allocationSize());
        const layout = await frame.copyTo(new Uint8Array(yuvSab));
        const cs = frame.colorSpace;
        const yuv = {
          format,
          layout: layout.map((l) => ({ offset: l.offset, stride: l.stride })),
          matrix: cs.matrix,
          fullRange: !!cs.fullRange,
        };
        const steps2 = t.resolveSteps({ name: 't', steps });
        const viaRgba = await pool.run((api) =>
          api.processFrame({ width: w, height: h, channels: 4, stride: w * 4, byteOffset: 0, buffer: rgbaSab }, steps2, { opaque: true }),
        );
        const interleaved = await pool.run((api) =>
          api.processFrame({ width: w, height: h, channels: 4, stride: w * 4, byteOffset: 0, buffer: rgbaSab }, steps2, { opaque: false }),
        );
        const viaYuv = await pool.run((api) =>
          api.processFrame(
            { width: w, height: h, channels: 1, stride: layout[0].stride, byteOffset: layout[0].offset, buffer: yuvSab },
            steps2,
            { opaque: true, yuv, output: yuvOutput },
          ),
        );
        // The I420 result as the encoder will see it, read back as RGBA by Chromium.
        let yuvRgba = new Uint8Array(viaYuv.rgba);
        /** @type {number[] | undefined} */
        let yuvY;
        if (viaYuv.i420) {
          yuvY = Array.from(new Uint8Array(viaYuv.i420, 0, w * h));
          const vf = new VideoFrame(viaYuv.i420, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0, colorSpace: cs.toJSON() });
          yuvRgba = new Uint8Array(w * h * 4);
          await vf.copyTo(yuvRgba, { format: 'RGBA' });
          vf.close();
        }
        const srcY = Array.from(new Uint8Array(yuvSab, layout[0].offset, w * h)); // tight: stride = w here
        return {
          w,
          h,
          format: frame.format,
          colorSpace: cs.toJSON(),
          paths: [viaRgba.path, interleaved.path, viaYuv.path],
          channels: [viaRgba.channels, viaYuv.channels],
          source: Array.from(new Uint8Array(rgbaSab)),
          srcY,
          rgba: Array.from(new Uint8Array(viaRgba.rgba)),
          interleaved: Array.from(new Uint8Array(interleaved.rgba)),
          yuvRgba: Array.from(yuvRgba),
          yuvY,
          i420: !!viaYuv.i420,
        };
      } finally {
        frame.close();
      }
    },
    { name, index, steps, make: !!make, yuvOutput },
  );
}

/**
 * Statistics of |a − b| over channel `c` of RGBA arrays (or over plain arrays with c = -1).
 * @param {ArrayLike<number>} a @param {ArrayLike<number>} b
 */
function diff(a, b, c = 0, step = 4) {
  /** @type {number[]} */
  const d = [];
  if (c < 0) for (let i = 0; i < a.length; i++) d.push(Math.abs(a[i] - b[i]));
  else for (let i = c; i < a.length; i += step) d.push(Math.abs(a[i] - b[i]));
  d.sort((x, y) => x - y);
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  return { mean, p99: d[Math.floor(d.length * 0.99)], max: d[d.length - 1] };
}

describe('video frames without RGBA round trips', () => {
  test('gray recipes: luma straight from the Y plane is the stream’s luma (its matrix’s weights) of the RGBA route (±1), I420 out', async (t) => {
    const r = await bothRoutes(app.page, { name: 'pan', index: 10, steps: [{ op: 'grayscale' }] });
    assert.equal(r.format, 'I420');
    // Chromium's H.264 encoder tags BT.709 in some versions and BT.601 (smpte170m) in others (150).
    /** @type {Record<string, [number, number, number]>} */
    const WEIGHTS = { bt709: [0.2126, 0.7152, 0.0722], smpte170m: [0.299, 0.587, 0.114], bt470bg: [0.299, 0.587, 0.114] };
    const matrix = String(r.colorSpace.matrix);
    const wts = WEIGHTS[matrix];
    assert.ok(wts, `a matrix the luma route knows: ${matrix}`);
    assert.deepEqual(r.paths, ['rgba', 'rgba', 'yuv-gray']);
    assert.equal(r.i420, true);
    assert.ok(r.yuvY);
    // Full range: the gray result is the Y plane itself.
    if (r.colorSpace.fullRange) assert.deepEqual(r.yuvY, r.srcY);
    // What Chromium's RGBA says the luma is, with the stream's weights.
    /** @type {number[]} */
    const luma = [];
    for (let i = 0; i < r.source.length; i += 4) luma.push(wts[0] * r.source[i] + wts[1] * r.source[i + 1] + wts[2] * r.source[i + 2]);
    const yAsFull = r.colorSpace.fullRange ? r.yuvY : r.yuvY.map((v) => ((v - 16) * 255) / 219);
    const d = diff(yAsFull, luma, -1);
    t.diagnostic(`Y vs ${matrix} luma of RGBA ${JSON.stringify(d)}`);
    assert.ok(d.mean < 0.6 && d.p99 <= 1.5, `Y vs ${matrix} luma of RGBA: ${JSON.stringify(d)}`);
    // Against the catalogue's (BT.601-weight) grayscale of the RGBA route: close on a photo.
    const d601 = diff(r.yuvRgba, r.rgba, 0);
    t.diagnostic(`gray via planes vs via RGBA ${JSON.stringify(d601)}`);
    assert.ok(d601.mean < 3 && d601.p99 <= 12, `gray via planes vs gray via RGBA: ${JSON.stringify(d601)}`);
    // Gray out: R = G = B when Chromium reads the I420 back.
    for (let i = 0; i < r.yuvRgba.length; i += 4 * 97)
      assert.ok(Math.abs(r.yuvRgba[i] - r.yuvRgba[i + 1]) <= 1 && Math.abs(r.yuvRgba[i + 1] - r.yuvRgba[i + 2]) <= 1);
  });

  test('luminance edges through the planes stay close to the RGBA route (BT.709 vs BT.601 luma weights)', async (t) => {
    const r = await bothRoutes(app.page, {
      name: 'pan',
      index: 20,
      steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }],
    });
    assert.equal(r.paths[2], 'yuv-gray');
    const d = diff(r.yuvRgba, r.rgba, 0);
    t.diagnostic(`edges via planes vs via RGBA ${JSON.stringify(d)}`);
    // Sobel amplifies the luma weights' difference on saturated edges (measured: mean 1.1, p99 9).
    assert.ok(d.mean < 1.5 && d.p99 <= 12, `edges via planes vs via RGBA: ${JSON.stringify(d)}`);
  });

  test('limited-range frames: Y 16–235 expanded to 0–255 for the recipe, and mapped back on the way out', async () => {
    const make = () => {
      const w = 64,
        h = 16,
        y = new Uint8Array(w * h * 1.5);
      for (let i = 0; i < w * h; i++) y[i] = (16 + ((i % w) * 219) / (w - 1)) | 0; // 16 … 235 across
      y.fill(128, w * h);
      return new VideoFrame(y, {
        format: 'I420',
        codedWidth: w,
        codedHeight: h,
        timestamp: 0,
        colorSpace: { matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: false },
      });
    };
    const inv = await bothRoutes(app.page, { make, steps: [{ op: 'grayscale' }, { op: 'invert' }], yuvOutput: 'rgba' });
    assert.equal(inv.paths[2], 'yuv-gray');
    /** @param {number} v */
    const expand = (v) => Math.max(0, Math.min(255, Math.round(((v - 16) * 255) / 219)));
    // RGBA out (no I420): the recipe saw full-range values.
    for (let x = 0; x < inv.w; x++) assert.equal(inv.yuvRgba[x * 4], 255 - expand(inv.srcY[x]), `x=${x}`);
    // Chromium's own expansion of the same frame agrees within 1.
    const d = diff(inv.yuvRgba, inv.rgba, 0);
    assert.ok(d.max <= 1, `limited-range gray vs Chromium's RGBA: ${JSON.stringify(d)}`);
    const i420 = await bothRoutes(app.page, { make, steps: [{ op: 'grayscale' }] });
    assert.ok(i420.yuvY);
    // Back in the stream's range: the identity recipe returns the Y plane (±1 for the two roundings).
    const back = diff(i420.yuvY, i420.srcY, -1);
    assert.ok(back.max <= 1, `limited range round trip: ${JSON.stringify(back)}`);
  });

  test('plane-wise colour recipes: R, G, B run apart give the same bytes as the interleaved run', async (t) => {
    const r = await bothRoutes(app.page, {
      name: 'pan',
      index: 5,
      steps: [{ op: 'gaussian-blur', params: { sigma: 2 } }, { op: 'sobel' }],
    });
    assert.deepEqual(r.paths.slice(0, 2), ['rgba-planes', 'rgba']);
    for (let c = 0; c < 3; c++) assert.equal(diff(r.rgba, r.interleaved, c).max, 0, `channel ${c}`);
    // The YUV route (forced by callers with pixels: 'yuv') converts in JavaScript: close to Chromium's.
    assert.equal(r.paths[2], 'yuv-planes');
    for (let c = 0; c < 3; c++) {
      const d = diff(r.yuvRgba, r.rgba, c);
      t.diagnostic(`channel ${c}: YUV route vs RGBA route ${JSON.stringify(d)}`);
      // Measured mean 0.4–1.2, p99 4–10 (Sobel amplifies conversion rounding on strong edges).
      assert.ok(d.mean < 2 && d.p99 <= 14, `channel ${c}: YUV route vs RGBA route ${JSON.stringify(d)}`);
    }
  });

  test('colour through the YUV route and back to I420 keeps the picture (identity recipe)', async (t) => {
    const r = await bothRoutes(app.page, { name: 'pan', index: 30, steps: [{ op: 'brightness', params: { factor: 1 } }] });
    assert.equal(r.paths[2], 'yuv-planes');
    for (let c = 0; c < 3; c++) {
      const d = diff(r.yuvRgba, r.source, c);
      t.diagnostic(`channel ${c}: I420 → RGB → I420 ${JSON.stringify(d)}`);
      assert.ok(d.mean < 1.5 && d.p99 <= 5, `channel ${c}: I420 → RGB → I420 ${JSON.stringify(d)}`);
    }
  });
});

/**
 * runVideo in the page; the output stays as window.__videos[out].
 * @param {Page} page
 * @param {{ name: string, out: string, steps: RecipeStep[], pixels?: 'auto' | 'rgba' | 'yuv', options?: Partial<import('../../src/core/video-options').VideoOptions> }} opts
 */
function transcode(page, { name, out, steps, pixels, options = {} }) {
  return page.evaluate(
    async ({ name, out, steps, pixels, options }) => {
      const t = window.tessera;
      const videos = (window.__videos ??= {});
      const pool = t.createEnginePool(2);
      const buffers = new t.BufferPool();
      try {
        const r = await t.runVideo({
          file: videos[name],
          name,
          steps: t.resolveSteps({ name: 't', steps }),
          options: t.validateVideoOptions(options),
          pool,
          buffers,
          pixels,
        });
        if (!r.bytes) throw new Error('no output file');
        // A muxer's buffer (mediabunny BufferTarget), never shared memory.
        videos[out] = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (r.bytes)]);
        const { bytes: _bytes, ...rest } = r;
        return { ...rest, outstanding: buffers.stats().outstanding };
      } finally {
        pool.dispose();
      }
    },
    { name, out, steps, pixels, options },
  );
}

/**
 * Per-frame mean |a − b| of the red channel (gray: all channels equal) of two decoded videos.
 * @param {Page} page @param {string} a @param {string} b names in window.__videos
 */
function compareVideos(page, a, b) {
  return page.evaluate(
    async ({ a, b }) => {
      const t = window.tessera;
      const videos = window.__videos ?? {};
      /** @param {Uint8Array} rgba */
      const keep = (rgba) => {
        const r = new Uint8Array(rgba.length / 4);
        for (let i = 0; i < r.length; i++) r[i] = rgba[i * 4];
        return r;
      };
      const A = await t.probeVideo(videos[a], keep),
        B = await t.probeVideo(videos[b], keep);
      return A.frames.map((f, i) => {
        let s = 0;
        const x = f.sample,
          y = B.frames[i].sample;
        for (let j = 0; j < x.length; j++) s += Math.abs(x[j] - y[j]);
        return s / x.length;
      });
    },
    { a, b },
  );
}

describe('video files through the plane routes', () => {
  test('luminance edges on a real-photo pan: I420 to the encoder, frames, timestamps and audio kept, pixels close to the RGBA route', async (t) => {
    const steps = [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }];
    const src = await probe(app.page, 'pan');
    const r = await transcode(app.page, { name: 'pan', out: 'pan-gray', steps });
    assert.equal(r.timings.path, 'yuv-gray');
    assert.equal(r.timings.decodedFormat, 'I420');
    assert.equal(r.timings.encodedFormat, 'I420');
    assert.equal(r.frames, 45);
    assert.deepEqual(r.videoFrames, { opened: 90, closed: 90, open: 0 });
    assert.equal(r.outstanding, 0);
    assert.equal(r.audio.status, 'copied');
    const out = await probe(app.page, 'pan-gray');
    assert.equal(out.frames.length, src.frames.length);
    out.frames.forEach((f, i) => {
      assert.ok(Math.abs(f.timestamp - src.frames[i].timestamp) < 1e-3, `frame ${i} timestamp`);
      assert.ok(Math.abs(f.duration - src.frames[i].duration) < 1e-3, `frame ${i} duration`);
    });
    assert.ok(out.audio && src.audio, 'both have an audio track');
    assert.equal(out.audio.codec, src.audio.codec);
    assert.equal(out.audio.packets, src.audio.packets);
    assert.deepEqual(
      out.audio.timestamps.map((x) => x.toFixed(4)),
      src.audio.timestamps.map((x) => x.toFixed(4)),
    );
    // The same recipe through RGBA (copyTo RGBA, BT.601 grayscale, RGBA to the encoder).
    const old = await transcode(app.page, { name: 'pan', out: 'pan-gray-rgba', steps, pixels: 'rgba' });
    assert.equal(old.timings.path, 'rgba');
    assert.equal(old.timings.encodedFormat, 'RGBA');
    const d = await compareVideos(app.page, 'pan-gray', 'pan-gray-rgba');
    assert.equal(d.length, 45);
    t.diagnostic(
      `decoded outputs, mean |Δ| per frame: max ${Math.max(...d).toFixed(2)}, mean ${(d.reduce((a, b) => a + b, 0) / d.length).toFixed(2)}`,
    );
    // Measured 2.4 on average (BT.709 vs BT.601 luma weights, then two separate encodes of an edge
    // map); a wrong range or matrix gives > 10.
    for (const [i, m] of d.entries()) assert.ok(m < 4, `frame ${i}: mean |Δ| ${m.toFixed(2)} between the two routes`);
  });

  test('frames stay in order through the gray and the plane-wise colour routes (bar-code fixture)', async () => {
    await makeVideo(app.page, {
      name: 'bars',
      container: 'mp4',
      codec: 'avc1.640028',
      width: 320,
      height: 240,
      frames: 40,
      fps: 30,
      audio: true,
    });
    /** @type {[RecipeStep[], string][]} recipe, and the route it must take */
    const routes = [
      [[{ op: 'grayscale' }, { op: 'gamma', params: { gamma: 1 } }], 'yuv-gray'],
      [[{ op: 'invert' }], 'rgba-planes'],
    ];
    for (const [steps, path] of routes) {
      const r = await transcode(app.page, { name: 'bars', out: 'bars-out', steps, options: { container: 'mp4', codec: 'h264' } });
      assert.equal(r.timings.path, path);
      assert.equal(r.audio.status, 'copied');
      const out = await probe(app.page, 'bars-out');
      assert.equal(out.frames.length, 40);
      out.frames.forEach((f, i) => assert.equal(f.sample.index, i, `${path}: frame ${i} read back as ${f.sample.index}`));
      if (path === 'rgba-planes') for (const f of out.frames) assert.ok(f.sample.inverted);
    }
  });

  test('no page errors', () => {
    assert.deepEqual(app.errors, []);
  });
});
