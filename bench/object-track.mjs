// Object tracker bench (Node; the tracker is pure TypeScript, src/core/object-track.ts, and runs
// the same in a worker): ms per 1080p frame for the gray copy (RGBA 1920×1080 → 640×360 luma)
// and for tracking 1 and 3 objects through a generated clip (textured objects moving and growing
// over a textured background), with the share of frames tracked at IoU ≥ 0.7. Prints a table and
// returns JSON.
//
//   import { objectTrackBench } from './object-track.mjs';  const json = await objectTrackBench();
//   Standalone: node bench/object-track.mjs [frames]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson } from '../scripts/lib/json.mjs';
import { ssrServer } from '../scripts/lib/ssr.mjs';

/** @param {{ frames?: number, log?: (s: string) => void }} [opts] */
export async function objectTrackBench({ frames = 60, log = console.log } = {}) {
  const server = await ssrServer();
  try {
    const ot = /** @type {typeof import('../src/core/object-track')} */ (await server.ssrLoadModule('/src/core/object-track.ts'));
    const { iou } = /** @type {typeof import('../src/core/faces')} */ (await server.ssrLoadModule('/src/core/faces.ts'));
    const W = 1920,
      H = 1080;
    /** Smooth seeded texture value at (x, y). @param {number} x @param {number} y @param {number} seed */
    const tex = (x, y, seed) =>
      128 + 60 * Math.sin(x * 0.07 + seed) * Math.cos(y * 0.05 - seed) + 50 * Math.sin((x + 2 * y) * 0.021 * (1 + seed / 7));
    /** @type {[number, number, number, number][][]} per object, per frame: the true box */
    const truths = [0, 1, 2].map((o) =>
      Array.from({ length: frames }, (_, f) => {
        const s = 0.8 + (0.4 * f) / frames;
        const w = 240 * s,
          h = 150 * s;
        return /** @type {[number, number, number, number]} */ ([200 + o * 500 + f * 6 - w / 2, 250 + o * 180 + f * 2 - h / 2, w, h]);
      }),
    );
    /** @param {number} f */
    const rgba = (f) => {
      const d = new Uint8Array(W * H * 4);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          let v = tex(x, y, 1);
          truths.forEach((t, o) => {
            const [bx, by, bw, bh] = t[f];
            if (x >= bx && x < bx + bw && y >= by && y < by + bh) v = tex(((x - bx) / bw) * 240, ((y - by) / bh) * 150, 3 + o * 2);
          });
          const i = (y * W + x) * 4;
          d[i] = d[i + 1] = d[i + 2] = Math.max(0, Math.min(255, v));
          d[i + 3] = 255;
        }
      return d;
    };
    const clip = Array.from({ length: frames }, (_, f) => rgba(f));
    const factor = ot.grayFactor(W, H);
    let t0 = performance.now();
    const grays = clip.map((d) => ot.toGray(d, W, H, 4, factor));
    const grayMs = (performance.now() - t0) / frames;
    /** @type {import('../src/core/object-track').GrayFrameSource} */
    const source = { length: frames, scale: 1 / factor, frame: (i) => grays[i] };
    const rows = [];
    for (const n of [1, 3]) {
      t0 = performance.now();
      const tracks = ot.trackObjects(
        source,
        truths.slice(0, n).map((t, o) => ({ id: `o${o}`, frame: 0, box: t[0] })),
      );
      const ms = (performance.now() - t0) / frames;
      const points = tracks.flatMap((t, o) => t.frames.map((p) => iou(p.box, truths[o][p.frame])));
      // The same objects as the video job follows them: in slices that give the thread back.
      t0 = performance.now();
      await ot.trackObjectsAsync(
        source,
        truths.slice(0, n).map((t, o) => ({ id: `o${o}`, frame: 0, box: t[0] })),
      );
      const slicedMs = (performance.now() - t0) / frames;
      rows.push({
        objects: n,
        trackMsPerFrame: ms,
        slicedMsPerFrame: slicedMs,
        totalMsPerFrame: ms + grayMs,
        iou07: points.filter((v) => v >= 0.7).length / points.length,
        lost: tracks.reduce((k, t) => k + t.frames.filter((p) => p.lost).length, 0),
      });
    }
    const opencv = opencvAnchor(clip, truths, W, H, iou, log);
    /** @param {number} x */
    const f1 = (x) => x.toFixed(1);
    log(
      `\nobject tracker: ms per 1080p frame (Node, one thread; ${frames} frames; gray copy ${f1(grayMs)} ms per frame, 1920×1080 → ${grays[0].width}×${grays[0].height})`,
    );
    log('| objects | track ms/frame | sliced (as the job runs it) | gray + track ms/frame | frames at IoU ≥ 0.7 |\n|---|---|---|---|---|');
    for (const r of rows)
      log(
        `| ${r.objects} | ${f1(r.trackMsPerFrame)} | ${f1(r.slicedMsPerFrame)} | ${f1(r.totalMsPerFrame)} | ${(r.iou07 * 100).toFixed(0)} % |`,
      );
    if (opencv) {
      log(
        `\nside by side, 1 object, the same clip: Tessera on its 640×360 gray copies, OpenCV ${opencv.version} (Python, 1 thread) on the full 1920×1080 frames`,
      );
      log('| tracker | ms/frame | frames at IoU ≥ 0.7 | frames it says lost |\n|---|---|---|---|');
      const one = rows[0];
      log(
        `| Tessera (core/object-track.ts) | ${f1(one.totalMsPerFrame)} (incl. gray copy) | ${(one.iou07 * 100).toFixed(0)} % | ${one.lost} |`,
      );
      for (const t of opencv.trackers) log(`| OpenCV ${t.name} | ${f1(t.msPerFrame)} | ${(t.iou07 * 100).toFixed(0)} % | ${t.lost} |`);
    }
    return { width: W, height: H, frames, grayMsPerFrame: grayMs, rows, ...(opencv ? { opencv } : {}) };
  } finally {
    await server.close();
  }
}

