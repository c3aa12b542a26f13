// Faces in video: per-frame detections in the analysis JSON, one track ID for one moving face,
// and redaction of the TRACKED boxes (frames where the detector missed the face included).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { samplePhoto, startApp } from './harness.mjs';
import { makeFaceVideo } from './video-fixtures.mjs';

// The middle face of sample1 (truth box [835, 432, 200, 215]) with some hair and neck around it.
const CROP = [775, 360, 320, 360];
const FLIPPED = [14, 15];

/** @type {string} */
let IMAGE;
/** @type {import('./harness.mjs').App} */
let app;
before(async () => {
  IMAGE = samplePhoto('sample1.jpg');
  app = await startApp();
});
after(async () => app?.close());

/**
 * runVideo (H.264 MP4 out, with the analysis) on window.__videos[name]; the output is kept as `${name}-out`.
 * @param {import('playwright-core').Page} page
 * @param {{ name: string, steps: import('../../src/core/recipe').RecipeStep[] }} opts
 */
function run(page, { name, steps }) {
  return page.evaluate(
    async ({ name, steps }) => {
      const t = window.tessera;
      const videos = (window.__videos ??= {});
      const pool = t.createEnginePool(2);
      try {
        const r = await t.runVideo({
          file: videos[name],
          name,
          steps: t.resolveSteps({ name: 'test', steps }),
          options: t.validateVideoOptions({ container: 'mp4', codec: 'h264', analysis: true }),
          pool,
          buffers: new t.BufferPool(),
        });
        if (!r.bytes) throw new Error('no output file');
        // A muxer's buffer (mediabunny BufferTarget), never shared memory.
        videos[`${name}-out`] = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (r.bytes)]);
        return { ok: true, frames: r.frames, faces: r.faces, analysis: r.analysis, tracks: r.tracks };
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) };
      } finally {
        pool.dispose();
      }
    },
    { name, steps },
  );
}

/**
 * Mean RGB of each output frame inside rects[i] (shrunk to its central half).
 * @param {import('playwright-core').Page} page @param {string} name @param {number[][]} rects [x, y, w, h] per frame
 */
function meansIn(page, name, rects) {
  return page.evaluate(
    async ({ name, rects }) => {
      const video = window.__videos?.[name];
      if (!video) throw new Error(`no video ${name} in the page`);
      let i = 0;
      const r = await window.tessera.probeVideo(video, (rgba, w) => {
        const [x, y, rw, rh] = rects[i++];
        const s = [0, 0, 0];
        let n = 0;
        for (let yy = Math.round(y + rh / 4); yy < y + (3 * rh) / 4; yy++)
          for (let xx = Math.round(x + rw / 4); xx < x + (3 * rw) / 4; xx++) {
            const o = (yy * w + xx) * 4;
            s[0] += rgba[o];
            s[1] += rgba[o + 1];
            s[2] += rgba[o + 2];
            n++;
          }
        return s.map((v) => Math.round(v / n));
      });
      return r.frames.map((f) => f.sample);
    },
    { name, rects },
  );
}

