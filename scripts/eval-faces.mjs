#!/usr/bin/env node
// Face detector evaluation on any folder with a truth.json ({"file.jpg": [[x, y, w, h], …]}):
//
//   npm run eval-faces -- <folder> [--detector blazeface,haar] [--iou 0.5] [--min-score 0.5] [--no-tiles]
//   npm run eval-faces -- --write-sample-truth     writes .tmp/face-samples/truth.json (boxes of tests/unit/faces-samples.test.ts)
//
// Runs the engine's detectors (src/engine/faces/detect.ts, OpenCV.js in Node, loaded through
// Vite's SSR module loader) at a low threshold (0.05) to rank detections, then per detector prints
// precision and recall at --min-score and AP (all-point interpolated, VOC style) over the ranking,
// matching one-to-one, greedy by score, at IoU ≥ --iou. stdout ends with the JSON summary.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stackOf } from './lib/errors.mjs';
import { parseJson } from './lib/json.mjs';
import { ssrServer } from './lib/ssr.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Loads the engine's TypeScript modules in Node (Vite SSR); returns them, OpenCV, libvips and close(). */
export async function loadEngine() {
  const server = await ssrServer();
  /** A module of src/ by its path from the root ('/src/…'): Vite types it as a plain record. @param {string} p */
  const load = (p) => server.ssrLoadModule(p);
  try {
    const [detect, faces, opencv, vips, codec] = /** @type {[
      typeof import('../src/engine/faces/detect'), typeof import('../src/core/faces'), typeof import('../src/engine/opencv'),
      typeof import('../src/engine/vips'), typeof import('../src/engine/codec'),
    ]} */ (
      await Promise.all(
        ['/src/engine/faces/detect.ts', '/src/core/faces.ts', '/src/engine/opencv.ts', '/src/engine/vips.ts', '/src/engine/codec.ts'].map(
          load,
        ),
      )
    );
    const { cv } = await opencv.loadOpenCV();
    const { vips: v } = await vips.loadVips();
    return { detect, faces, cv, vips: v, codec, load, close: () => server.close() };
  } catch (e) {
    // An open Vite server would keep the process alive after the error.
    await server.close();
    throw e;
  }
}

/**
 * Face boxes per image file, [x, y, w, h] in its pixels (a truth.json).
 * @typedef {Record<string, number[][]>} Truth
 */

