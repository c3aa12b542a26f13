// Video files end to end in the built app: fixtures generated in the page (WebCodecs + mediabunny),
// transcoded through a recipe by the real worker pool, decoded again and read back frame by frame.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { startApp, listOpfs } from './harness.mjs';
import { makeVideo, probe, videoToOpfs } from './video-fixtures.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../../src/core/recipe').RecipeStep} RecipeStep */
/** @typedef {import('../../src/io/media').ProbeResult<import('./video-fixtures.mjs').Sample>} Probed */

/** @type {import('./harness.mjs').App} */
let app;
/** @type {string} */
let outDir;
before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tessera-video-out-'));
  app = await startApp({ outputDir: outDir });
});
after(async () => app?.close());

/**
 * Runs runVideo in the page on window.__videos[name]; keeps the output as window.__videos[out].
 * @param {Page} page
 * @param {{
 *   name: string, out: string, steps: RecipeStep[], options?: Partial<import('../../src/core/video-options').VideoOptions>, workers?: number,
 *   abortAfterFrames?: number, delayMs?: number, maxInFlight?: number, reuse?: boolean,
 * }} opts  reuse: one pool and buffer pool (window.__pool, window.__buffers) across calls
 */
function transcode(page, { name, out, steps, options = {}, workers = 2, abortAfterFrames, delayMs, maxInFlight, reuse }) {
  return page.evaluate(
    async ({ name, out, steps, options, workers, abortAfterFrames, delayMs, maxInFlight, reuse }) => {
      const t = window.tessera;
      const videos = (window.__videos ??= {});
      const pool = reuse ? (window.__pool ??= t.createEnginePool(workers)) : t.createEnginePool(workers);
      if (delayMs) await pool.bench().broadcast((b) => b.setFrameDelay(delayMs));
      const buffers = reuse ? (window.__buffers ??= new t.BufferPool()) : new t.BufferPool();
      const controller = new AbortController();
      const t0 = performance.now();
      try {
        const r = await t.runVideo({
          file: videos[name],
          name: `${name}.in`,
          steps: t.resolveSteps({ name: 'test', steps }),
          options: t.validateVideoOptions(options),
          pool,
          buffers,
          signal: controller.signal,
          maxInFlight,
          onProgress: (p) => {
            if (abortAfterFrames !== undefined && p.frames >= abortAfterFrames) controller.abort();
          },
        });
        // A muxer's buffer (mediabunny BufferTarget), never shared memory.
        if (r.bytes) videos[out] = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (r.bytes)]);
        const { bytes, ...rest } = r;
        return { ok: /** @type {const} */ (true), ...rest, size: bytes?.length, buffersAfter: buffers.stats() };
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        return {
          ok: /** @type {const} */ (false),
          message: err.message,
          code: 'code' in err ? err.code : undefined,
          ms: performance.now() - t0,
          buffersAfter: buffers.stats(),
        };
      } finally {
        if (!reuse) pool.dispose();
      }
    },
    { name, out, steps, options, workers, abortAfterFrames, delayMs, maxInFlight, reuse },
  );
}

/** @param {Probed} src @param {Probed} out */
function assertSameTiming(src, out) {
  assert.equal(out.frames.length, src.frames.length, 'frame count');
  for (let i = 0; i < src.frames.length; i++) {
    assert.equal(out.frames[i].sample.index, i, `frame ${i}: index read back from the pixels`);
    assert.ok(
      Math.abs(out.frames[i].timestamp - src.frames[i].timestamp) < 1e-3,
      `frame ${i}: timestamp ${out.frames[i].timestamp} vs ${src.frames[i].timestamp}`,
    );
    assert.ok(Math.abs(out.frames[i].duration - src.frames[i].duration) < 1e-3, `frame ${i}: duration`);
  }
  assert.ok(Math.abs(out.duration - src.duration) < 0.01, `duration ${out.duration} vs ${src.duration}`);
  assert.ok(Math.abs(out.frameRate - src.frameRate) < 0.1, `frame rate ${out.frameRate} vs ${src.frameRate}`);
}

