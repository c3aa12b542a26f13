// Video bench: generated H.264 clips at 720p, 1080p and 4K (made in the page with WebCodecs),
// then, for each, decode only (decode + copyTo RGBA, no workers), decode + recipe (the worker
// pool, no encoder) and the full transcode (H.264 out). Prints a table and returns JSON.
//
//   import { videoBench } from './video.mjs';  const json = await videoBench(page, { frames: 60 });
//
// Standalone: `node bench/video.mjs [frames]` (needs a built dist/) runs that synthetic bench;
// `node bench/video.mjs --pan [--only 1080p-luma,1080p-colour,4k-luma,1080p-noop,1080p-gray]
// [--frames N] [--batch]` runs the real-content bench (panBench below). TESSERA_DIST picks the build.
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadVideoFile, makePanVideo, makeVideo } from '../tests/browser/video-fixtures.mjs';
import { parseJson } from '../scripts/lib/json.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../src/core/recipe').Recipe} Recipe */
/** How decoded pixels reach the workers (runVideo's `pixels`). @typedef {NonNullable<import('../src/jobs/video').VideoJobOptions['pixels']>} Pixels */

// Edges are found on luminance (as the Edges preset does): gray first, then blur and Sobel. A
// colour variant (blur and Sobel on R, G and B) is three times the work: --video-colour.
/** @type {Recipe} */
export const BLUR_EDGES = {
  name: 'blur + edges',
  steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }],
};
/** @type {Recipe} */
export const BLUR_EDGES_COLOUR = {
  name: 'blur + edges (colour)',
  steps: [{ op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }],
};

const SIZES = [
  { label: '720p', width: 1280, height: 720, codec: 'avc1.640028' },
  { label: '1080p', width: 1920, height: 1080, codec: 'avc1.640028' },
  { label: '4K', width: 3840, height: 2160, codec: 'avc1.640033' },
];

/**
 * @param {Page} page the built app, open
 * @param {{ frames?: number, fps?: number, sizes?: typeof SIZES, workers?: number, recipe?: Recipe, log?: (s: string) => void }} [opts]
 */