/**
 * OpenCV-Python's CSRT, KCF and MOSSE on the same clip (first object only: bench/anchors/track_opencv.py,
 * Debian's python3-opencv), with the share of frames at IoU ≥ 0.7; undefined (said) when it is missing.
 * @param {Uint8Array[]} clip the RGBA frames (gray: R = G = B)
 * @param {[number, number, number, number][][]} truths
 * @param {number} W @param {number} H
 * @param {(a: number[], b: number[]) => number} iou
 * @param {(s: string) => void} log
 */
function opencvAnchor(clip, truths, W, H, iou, log) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-track-'));
  try {
    // The full-size frames, one gray byte per pixel (the clip is gray: R of its RGBA).
    const raw = join(dir, 'frames.raw');
    writeFileSync(
      raw,
      Buffer.concat(
        clip.map((d) => {
          const g = new Uint8Array(W * H);
          for (let i = 0; i < W * H; i++) g[i] = d[i * 4];
          return g;
        }),
      ),
    );
    let out;
    try {
      out = execFileSync(
        '/usr/bin/python3',
        [
          join(import.meta.dirname, 'anchors', 'track_opencv.py'),
          raw,
          String(W),
          String(H),
          String(clip.length),
          JSON.stringify([truths[0][0]]),
        ],
        {
          maxBuffer: 1 << 26,
        },
      ).toString();
    } catch (e) {
      log(
        `(OpenCV trackers not measured: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}; apt-get install -y python3-opencv python3-numpy)`,
      );
      return undefined;
    }
    const j =
      /** @type {{ opencv: string, trackers: { name: string, msPerFrame: number, boxes: ([number, number, number, number] | null)[][] }[] }} */ (
        parseJson(out.trim().split('\n').pop() ?? '{}')
      );
    return {
      version: j.opencv,
      trackers: j.trackers.map((t) => {
        const b = t.boxes[0];
        return {
          name: t.name,
          msPerFrame: t.msPerFrame,
          iou07: b.filter((box, f) => box && iou(box, truths[0][f]) >= 0.7).length / b.length,
          lost: b.filter((box) => !box).length,
        };
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const json = await objectTrackBench({ frames: Number(process.argv[2] ?? 60) });
  console.log(JSON.stringify(json));
}
