// Faces bench (Node, not the browser: OpenCV.js runs the same in Node, and the detectors are
// per-image work inside one worker anyway): ms per image for blazeface, blazeface-short and haar
// on sample3.jpg resized with libvips to a 640-px and a 4000-px long side (tiles on, the default;
// blazeface also without tiles at 4000), plus redact-faces blur of one large face. First call per
// detector (model load) is timed separately. Prints a table and returns JSON.
//
//   import { facesBench } from './faces.mjs';  const json = await facesBench();
//   Standalone: node bench/faces.mjs [repeat]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../scripts/eval-faces.mjs';

/** @param {{ repeat?: number, log?: (s: string) => void, sample?: string }} [opts] */
export async function facesBench({ repeat = 3, log = console.log, sample = join(process.cwd(), '.tmp/face-samples/sample3.jpg') } = {}) {
  const eng = await loadEngine();
  try {
    const base = eng.vips.Image.newFromBuffer(readFileSync(sample));
    /** @type {Record<number, import('../src/core/frame').Frame>} long side → the photo at that size */
    const frames = {};
    for (const side of [640, 4000]) {
      const im = base.resize(side / Math.max(base.width, base.height));
      frames[side] = eng.codec.decode(eng.vips, im.writeToBuffer('.png'));
      im.delete();
    }
    base.delete();
    const rows = [];
    /** @type {[import('../src/core/faces').DetectorName, boolean][]} detector, tiles */
    const cases = [
      ['blazeface', true],
      ['blazeface', false],
      ['blazeface-short', true],
      ['haar', true],
    ];
    for (const [detector, tiles] of cases)
      for (const side of [640, 4000]) {
        if (!tiles && side === 640) continue;
        const opts = { detector, minScore: 0.5, minFaceSize: 0, tiles };
        eng.detect.releaseFaceModels(eng.cv);
        let t0 = performance.now();
        let faces = await eng.detect.detectFaces(eng.cv, frames[side], opts);
        const firstMs = performance.now() - t0;
        let best = Infinity;
        for (let r = 0; r < repeat; r++) {
          t0 = performance.now();
          faces = await eng.detect.detectFaces(eng.cv, frames[side], opts);
          best = Math.min(best, performance.now() - t0);
        }
        rows.push({
          detector,
          tiles,
          side,
          width: frames[side].width,
          height: frames[side].height,
          faces: faces.length,
          firstMs,
          ms: best,
        });
      }
    // Redaction blur of a large face (default strength 50 %, margin 20 %) at 4000 px.
    const ops = /** @type {typeof import('../src/engine/ops/faces')} */ (await eng.load('/src/engine/ops/faces.ts'));
    const frame = frames[4000];
    /** @param {number} w @param {number} h @param {number} c */
    const alloc = (w, h, c) => ({ width: w, height: h, channels: c, stride: w * c, data: new Uint8Array(w * h * c) });
    // An upright input, the frame being the input itself (no geometry): what the ops' context promises.
    const ctx = { alloc, source: { orientation: 1 } };
    const params = {
      detector: /** @type {const} */ ('blazeface'),
      minScore: 0.5,
      minFaceSize: 0,
      tiles: false,
      rotated: false,
      effect: /** @type {const} */ ('blur'),
      strength: 50,
      margin: 20,
      blocks: 6,
      color: '#000000',
      shape: /** @type {const} */ ('ellipse'),
      feather: 15,
      picture: '',
      keep: '',
    };
    const detectOnly = { ...params };
    let t0 = performance.now();
    await ops.FACE_OPS_TABLE['detect-faces'](frame, detectOnly, ctx);
    const det = performance.now() - t0;
    t0 = performance.now();
    await ops.FACE_OPS_TABLE['redact-faces'](frame, params, ctx);
    const red = performance.now() - t0;
    const redact = { side: 4000, faces: 3, detectMs: det, redactMs: red, blurMs: red - det };
    /** @param {number} x */
    const f = (x) => x.toFixed(0);
    log('\nfaces: ms per image (Node, OpenCV.js, one thread; best of ' + repeat + ', "first" includes creating the net / classifiers)');
    log('| detector | tiles | size | faces | first ms | ms |\n|---|---|---|---|---|---|');
    for (const r of rows)
      log(`| ${r.detector} | ${r.tiles ? 'on' : 'off'} | ${r.width}×${r.height} | ${r.faces} | ${f(r.firstMs)} | ${f(r.ms)} |`);
    log(`redact-faces blur at 4000 px: detect ${f(det)} ms, detect + blur ${f(red)} ms → blur ≈ ${f(red - det)} ms for 3 faces (~570 px)`);
    return { rows, redact };
  } finally {
    await eng.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(await facesBench({ repeat: Number(process.argv[2] ?? 3) })));