export async function videoBench(page, { frames = 60, fps = 30, sizes = SIZES, workers, recipe = BLUR_EDGES, log = console.log } = {}) {
  const rows = [];
  for (const s of sizes) {
    const name = `bench-${s.label}`;
    const t0 = Date.now();
    await makeVideo(page, {
      name,
      container: 'mp4',
      codec: s.codec,
      width: s.width,
      height: s.height,
      frames,
      fps,
      bitrate: Math.round(s.width * s.height * fps * 0.1),
    });
    log(`generated ${s.label} (${frames} frames) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const mode of /** @type {const} */ (['decode', 'process', 'transcode'])) {
      const r = await page.evaluate(
        async ({ name, mode, recipe, workers }) => {
          const t = window.tessera;
          const video = window.__videos?.[name];
          if (!video) throw new Error(`no video ${name} in the page`);
          const pool = (window.__benchPool ??= t.createEnginePool(workers));
          const buffers = (window.__benchBuffers ??= new t.BufferPool());
          await pool.broadcast((api) => api.start());
          const r = await t.runVideo({
            file: video,
            name,
            steps: t.resolveSteps(recipe),
            mode,
            options: t.validateVideoOptions({ container: 'mp4', codec: 'h264' }),
            pool,
            buffers,
          });
          return {
            frames: r.frames,
            fps: r.timings.fps,
            seconds: r.timings.seconds,
            timings: r.timings,
            maxInFlight: r.maxInFlight,
            open: r.videoFrames.open,
            workers: pool.size,
            bytes: r.bytes?.length,
          };
        },
        { name, mode, recipe, workers },
      );
      /** @param {number} ms */
      const per = (ms) => ms / r.frames;
      const row = {
        size: s.label,
        mode,
        frames: r.frames,
        workers: r.workers,
        fps: r.fps,
        seconds: r.seconds,
        copyMsPerFrame: per(r.timings.copyMs),
        workerMsPerFrame: per(r.timings.workerMs),
        stepsMsPerFrame: Object.fromEntries(Object.entries(r.timings.stepsMs).map(([k, v]) => [k, per(v)])),
        frameMsPerFrame: per(r.timings.frameMs),
        encodeWaitMsPerFrame: per(r.timings.encodeWaitMs),
        feedWaitMsPerFrame: per(r.timings.feedWaitMs),
        finishMs: r.timings.finishMs,
        maxInFlight: r.maxInFlight,
        openFrames: r.open,
        bytes: r.bytes,
      };
      rows.push(row);
    }
    await page.evaluate((name) => delete window.__videos?.[name], name);
  }
  await page.evaluate(() => {
    window.__benchPool?.dispose();
    window.__benchPool = undefined;
    window.__benchBuffers = undefined;
  });
  /** @param {number | undefined} x */
  const f = (x, d = 1) => (x === undefined ? '' : x.toFixed(d));
  log(
    '\nvideo: ' +
      recipe.name +
      ` (${recipe.steps.map((s) => s.op).join(' → ')}), H.264 in/out, ms per frame (main thread: copyTo, frame build; worker call = queue + run + messaging)`,
  );
  log('| size | mode | frames | fps | copyTo | worker call | steps | new VideoFrame | wait encoder | wait downstream | finish ms |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const steps = Object.entries(r.stepsMsPerFrame)
      .map(([k, v]) => `${k} ${f(v)}`)
      .join(', ');
    log(
      `| ${r.size} | ${r.mode} | ${r.frames} | ${f(r.fps)} | ${f(r.copyMsPerFrame)} | ${f(r.workerMsPerFrame)} | ${steps} | ${f(r.frameMsPerFrame)} | ${f(r.encodeWaitMsPerFrame)} | ${f(r.feedWaitMsPerFrame)} | ${f(r.finishMs, 0)} |`,
    );
  }
  return { recipe, frames, rows };
}

// ---- the real-content bench: a pan over a photo, H.264 1080p30 / 4K30 with Opus audio --------

/** @type {Recipe} */
export const LUMA_EDGES = {
  name: 'luminance edges',
  steps: [{ op: 'grayscale' }, { op: 'gaussian-blur', params: { sigma: 1.5 } }, { op: 'sobel' }],
};
/** @type {Recipe} */
export const COLOUR_EDGES = { name: 'colour edges', steps: [{ op: 'gaussian-blur', params: { sigma: 2 } }, { op: 'sobel' }] };
/** @type {Recipe} */
export const NOOP_COLOUR = { name: 'no-op colour', steps: [{ op: 'brightness', params: { factor: 1 } }] };
/** @type {Recipe} */
export const GRAY_ONLY = { name: 'grayscale', steps: [{ op: 'grayscale' }] };

/** @type {Record<string, { size: keyof typeof PAN_SIZES, recipe: Recipe }>} */
export const PAN_CASES = {
  '1080p-luma': { size: '1080p', recipe: LUMA_EDGES },
  '1080p-colour': { size: '1080p', recipe: COLOUR_EDGES },
  '4k-luma': { size: '4K', recipe: LUMA_EDGES },
  '1080p-noop': { size: '1080p', recipe: NOOP_COLOUR },
  '1080p-gray': { size: '1080p', recipe: GRAY_ONLY },
};
/** @type {{ '1080p': { width: number, height: number }, '4K': { width: number, height: number } }} */
const PAN_SIZES = { '1080p': { width: 1920, height: 1080 }, '4K': { width: 3840, height: 2160 } };
export const PAN_IMAGE = '.tmp/face-samples/sample1.jpg';
export const PAN_DIR = '.tmp/video-bench';

/**
 * The pan clip for a size, made once and kept in .tmp/video-bench/ (the page PUTs it through the
 * harness's output receiver, so `app` must come from startApp({ outputDir: PAN_DIR })); later runs
 * read the file. Kept in the page as window.__videos[name].
 * @param {Page} page @param {keyof typeof PAN_SIZES} size @param {number} frames
 */
export async function panClip(page, size, frames, log = console.log) {
  const { width, height } = PAN_SIZES[size];
  const file = `pan-${height}p-${frames}.mp4`;
  const name = `pan-${size}`;
  const path = resolve(PAN_DIR, file);
  if (existsSync(path)) {
    await loadVideoFile(page, name, path);
  } else {
    if (!existsSync(PAN_IMAGE)) throw new Error(`${PAN_IMAGE} is missing: npm install provisions the sample photos`);
    const t0 = Date.now();
    const r = await makePanVideo(page, { name, image: PAN_IMAGE, width, height, frames });
    log(
      `made ${file}: ${r.frames} frames, ${r.audioPackets} ${r.audioCodec} packets, ${(r.size / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    await page.evaluate(
      async ({ name, file }) => {
        const res = await fetch(`/__out/${file}`, { method: 'PUT', body: window.__videos?.[name] });
        if (!res.ok) throw new Error(`saving ${file}: HTTP ${res.status}`);
      },
      { name, file },
    );
  }
  return { name, path, file };
}

/**
 * In the page: demux + decode only (frames closed at once), and decode → encode with no processing.
 * @param {Page} page @param {string} name in window.__videos
 */
function codecCeilings(page, name) {
  return page.evaluate(async (name) => {
    const t = window.tessera;
    const video = window.__videos?.[name];
    if (!video) throw new Error(`no video ${name} in the page`);
    const mb = await t.loadMediabunny();
    const input = new mb.Input({ source: new mb.BlobSource(video), formats: mb.ALL_FORMATS });
    try {
      const track = await input.getPrimaryVideoTrack();
      const cfg = await track?.getDecoderConfig();
      if (!track || !cfg) throw new Error(`${name}: no video track this browser decodes`);
      // Y-plane PSNR of every 10th frame of the re-encoded clip against the decoded source.
      const SAMPLE = 10;
      /** The Y plane, tightly packed. @param {VideoFrame} f */
      const yOf = async (f) => {
        const buf = new Uint8Array(f.allocationSize());
        const layout = await f.copyTo(buf);
        const w = f.visibleRect?.width ?? f.codedWidth,
          h = f.visibleRect?.height ?? f.codedHeight,
          y = new Uint8Array(w * h);
        for (let r = 0; r < h; r++)
          y.set(buf.subarray(layout[0].offset + r * layout[0].stride, layout[0].offset + r * layout[0].stride + w), r * w);
        return y;
      };
      /** @param {boolean} encode @param {LatencyMode} latencyMode */
      const run = async (encode, latencyMode = 'quality') => {
        let frames = 0,
          demuxMs = 0;
        /** @type {Error | undefined} the codecs' first error (a DOMException), or what encode() threw */
        let err;
        /** @type {VideoEncoder | undefined} */
        let enc;
        /** @type {EncodedVideoChunk[]} */
        const chunks = [];
        /** @type {Map<number, Uint8Array>} frame index → its Y plane */
        const source = new Map();
        /** @type {Promise<unknown>[]} */
        const pending = [];
        /** @type {VideoDecoderConfig | undefined} */
        let outCfg;
        if (encode) {
          const w = await track.getDisplayWidth(),
            h = await track.getDisplayHeight();
          const mbs = Math.ceil(w / 16) * Math.ceil(h / 16);
          enc = new VideoEncoder({
            output: (c, m) => {
              chunks.push(c);
              if (m?.decoderConfig) outCfg ??= m.decoderConfig;
            },
            error: (e) => (err = e),
          });
          enc.configure({
            codec: mbs <= 8192 ? 'avc1.640028' : 'avc1.640033',
            width: w,
            height: h,
            bitrate: Math.round(w * h * 30 * 0.156),
            framerate: 30,
            latencyMode,
            bitrateMode: 'variable',
            avc: { format: 'avc' },
          });
        }
        const dec = new VideoDecoder({
          output: (f) => {
            const i = frames++;
            try {
              if (enc) enc.encode(f, { keyFrame: i % 60 === 0 });
            } catch (e) {
              err = e instanceof Error ? e : new Error(String(e));
            }
            if (enc && i % SAMPLE === 0)
              pending.push(
                yOf(f)
                  .then((y) => source.set(i, y))
                  .finally(() => f.close()),
              );
            else f.close();
          },
          error: (e) => (err = e),
        });
        dec.configure(cfg);
        const t0 = performance.now();
        const it = new mb.EncodedPacketSink(track).packets()[Symbol.asyncIterator]();
        for (;;) {
          const d0 = performance.now();
          const r = await it.next();
          demuxMs += performance.now() - d0;
          if (r.done) break;
          dec.decode(r.value.toEncodedVideoChunk());
          while (dec.decodeQueueSize > 3 || (enc && enc.encodeQueueSize > 3)) await new Promise((r) => setTimeout(r, 1));
        }
        await dec.flush();
        if (enc) await enc.flush();
        const ms = performance.now() - t0;
        dec.close();
        enc?.close();
        await Promise.all(pending);
        if (err) throw err;
        if (!enc) return { frames, ms, demuxMs };
        // Quality: decode what was encoded, compare luma.
        let n = 0,
          psnr = 0,
          k = 0;
        /** @type {Promise<unknown>[]} */
        const checks = [];
        if (!outCfg) throw new Error('the encoder gave no decoder configuration');
        const d2 = new VideoDecoder({
          output: (f) => {
            const i = k++;
            const a = source.get(i);
            if (!a) return f.close();
            checks.push(
              yOf(f)
                .then((y) => {
                  let se = 0;
                  for (let j = 0; j < a.length; j++) {
                    const d = a[j] - y[j];
                    se += d * d;
                  }
                  psnr += 10 * Math.log10((255 * 255) / Math.max(1e-9, se / a.length));
                  n++;
                })
                .finally(() => f.close()),
            );
          },
          error: (e) => (err = e),
        });
        d2.configure(outCfg);
        for (const c of chunks) d2.decode(c);
        await d2.flush();
        d2.close();
        await Promise.all(checks);
        // A PSNR over fewer frames than were encoded would read as a quality figure it is not.
        // (err is set by the decoder's callback; TypeScript narrowed it at the check above.)
        const checkErr = /** @type {Error | undefined} */ (err);
        if (checkErr) throw checkErr;
        if (n !== source.size) throw new Error(`the quality check decoded ${n} of ${source.size} frames`);
        const bytes = chunks.reduce((a, c) => a + c.byteLength, 0);
        return {
          frames,
          chunks: chunks.length,
          keyChunks: chunks.filter((c) => c.type === 'key').length,
          ms,
          demuxMs,
          psnrY: n ? psnr / n : undefined,
          mbits: (bytes * 8) / (frames / 30) / 1e6,
        };
      };
      const decode = await run(false);
      const passthrough = await run(true);
      const realtime = await run(true, 'realtime');
      return { decode, passthrough, realtime };
    } finally {
      input.dispose();
    }
  }, name);
}

/**
 * @param {Page} page
 * @param {{ name: string, recipe: Recipe, workers: number, mode?: import('../src/jobs/video').VideoMode, pixels?: Pixels }} opts
 */
function runInApp(page, { name, recipe, workers, mode = 'transcode', pixels }) {
  return page.evaluate(
    async ({ name, recipe, workers, mode, pixels }) => {
      const t = window.tessera;
      const videos = (window.__videos ??= {});
      const pool = (window.__panPool ??= t.createEnginePool(workers));
      const buffers = (window.__panBuffers ??= new t.BufferPool());
      await pool.broadcast((api) => api.start());
      const r = await t.runVideo({
        file: videos[name],
        name,
        steps: t.resolveSteps(recipe),
        mode,
        options: t.validateVideoOptions({ container: 'mp4', codec: 'h264' }),
        pool,
        buffers,
        pixels,
      });
      // A muxer's buffer (mediabunny BufferTarget), never shared memory.
      if (r.bytes) videos[`${name}-out`] = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (r.bytes)], { type: 'video/mp4' });
      return {
        frames: r.frames,
        timings: r.timings,
        maxInFlight: r.maxInFlight,
        open: r.videoFrames.open,
        workers: pool.size,
        bytes: r.bytes?.length,
        audio: r.audio,
        width: r.width,
        height: r.height,
      };
    },
    { name, recipe, workers, mode, pixels },
  );
}

/**
 * The command path: `node scripts/batch.mjs <dir with the clip> <out> --workers N --no-build --recipe <file>`.
 * @param {string} clipPath @param {Recipe} recipe @param {number} workers @param {number} frames the clip's
 */
function runBatchCommand(clipPath, recipe, workers, frames) {
  // Beside the clip, so a hard link works (the batch's folder walk does not follow symlinks).
  const tmp = mkdtempSync(join(resolve(PAN_DIR), 'batch-'));
  try {
    const inDir = join(tmp, 'in');
    mkdirSync(inDir);
    try {
      linkSync(clipPath, join(inDir, 'clip.mp4'));
    } catch {
      copyFileSync(clipPath, join(inDir, 'clip.mp4'));
    }
    const recipeFile = join(tmp, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      ['scripts/batch.mjs', inDir, join(tmp, 'out'), '--workers', String(workers), '--no-build', '--recipe', recipeFile],
      { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 },
    );
    const wall = (Date.now() - t0) / 1000;
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    /** @type {import('../scripts/batch.mjs').Summary} */
    let summary;
    try {
      summary = /** @type {import('../scripts/batch.mjs').Summary} */ (parseJson(last));
    } catch {
      return { error: `exit ${r.status}: ${r.stderr.slice(-400)}`, wall };
    }
    // The summary's seconds run from the batch's start (workers starting included) to its end.
    return {
      wall,
      seconds: summary.seconds,
      fps: summary.ok === 1 ? frames / summary.seconds : undefined,
      ok: summary.ok,
      failed: summary.failed,
      errors: summary.errors?.length ? summary.errors : undefined,
      breakdown: summary.breakdown,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Real-content video bench: for each case, the codec ceilings of its clip (demux + decode alone,
 * decode → encode with no processing) and runVideo in the app (2 workers by default) with the
 * per-frame breakdown; optionally the same through the batch command.
 * @param {Page} page the built app, from startApp({ outputDir: PAN_DIR }) (see panClip)
 * @param {{ cases?: string[], frames?: number, frames4k?: number, workers?: number, batch?: boolean, pixels?: Pixels, ceilings?: boolean, log?: (s: string) => void }} [opts]
 */
export async function panBench(
  page,
  {
    cases = ['1080p-luma', '1080p-colour', '4k-luma'],
    frames = 300,
    frames4k = 90,
    workers = 2,
    batch = false,
    pixels,
    ceilings: withCeilings = true,
    log = console.log,
  } = {},
) {
  const rows = [];
  /** @type {Record<string, Awaited<ReturnType<typeof codecCeilings>>>} clip file → its ceilings */
  const ceilings = {};
  for (const id of cases) {
    const c = PAN_CASES[id];
    if (!c) throw new Error(`unknown case ${id} (${Object.keys(PAN_CASES).join(', ')})`);
    const n = c.size === '4K' ? frames4k : frames;
    const clip = await panClip(page, c.size, n, log);
    if (withCeilings) ceilings[clip.file] ??= await codecCeilings(page, clip.name);
    const r = await runInApp(page, { name: clip.name, recipe: c.recipe, workers, pixels });
    const tm = r.timings;
    /** @param {number | undefined} ms */
    const per = (ms) => (ms === undefined ? undefined : ms / r.frames);
    const row = {
      case: id,
      size: c.size,
      recipe: c.recipe.name,
      frames: r.frames,
      workers: r.workers,
      fps: tm.fps,
      seconds: tm.seconds,
      path: tm.path,
      perFrame: {
        demux: per(tm.demuxMs),
        copy: per(tm.copyMs),
        convertIn: per(tm.convertInMs),
        steps: Object.fromEntries(Object.entries(tm.stepsMs).map(([k, v]) => [k, per(v)])),
        convertOut: per(tm.convertOutMs),
        workerCall: per(tm.workerMs),
        frameBuild: per(tm.frameMs),
        encodeWait: per(tm.encodeWaitMs),
        mux: per(tm.muxMs),
        feedWait: per(tm.feedWaitMs),
        workerIdle: per(tm.workerIdleMs),
      },
      finishMs: tm.finishMs,
      maxInFlight: r.maxInFlight,
      openFrames: r.open,
      bytes: r.bytes,
      audio: r.audio?.status,
      ceilings: ceilings[clip.file],
      // The encoder's own speed on what the recipe made (edge maps cost it more than photos).
      outputCeilings: withCeilings ? await codecCeilings(page, `${clip.name}-out`) : undefined,
      batch: batch ? runBatchCommand(clip.path, { name: c.recipe.name, steps: c.recipe.steps }, workers, r.frames) : undefined,
    };
    rows.push(row);
    log(
      `${id}: ${tm.fps.toFixed(1)} fps (${r.frames} frames, ${tm.path ?? 'rgba'} path)${row.batch ? `; batch command ${row.batch.fps?.toFixed?.(1) ?? row.batch.error} fps` : ''}`,
    );
  }
  await page.evaluate(() => {
    window.__panPool?.dispose();
    window.__panPool = undefined;
    window.__panBuffers = undefined;
  });
  /** @param {number | null | undefined} x */
  const f = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d));
  log(
    `\nvideo (pan over ${PAN_IMAGE}, H.264 High in/out + Opus copied, ${workers} workers${pixels ? `, pixels: ${pixels}` : ''}): ms per frame; main thread: demux, copyTo, frame build, mux, waits; workers (summed over both): convert in, steps, convert out, idle; worker call = wall time of one frame's call (queue + run + messaging)`,
  );
  log(
    '| case | path | frames | fps | demux | copyTo | convert in | steps | convert out | worker call | workers idle | frame build | wait encoder | mux | wait downstream | batch cmd fps |',
  );
  log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const p = r.perFrame;
    const steps = Object.entries(p.steps)
      .map(([k, v]) => `${k} ${f(v)}`)
      .join(', ');
    log(
      `| ${r.case} | ${r.path ?? 'rgba'} | ${r.frames} | **${f(r.fps)}** | ${f(p.demux, 2)} | ${f(p.copy)} | ${f(p.convertIn)} | ${steps} | ${f(p.convertOut)} | ${f(p.workerCall)} | ${f(p.workerIdle)} | ${f(p.frameBuild)} | ${f(p.encodeWait)} | ${f(p.mux, 2)} | ${f(p.feedWait)} | ${r.batch ? f(r.batch.fps) : ''} |`,
    );
  }
  log('\ncodec ceilings (no Tessera code): ms per frame (fps)');
  for (const [file, c] of Object.entries(ceilings)) {
    if (!c) continue;
    log(
      `- ${file}: demux + decode ${f(c.decode.ms / c.decode.frames, 2)} ms (${f((1000 * c.decode.frames) / c.decode.ms)} fps; demux ${f(c.decode.demuxMs / c.decode.frames, 2)} ms); decode → encode ${f(c.passthrough.ms / c.passthrough.frames, 2)} ms (${f((1000 * c.passthrough.frames) / c.passthrough.ms)} fps; Y PSNR ${f(c.passthrough.psnrY, 2)} dB at ${f(c.passthrough.mbits, 1)} Mbit/s; latencyMode realtime ${f(c.realtime.ms / c.realtime.frames, 2)} ms, ${f((1000 * c.realtime.frames) / c.realtime.ms)} fps, ${f(c.realtime.psnrY, 2)} dB at ${f(c.realtime.mbits, 1)} Mbit/s; encoded ${c.passthrough.chunks} / ${c.realtime.chunks} of ${c.passthrough.frames} frames)`,
    );
  }
  for (const r of rows) {
    const c = r.outputCeilings;
    if (c)
      log(
        `- ${r.case} output (the recipe's frames): decode → encode ${f(c.passthrough.ms / c.passthrough.frames, 2)} ms (${f((1000 * c.passthrough.frames) / c.passthrough.ms)} fps; realtime ${f((1000 * c.realtime.frames) / c.realtime.ms)} fps)`,
      );
  }
  return { rows, ceilings };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startApp } = await import('../tests/browser/harness.mjs');
  const args = process.argv.slice(2);
  if (args.includes('--pan')) {
    const { parseArgs } = await import('node:util');
    const { values } = parseArgs({
      args,
      options: {
        pan: { type: 'boolean' },
        only: { type: 'string' },
        frames: { type: 'string' },
        'frames-4k': { type: 'string' },
        workers: { type: 'string' },
        batch: { type: 'boolean' },
        json: { type: 'string' },
        pixels: { type: 'string' },
        'no-ceilings': { type: 'boolean' },
      },
    });
    const pixels = values.pixels;
    if (pixels !== undefined && pixels !== 'auto' && pixels !== 'rgba' && pixels !== 'yuv')
      throw new Error(`--pixels must be auto, rgba or yuv, got "${pixels}"`);
    mkdirSync(PAN_DIR, { recursive: true });
    // TESSERA_DIST may name an older build on purpose (a before/after comparison): only warn.
    const app = await startApp({ outputDir: resolve(PAN_DIR), allowStale: true });
    try {
      const json = await panBench(app.page, {
        cases: values.only ? values.only.split(',') : undefined,
        frames: Number(values.frames ?? 300),
        frames4k: Number(values['frames-4k'] ?? 90),
        workers: Number(values.workers ?? 2),
        batch: !!values.batch,
        pixels,
        ceilings: !values['no-ceilings'],
      });
      if (values.json) writeFileSync(values.json, JSON.stringify(json, null, 1));
    } finally {
      await app.close();
    }
  } else {
    const app = await startApp({ allowStale: true });
    try {
      const json = await videoBench(app.page, { frames: Number(args[0] ?? 60) });
      console.log(JSON.stringify(json));
    } finally {
      await app.close();
    }
  }
}