/** The hand-drawn boxes of tests/unit/faces-samples.test.ts as a truth.json object. */
export function sampleTruth() {
  const src = readFileSync(join(ROOT, 'tests/unit/faces-samples.test.ts'), 'utf8');
  /** @type {Truth} */
  const truth = {};
  // Entries span one line or several (prettier breaks long ones): each runs to the next entry or the end of the table.
  const table = src.slice(src.indexOf('const TRUTH'), src.indexOf('};', src.indexOf('const TRUTH')));
  for (const m of table.matchAll(/'(sample\d\.jpg)': \[([\s\S]*?)(?=\n {2}'|$)/g))
    truth[m[1]] = [...m[2].matchAll(/box: \[([\d, ]+)\]/g)].map((b) => b[1].split(',').map(Number));
  return truth;
}

/** @param {number[]} a @param {number[]} b boxes [x, y, w, h] */
function iou(a, b) {
  const x0 = Math.max(a[0], b[0]),
    y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]),
    y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const u = a[2] * a[3] + b[2] * b[3] - inter;
  return u > 0 ? inter / u : 0;
}

/** Face size buckets (the larger side of the truth box, px) of the report: [name, lo, hi). */
export const SIZE_BUCKETS = /** @type {const} */ ([
  ['< 16 px', 0, 16],
  ['16–48 px', 16, 48],
  ['> 48 px', 48, Infinity],
]);

/**
 * Precision / recall at minScore and AP from per-image detections and truth boxes. With `size`
 * [lo, hi), COCO-style for one size range: truth outside it is ignored (a detection matching it
 * counts neither way), and so are unmatched detections whose size is outside it.
 * @param {Record<string, { box: number[], score: number }[]>} perImage detections per image file
 * @param {Truth} truth
 * @param {{ iouThr?: number, minScore?: number, size?: readonly [number, number] }} [opts]
 */
export function evaluate(perImage, truth, { iouThr = 0.5, minScore = 0.5, size } = {}) {
  /** @param {number[]} b */
  const inSize = (b) => !size || (Math.max(b[2], b[3]) >= size[0] && Math.max(b[2], b[3]) < size[1]);
  /** @type {{ score: number, tp: boolean }[]} */
  const ranked = [];
  let nTruth = 0;
  for (const [file, boxes] of Object.entries(truth)) {
    nTruth += boxes.filter(inSize).length;
    const used = new Set();
    for (const d of [...(perImage[file] ?? [])].sort((a, b) => b.score - a.score)) {
      let best = -1,
        bestIou = iouThr;
      boxes.forEach((t, i) => {
        const v = iou(d.box, t);
        if (!used.has(i) && v >= bestIou) {
          best = i;
          bestIou = v;
        }
      });
      if (best >= 0) used.add(best);
      if (best >= 0 ? !inSize(boxes[best]) : !inSize(d.box)) continue;
      ranked.push({ score: d.score, tp: best >= 0 });
    }
  }
  ranked.sort((a, b) => b.score - a.score);
  let tp = 0,
    fp = 0;
  /** @type {[number, number][]} (recall, precision) after each ranked detection */
  const pr = [];
  for (const r of ranked) {
    if (r.tp) tp++;
    else fp++;
    pr.push([tp / Math.max(1, nTruth), tp / (tp + fp)]);
  }
  let ap = 0,
    prevR = 0;
  for (let i = 0; i < pr.length; i++) {
    const pInterp = Math.max(...pr.slice(i).map((x) => x[1]));
    ap += (pr[i][0] - prevR) * pInterp;
    prevR = pr[i][0];
  }
  const at = ranked.filter((r) => r.score >= minScore);
  const tpAt = at.filter((r) => r.tp).length;
  return {
    truth: nTruth,
    detections: at.length,
    tp: tpAt,
    fp: at.length - tpAt,
    precision: at.length ? tpAt / at.length : 1,
    recall: nTruth ? tpAt / nTruth : 1,
    ap,
  };
}

/**
 * Detections at minScore on the images with no face in the truth (face-free photos, animals).
 * @param {Record<string, { box: number[], score: number }[]>} perImage
 * @param {Truth} truth
 * @param {number} minScore
 */
export function falseOnNegatives(perImage, truth, minScore) {
  return Object.entries(truth)
    .filter(([, boxes]) => !boxes.length)
    .flatMap(([file]) => (perImage[file] ?? []).filter((d) => d.score >= minScore).map((d) => ({ file, box: d.box, score: d.score })));
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      detector: { type: 'string' },
      iou: { type: 'string' },
      'min-score': { type: 'string' },
      'no-tiles': { type: 'boolean' },
      'min-face-size': { type: 'string' },
      rotated: { type: 'boolean' },
      rebuild: { type: 'boolean' },
      'write-sample-truth': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values['write-sample-truth']) {
    const file = join(ROOT, '.tmp/face-samples/truth.json');
    writeFileSync(file, JSON.stringify(sampleTruth(), null, 1) + '\n');
    console.error(`wrote ${file}`);
    if (!positionals.length) return;
  }
  if (values.help || positionals.length > 1) {
    console.error(
      'usage: npm run eval-faces -- [<folder with truth.json>] [--detector blazeface,blazeface-short,haar,haar-alt2,lbp] [--iou 0.4] [--min-score 0.5] [--min-face-size PX] [--rotated] [--no-tiles] [--rebuild] [--write-sample-truth]\n' +
        '  without a folder: the labelled set of docs/FACE-EVAL.md, built into .tmp/face-eval/ when missing (or with --rebuild)',
    );
    process.exitCode = 2;
    return;
  }
  const dir = resolve(positionals[0] ?? join(ROOT, '.tmp/face-eval'));
  const truthFile = join(dir, 'truth.json');
  if (!positionals.length && (values.rebuild || !existsSync(truthFile))) {
    const { buildFaceEvalSet } = await import('./face-eval-set.mjs');
    const eng = await loadEngine();
    try {
      const { truth } = buildFaceEvalSet(eng.vips, dir, sampleTruth(), join(ROOT, '.tmp/face-samples'));
      console.error(`face-eval: built ${Object.keys(truth).length} images in ${dir}`);
    } finally {
      await eng.close();
    }
  }
  if (!existsSync(truthFile))
    throw new Error(`${truthFile} is missing (for the sample photos: npm run eval-faces -- --write-sample-truth)`);
  const truth = /** @type {Truth} */ (parseJson(readFileSync(truthFile, 'utf8')));
  const iouThr = values.iou ? Number(values.iou) : 0.4;
  const minFaceSize = values['min-face-size'] ? Number(values['min-face-size']) : 0;
  const minScore = values['min-score'] ? Number(values['min-score']) : 0.5;
  const eng = await loadEngine();
  try {
    const detectors = values.detector ? values.detector.split(',') : ['blazeface', 'blazeface-short', 'haar'];
    /** @type {(d: string) => d is import('../src/core/faces').DetectorName} */
    const known = (d) => /** @type {readonly string[]} */ (eng.detect.DETECTORS).includes(d);
    for (const d of detectors) if (!known(d)) throw new Error(`unknown detector ${d} (one of ${eng.detect.DETECTORS.join(', ')})`);
    /** @type {Record<string, import('../src/core/frame').Frame>} */
    const frames = {};
    for (const file of Object.keys(truth)) frames[file] = eng.codec.decode(eng.vips, new Uint8Array(readFileSync(join(dir, file))));
    const results = [];
    for (const detector of detectors.filter(known)) {
      /** @type {Record<string, import('../src/core/faces').Face[]>} */
      const perImage = {};
      let ms = 0;
      for (const [file, frame] of Object.entries(frames)) {
        const t0 = performance.now();
        perImage[file] = await eng.detect.detectFaces(eng.cv, frame, {
          detector,
          minScore: 0.05,
          minFaceSize,
          tiles: !values['no-tiles'],
          rotated: !!values.rotated,
        });
        ms += performance.now() - t0;
      }
      const buckets = SIZE_BUCKETS.map(([name, lo, hi]) => ({ name, ...evaluate(perImage, truth, { iouThr, minScore, size: [lo, hi] }) }));
      const negatives = falseOnNegatives(perImage, truth, minScore);
      results.push({
        detector,
        ...evaluate(perImage, truth, { iouThr, minScore }),
        buckets,
        falseOnNegatives: negatives,
        msPerImage: ms / Object.keys(frames).length,
      });
    }
    /** @param {number} x */
    const f = (x) => x.toFixed(3);
    const nNeg = Object.values(truth).filter((b) => !b.length).length;
    console.log(
      `${Object.keys(truth).length} images (${nNeg} without faces), ${results[0]?.truth} faces; IoU ≥ ${iouThr}; precision and recall at score ≥ ${minScore}; AP over all detections ≥ 0.05; smallest face ${minFaceSize || 'standard'}${values.rotated ? ', turned search' : ''}`,
    );
    console.log(
      '| detector | TP | FP | precision | recall | AP | ' +
        SIZE_BUCKETS.map(([n]) => `recall / AP ${n}`).join(' | ') +
        ' | false on face-free | ms/image |\n|---|---|---|---|---|---|' +
        SIZE_BUCKETS.map(() => '---|').join('') +
        '---|---|',
    );
    for (const r of results)
      console.log(
        `| ${r.detector} | ${r.tp} | ${r.fp} | ${f(r.precision)} | ${f(r.recall)} | ${f(r.ap)} | ` +
          r.buckets.map((b) => `${f(b.recall)} / ${f(b.ap)} (${b.truth})`).join(' | ') +
          ` | ${r.falseOnNegatives.length} | ${r.msPerImage.toFixed(0)} |`,
      );
    for (const r of results)
      for (const n of r.falseOnNegatives) console.log(`  ${r.detector} false face on ${n.file}: ${JSON.stringify(n.box)} ${n.score}`);
    console.log(JSON.stringify({ folder: dir, iou: iouThr, minScore, minFaceSize, rotated: !!values.rotated, results }));
  } finally {
    await eng.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  main().catch((e) => {
    console.error(`eval-faces: ${stackOf(e) ?? String(e)}`);
    process.exitCode = 1;
  });