describe('video files', () => {
  test('H.264 MP4 → invert → H.264 MP4: frames, order, timestamps, colours, audio copied', async () => {
    const made = await makeVideo(app.page, {
      name: 'h264',
      container: 'mp4',
      codec: 'avc1.640028',
      width: 320,
      height: 240,
      frames: 48,
      fps: 24,
      audio: true,
    });
    assert.ok(made.audioPackets > 0);
    const src = await probe(app.page, 'h264');
    const r = await transcode(app.page, {
      name: 'h264',
      out: 'h264-out',
      steps: [{ op: 'invert' }],
      options: { container: 'mp4', codec: 'h264' },
    });
    assert.ok(r.ok, r.message);
    assert.equal(r.frames, 48);
    assert.deepEqual(r.videoFrames, { opened: 96, closed: 96, open: 0 });
    assert.equal(r.buffersAfter.outstanding, 0);
    const out = await probe(app.page, 'h264-out');
    assert.equal(out.videoCodec, 'avc');
    assertSameTiming(src, out);
    for (const f of out.frames) {
      assert.ok(f.sample.inverted, 'bar code inverted');
      const [R, G, B] = f.sample.red;
      assert.ok(R < 50 && G > 200 && B > 200, `red square became cyan, got ${f.sample.red.join(',')}`);
    }
    assert.equal(r.audio?.status, 'copied');
    assert.ok(out.audio && src.audio, 'both have an audio track');
    assert.equal(out.audio.codec, src.audio.codec);
    assert.equal(out.audio.packets, src.audio.packets);
    assert.deepEqual(
      out.audio.timestamps.map((x) => x.toFixed(4)),
      src.audio.timestamps.map((x) => x.toFixed(4)),
    );
  });

  test('VP9 WebM → grayscale → VP9 WebM, and a WebM → AV1 MP4 with audio copied', async () => {
    await makeVideo(app.page, {
      name: 'vp9',
      container: 'webm',
      codec: 'vp09.00.10.08',
      width: 256,
      height: 144,
      frames: 40,
      fps: 25,
      audio: true,
    });
    const src = await probe(app.page, 'vp9');
    assert.equal(src.videoCodec, 'vp9');
    const r = await transcode(app.page, {
      name: 'vp9',
      out: 'vp9-out',
      steps: [{ op: 'grayscale' }],
      options: { container: 'webm', codec: 'vp9' },
    });
    assert.ok(r.ok, r.message);
    const out = await probe(app.page, 'vp9-out');
    assert.equal(out.container, 'WebM');
    assert.equal(out.videoCodec, 'vp9');
    assertSameTiming(src, out);
    for (const f of out.frames) {
      const [R, G, B] = f.sample.red;
      assert.ok(
        Math.abs(R - G) < 20 && Math.abs(G - B) < 20 && R > 50 && R < 110,
        `red square became gray (~76), got ${f.sample.red.join(',')}`,
      );
    }
    assert.equal(out.audio?.codec, 'opus');
    assert.equal(out.audio.packets, src.audio?.packets);

    const av1 = await transcode(app.page, {
      name: 'vp9',
      out: 'av1-out',
      steps: [{ op: 'invert' }],
      options: { container: 'mp4', codec: 'av1' },
    });
    assert.ok(av1.ok, av1.message);
    const a = await probe(app.page, 'av1-out');
    assert.equal(a.videoCodec, 'av1');
    assertSameTiming(src, a);
    assert.equal(a.audio?.packets, src.audio?.packets);
  });

  test('frame range, odd sizes from a resize step, and the analysis export', async () => {
    await makeVideo(app.page, {
      name: 'range',
      container: 'mp4',
      codec: 'avc1.640028',
      width: 320,
      height: 240,
      frames: 60,
      fps: 30,
      audio: true,
    });
    const r = await transcode(app.page, {
      name: 'range',
      out: 'range-out',
      steps: [{ op: 'resize', params: { mode: 'width', width: 251 } }],
      options: { start: 0.5, end: 1.5, analysis: true },
    });
    assert.ok(r.ok, r.message);
    assert.equal(r.frames, 30);
    assert.equal(r.width, 250); // 251 × 188.25 → 251×188 → 250×188 (even for 4:2:0)
    assert.equal(r.height, 188);
    assert.ok(r.cropped && r.warnings.some((w) => /even/.test(w)), r.warnings.join('; '));
    const out = await probe(app.page, 'range-out');
    assert.equal(out.frames.length, 30);
    out.frames.forEach((f, i) => assert.equal(f.sample.index, 15 + i));
    assert.ok(Math.abs(out.frames[0].timestamp) < 1e-3, `range starts at 0, got ${out.frames[0].timestamp}`);
    assert.ok(r.analysis);
    assert.equal(r.analysis.source, 'range.in');
    assert.equal(r.analysis.frames.length, 30);
    const f0 = r.analysis.frames[0];
    assert.deepEqual(Object.keys(f0).sort(), ['detections', 'duration', 'frameIndex', 'height', 'means', 'steps', 'timestamp', 'width']);
    assert.equal(f0.width, 251);
    assert.deepEqual(f0.detections, []);
    assert.equal(f0.means.length, 3);
    assert.ok(f0.steps.resize >= 0);
    // Audio packets only from the range, shifted like the video.
    assert.ok(out.audio);
    assert.ok(out.audio.packets >= 48 && out.audio.packets <= 52, `audio packets in 1 s: ${out.audio.packets}`);
    assert.ok(out.audio.timestamps[0] >= -0.001 && out.audio.timestamps[0] < 0.03);
  });

  test('clear errors: corrupt file, truncated file, unsupported codec, no video track, codec the container refuses', async () => {
    await makeVideo(app.page, {
      name: 'hevc',
      container: 'mp4',
      codec: 'avc1.640028',
      width: 160,
      height: 96,
      frames: 5,
      claimCodec: 'hevc',
    });
    await makeVideo(app.page, {
      name: 'audio-only',
      container: 'webm',
      codec: 'vp8',
      width: 160,
      height: 96,
      frames: 10,
      audio: true,
      noVideo: true,
    });
    await makeVideo(app.page, { name: 'good', container: 'webm', codec: 'vp8', width: 160, height: 96, frames: 30 });
    const r = await app.page.evaluate(async () => {
      const t = window.tessera;
      const videos = window.__videos ?? {};
      const good = new Uint8Array(await videos.good.arrayBuffer());
      const files = {
        'garbage.mp4': new Blob([new TextEncoder().encode('<html>not a video</html>')]),
        'empty.webm': new Blob([]),
        'truncated.webm': new Blob([good.slice(0, Math.floor(good.length * 0.4))]),
        'hevc.mp4': videos.hevc,
        'audio-only.webm': videos['audio-only'],
      };
      const sink = new t.MemorySink();
      const s = await t.runBatch({
        input: Object.entries(files).map(([path, b]) => ({ path, file: () => Promise.resolve(b) })),
        output: sink,
        recipe: { name: 'x', steps: [{ op: 'invert' }] },
        workers: 1,
      });
      let bad = '';
      try {
        t.validateVideoOptions({ container: 'mp4', codec: 'vp8' });
      } catch (e) {
        bad = e instanceof Error ? e.message : String(e);
      }
      return {
        errors: Object.fromEntries(s.errors.map((e) => [e.file, e.message])),
        results: s.results.map((x) => [x.path, x.error]),
        written: [...sink.files.keys()],
        bad,
      };
    });
    const e = r.errors;
    assert.match(e['garbage.mp4'], /^not an MP4 video: it is an HTML page/);
    assert.equal(e['empty.webm'], 'empty file (0 bytes)');
    assert.match(e['truncated.webm'], /corrupt|truncated|cannot read/i);
    assert.match(e['hevc.mp4'], /^unsupported video codec: HEVC \(H\.265\).*; this browser decodes H\.264, VP8, VP9, AV1$/);
    assert.match(e['audio-only.webm'], /^the file has no video track \(only Opus audio\)$/);
    for (const [path, error] of r.results) assert.ok(error?.startsWith(`${path}: `), `error names the file: ${error}`);
    assert.deepEqual(r.written, []);
    assert.match(r.bad, /VP8 cannot go in MP4 here/);
  });

  test('Cancel stops within a moment and writes nothing', async () => {
    await makeVideo(app.page, {
      name: 'long',
      container: 'mp4',
      codec: 'avc1.640028',
      width: 320,
      height: 240,
      frames: 240,
      fps: 30,
      audio: true,
    });
    await videoToOpfs(app.page, 'long', 'vin', 'clips/long.mp4');
    const r = await app.page.evaluate(async () => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('vout', { recursive: true }).catch(() => {});
      const out = await root.getDirectoryHandle('vout', { create: true });
      const controller = new AbortController();
      let abortedAt = 0;
      const s = await t.runBatch({
        input: t.walkDirectory(await root.getDirectoryHandle('vin')),
        output: new t.FolderSink(out),
        recipe: { name: 'x', steps: [{ op: 'gaussian-blur', params: { sigma: 3 } }] },
        workers: 2,
        signal: controller.signal,
        onVideoProgress: (p) => {
          if (p.frames >= 20 && !abortedAt) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
      return { cancelled: s.cancelled, status: s.results.map((x) => x.status), ms: performance.now() - abortedAt };
    });
    assert.equal(r.cancelled, true);
    assert.deepEqual(r.status, ['cancelled']);
    assert.ok(r.ms < 2000, `returned ${r.ms} ms after Cancel`);
    assert.deepEqual(await listOpfs(app.page, 'vout'), []);
    // Directly: the job rejects with "cancelled" and leaves nothing open.
    const d = await transcode(app.page, { name: 'long', out: 'x', steps: [{ op: 'invert' }], abortAfterFrames: 30, delayMs: 5 });
    assert.equal(d.ok, false);
    assert.equal(d.code, 'cancelled');
    assert.equal(d.buffersAfter.outstanding, 0);
  });

  test('memory: no VideoFrame left open, no buffer outstanding, pooled buffers do not grow with length', async () => {
    await makeVideo(app.page, { name: 'm60', container: 'webm', codec: 'vp8', width: 320, height: 240, frames: 60, fps: 30 });
    await makeVideo(app.page, { name: 'm300', container: 'webm', codec: 'vp8', width: 320, height: 240, frames: 300, fps: 30 });
    const steps = [{ op: 'gaussian-blur', params: { sigma: 1.5 } }];
    const short = await transcode(app.page, {
      name: 'm60',
      out: 'm60-out',
      steps,
      options: { container: 'webm', codec: 'vp8' },
      reuse: true,
    });
    assert.ok(short.ok, short.message);
    const pooledShort = short.buffersAfter.pooledBuffers;
    const long = await transcode(app.page, {
      name: 'm300',
      out: 'm300-out',
      steps,
      options: { container: 'webm', codec: 'vp8' },
      reuse: true,
      maxInFlight: 6,
    });
    assert.ok(long.ok, long.message);
    assert.equal(long.frames, 300);
    assert.equal(long.videoFrames.open, 0);
    assert.equal(long.videoFrames.opened, 600);
    assert.equal(long.buffersAfter.outstanding, 0);
    assert.ok(long.maxInFlight <= 6 + 6, `frames in flight ${long.maxInFlight}`);
    assert.ok(
      long.buffersAfter.pooledBuffers <= Math.max(pooledShort, 12),
      `pooled ${long.buffersAfter.pooledBuffers} after 300 frames vs ${pooledShort} after 60`,
    );
    assert.ok(long.buffersAfter.hitRate > 0.9, `buffer reuse ${long.buffersAfter.hitRate}`);
    const out = await probe(app.page, 'm300-out');
    out.frames.forEach((f, i) => assert.equal(f.sample.index, i));
    await app.page.evaluate(() => window.__pool?.dispose());
  });

  test('a batch folder with a video and images writes both (same relative paths), with the analysis JSON', async () => {
    await makeVideo(app.page, {
      name: 'b',
      container: 'webm',
      codec: 'vp09.00.10.08',
      width: 192,
      height: 108,
      frames: 20,
      fps: 20,
      audio: true,
    });
    await videoToOpfs(app.page, 'b', 'bin', 'trip/day1/clip.webm');
    const r = await app.page.evaluate(async () => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('bin');
      const day = await (await dir.getDirectoryHandle('trip')).getDirectoryHandle('day1');
      for (const [name, color] of [
        ['a.png', '#c03'],
        ['b.png', '#0a6'],
      ]) {
        const c = new OffscreenCanvas(64, 48);
        const g = c.getContext('2d');
        if (!g) throw new Error('no 2D context');
        g.fillStyle = color;
        g.fillRect(0, 0, 64, 48);
        const w = await (await day.getFileHandle(name, { create: true })).createWritable();
        await w.write(await c.convertToBlob({ type: 'image/png' }));
        await w.close();
      }
      await root.removeEntry('bout', { recursive: true }).catch(() => {});
      /** @type {import('../../src/api').VideoProgress[]} */
      const progress = [];
      const s = await t.runBatch({
        input: t.walkDirectory(dir),
        output: new t.FolderSink(await root.getDirectoryHandle('bout', { create: true })),
        recipe: { name: 'x', steps: [{ op: 'invert' }] },
        workers: 2,
        video: { container: 'mp4', codec: 'h264', analysis: true },
        onVideoProgress: (p) => progress.push(p),
      });
      const clip = s.results.find((x) => x.path.endsWith('.webm'));
      const out = await root.getDirectoryHandle('bout');
      const d1 = await (await out.getDirectoryHandle('trip')).getDirectoryHandle('day1');
      (window.__videos ??= {}).bout = await (await d1.getFileHandle('clip.mp4')).getFile();
      /** @type {unknown} */
      const parsed = JSON.parse(await (await (await d1.getFileHandle('clip.analysis.json')).getFile()).text());
      const json = /** @type {import('../../src/api').VideoAnalysis} */ (parsed);
      return {
        ok: s.ok,
        failed: s.failed,
        errors: s.errors,
        clip,
        json: { source: json.source, n: json.frames.length },
        lastProgress: progress.at(-1),
      };
    });
    assert.equal(r.failed, 0, JSON.stringify(r.errors));
    assert.equal(r.ok, 3);
    assert.ok(r.clip?.video, 'the clip has a video summary');
    assert.equal(r.clip.outputPath, 'trip/day1/clip.mp4');
    assert.equal(r.clip.video.frames, 20);
    assert.equal(r.clip.video.audio.status, 'copied');
    // A folder takes positioned writes: the MP4 was streamed into it, never held whole in memory.
    assert.equal(r.clip.video.streamed, true);
    assert.deepEqual(r.json, { source: 'trip/day1/clip.webm', n: 20 });
    assert.equal(r.lastProgress?.frames, 20);
    const files = (await listOpfs(app.page, 'bout')).map((f) => f.path);
    assert.deepEqual(files, ['trip/day1/a.png', 'trip/day1/b.png', 'trip/day1/clip.analysis.json', 'trip/day1/clip.mp4']);
    const out = await probe(app.page, 'bout');
    assert.equal(out.videoCodec, 'avc');
    assert.equal(out.frames.length, 20);
    assert.equal(out.audio?.codec, 'opus');
  });

  test('no page errors', () => {
    assert.deepEqual(app.errors, []);
  });

  test('through the headless receiver (HttpSink) the video streams to disk in pieces, then lands whole', async () => {
    await makeVideo(app.page, { name: 'disk', container: 'webm', codec: 'vp09.00.10.08', width: 320, height: 240, frames: 45, fps: 30 });
    await videoToOpfs(app.page, 'disk', 'hin', 'clips/disk.webm');
    const r = await app.page.evaluate(async () => {
      const t = window.tessera;
      const root = await navigator.storage.getDirectory();
      const s = await t.runBatch({
        input: t.walkDirectory(await root.getDirectoryHandle('hin')),
        output: new t.HttpSink(`${location.origin}/__out/`),
        recipe: { name: 'x', steps: [{ op: 'invert' }] },
        workers: 2,
        video: { container: 'mp4', codec: 'h264' },
      });
      return { ok: s.ok, errors: s.errors, video: s.results[0].video, bytesOut: s.results[0].bytesOut };
    });
    assert.deepEqual([r.ok, r.errors], [1, []]);
    assert.equal(r.video?.streamed, true);
    const files = readdirSync(join(outDir, 'clips'));
    assert.deepEqual(files, ['disk.mp4'], 'no .partial file is left');
    const bytes = readFileSync(join(outDir, 'clips', 'disk.mp4'));
    assert.equal(bytes.length, r.bytesOut);
    const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
    const track = await input.getPrimaryVideoTrack();
    assert.ok(track, 'has a video track');
    let packets = 0;
    for await (const _ of new EncodedPacketSink(track).packets()) packets++;
    assert.equal(packets, 45);
    assert.equal(await track.getCodec(), 'avc');
  });
});