describe('faces in video', () => {
  /** @type {Awaited<ReturnType<typeof makeFaceVideo>>} */
  let clip;
  before(async () => {
    clip = await makeFaceVideo(app.page, { name: 'face', image: IMAGE, crop: CROP, frames: 30, flipped: FLIPPED });
    assert.equal(clip.frames, 30);
  });

  test('detect-faces: detections on most frames, one track ID across the clip', async () => {
    const r = await run(app.page, { name: 'face', steps: [{ op: 'detect-faces' }] });
    assert.ok(r.ok, r.message);
    assert.ok(r.analysis);
    const frames = r.analysis.frames;
    assert.equal(frames.length, 30);
    const detected = frames.filter((f) => f.detections.some((d) => !d.predicted));
    const ids = new Set(frames.flatMap((f) => f.detections.map((d) => d.trackId)));
    const missed = frames.filter((f) => !f.detections.some((d) => !d.predicted)).map((f) => f.frameIndex);
    console.log(
      `# detect-faces: ${detected.length}/30 frames with detections (missed: ${missed.join(', ') || 'none'}), tracks ${[...ids].join(', ')}`,
      JSON.stringify(r.faces),
    );
    assert.ok(detected.length >= 24, `detections on ${detected.length}/30 frames`);
    assert.ok(missed.length > 0, 'the faint frames were missed by the detector (else the gap test tests nothing)');
    assert.deepEqual([...ids], [1], 'one track ID');
    assert.equal(r.faces?.tracks, 1);
    // Every frame has the face (detected or coasting), near where it was drawn.
    for (const f of frames) {
      assert.equal(f.detections.length, 1, `frame ${f.frameIndex}: one face`);
      const [x, y, w, h] = f.detections[0].box;
      const [rx, ry, rw, rh] = clip.rects[f.frameIndex];
      const cx = x + w / 2,
        cy = y + h / 2;
      assert.ok(
        cx > rx && cx < rx + rw && cy > ry && cy < ry + rh,
        `frame ${f.frameIndex}: box ${f.detections[0].box.join(',')} inside drawn face ${clip.rects[f.frameIndex].join(',')}`,
      );
      assert.ok(typeof f.detections[0].score === 'number');
    }
    assert.ok(
      detected.every((f) => f.detections[0].keypoints?.length === 6),
      'BlazeFace keypoints',
    );
  });

  test('redact-faces (fill): the face is hidden in every frame, including frames the detector missed', async () => {
    const r = await run(app.page, {
      name: 'face',
      steps: [{ op: 'redact-faces', params: { effect: 'fill', color: '#ff00ff', margin: 10 } }],
    });
    assert.ok(r.ok, r.message);
    const analysis = r.analysis;
    assert.ok(analysis);
    const predictedOnly = analysis.frames
      .filter((f) => f.detections.length && f.detections.every((d) => d.predicted))
      .map((f) => f.frameIndex);
    const how = predictedOnly.map((i) =>
      analysis.frames[i].detections.map((d) => (d.matched !== undefined ? `appearance (ncc ${d.matched})` : 'motion')).join('/'),
    );
    console.log(
      `# redact-faces: ${JSON.stringify(r.faces)}; frames redacted from the tracker alone: ${predictedOnly.join(', ') || 'none'} (placed by ${how.join(', ')})`,
    );
    assert.equal(r.faces?.framesRedacted, 30);
    assert.ok(predictedOnly.length > 0, 'some frames were redacted from the tracker alone');
    // The face's centre (where the drawn face is) is magenta in every output frame.
    const faceBoxes = analysis.frames.map((f) => f.detections[0].box);
    const means = await meansIn(app.page, 'face-out', faceBoxes);
    assert.equal(means.length, 30);
    means.forEach((m, i) => assert.ok(m[0] > 200 && m[1] < 60 && m[2] > 200, `frame ${i}: face centre ${m.join(',')} is magenta`));
    // …and the background far from it is untouched (grey #7a8a9a).
    const corner = await meansIn(
      app.page,
      'face-out',
      clip.rects.map(([x]) => (x > 160 ? [0, 0, 60, 40] : [260, 200, 60, 40])),
    );
    corner.forEach((m, i) =>
      assert.ok(Math.abs(m[0] - 0x7a) < 12 && Math.abs(m[2] - 0x9a) < 12, `frame ${i}: background ${m.join(',')} unchanged`),
    );
  });

  test('a face kept visible once (marked in frame 10) is followed and left alone in every frame', async () => {
    const keep = JSON.stringify([{ id: 'actor', box: clip.rects[10], frame: 10 }]);
    const r = await run(app.page, {
      name: 'face',
      steps: [{ op: 'redact-faces', params: { effect: 'fill', color: '#ff00ff', margin: 10, keep } }],
    });
    assert.ok(r.ok, r.message);
    // No face was tracked or hidden: the detections on it were dropped before tracking, frame by frame.
    assert.deepEqual(r.faces, { framesWithDetections: 0, framesRedacted: 0, tracks: 0 });
    assert.ok(r.analysis?.frames.every((f) => f.detections.length === 0));
    const kept = r.tracks?.objects[0];
    assert.equal(kept?.id, 'actor');
    assert.equal(kept?.keep, true);
    assert.equal(kept?.hidden, 30, 'followed backwards to frame 0 and forwards to the end');
    const means = await meansIn(app.page, 'face-out', clip.rects);
    means.forEach((m, i) => assert.ok(!(m[0] > 200 && m[1] < 60 && m[2] > 200), `frame ${i}: the kept face ${m.join(',')} was hidden`));
  });

  test('redact-faces (picture): the face in every frame is covered by the shared picture (an opaque cyan PNG)', async () => {
    await app.page.evaluate(async () => {
      const c = new OffscreenCanvas(32, 32);
      const g = c.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.fillStyle = '#00ffff';
      g.fillRect(0, 0, 32, 32);
      const png = await c.convertToBlob({ type: 'image/png' });
      window.tessera.shareAsset('cyan.png', new Uint8Array(await png.arrayBuffer()));
    });
    const r = await run(app.page, {
      name: 'face',
      steps: [{ op: 'redact-faces', params: { effect: 'picture', picture: 'cyan.png', shape: 'rectangle', margin: 10 } }],
    });
    assert.ok(r.ok, r.message);
    assert.equal(r.faces?.framesRedacted, 30);
    const analysis = r.analysis;
    assert.ok(analysis);
    const means = await meansIn(
      app.page,
      'face-out',
      analysis.frames.map((f) => f.detections[0].box),
    );
    means.forEach((m, i) => assert.ok(m[0] < 40 && m[1] > 215 && m[2] > 215, `frame ${i}: face centre ${m.join(',')} is cyan`));
  });
});
