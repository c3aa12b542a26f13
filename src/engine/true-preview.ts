/**
 * The studio's preview of an ordinary (not giant) image, as core/preview-plan.ts plans it, with
 * what it keeps between calls (editing one slider re-runs only what depends on it):
 * - the decoded file, decoded as the batch decodes it (two kept: e.g. a thumbnail and the whole);
 * - the whole-image steps' result at true scale (the prefix), in a buffer of its own;
 * - the "before" picture of the last region (it does not depend on the local steps);
 * - the last encoded output (it depends on every step and option, so only its region is redone).
 */
import type { FacesReport } from '../core/faces';
import { packed, view, type Frame } from '../core/frame';
import { invert, mapBox, type Affine } from '../core/geometry';
import { haloWindow } from '../core/giant';
import { outputGeometry } from '../core/output-geometry';
import { DEFAULT_LIMITS, decodeStage, planView, splitGlobal, type ViewPlan } from '../core/preview-plan';
import { chainHalo, type ResolvedStep } from '../core/recipe';
import { areaResize } from '../core/resample';
import type { Rect } from '../core/tiles';
import type { Placement } from '../core/watermark';
import { checkInput, decodeSource, type Decoded } from './codec';
import { probeAnimation } from './animation';
import { readableByVips } from './foreign-decode';
import { encodeWithin } from './target-size';
import type { SourceInfo } from './ops/context';
import type { PreviewRequest, PreviewResult } from './preview';
import { copyOut } from './preview';
import { toRgba } from './rgba';
import { runSteps, type StepTiming } from './run-steps';
import { TesseraError } from '../core/errors';
import type { Vips } from './vips';

/** Above this many decoded pixels, a prefix that must run again answers first from a reduced copy (`quick`). */
const QUICK_ABOVE = 6_000_000;
/** Pixels of that reduced copy. */
const QUICK_PIXELS = 1_000_000;
/** An exact region larger than this (fit on a 3 MP output) answers first from its reduced copy (`quick`). */
const QUICK_REGION = 1_500_000;

/** Thrown when a newer request made this one stale (PreviewRequest.generation). */
const superseded = () => new TesseraError('cancelled', 'preview superseded by a newer one');

/** Whether a newer request has made `req` stale. */
function stale(req: PreviewRequest): boolean {
  return !!req.generation && Atomics.load(req.generation.flag, 0) !== req.generation.id;
}

/** runSteps that stops before the next step once the request is stale. */
async function run(req: PreviewRequest, input: Frame, steps: readonly ResolvedStep[], source: SourceInfo, placement?: Placement) {
  const r = await runSteps(input, steps, source, { pauseBefore: () => stale(req), placement });
  if (r.pausedAt !== undefined) throw superseded();
  return r;
}

const decodes: { key: string; decoded: Decoded; ms: number; frames?: number }[] = [];
let prefixCache: { key: string; frame: Frame; source: SourceInfo; timings: StepTiming[]; reports: FacesReport[] } | undefined;
let beforeCache: { key: string; rgba: ArrayBuffer } | undefined;
let encodedCache: { key: string; frame: Frame; bytes: number; ms: number } | undefined;
let smallCache: { key: string; frame: Frame } | undefined;
/** A region's reduced copy, input of the local steps when they do not run at full resolution. */
let reducedCache: { key: string; frame: Frame } | undefined;

/** The file decoded as the batch's decoder does for these leading steps (kept: the last two). */
async function decoded(vips: Vips, req: PreviewRequest, decode: ReturnType<typeof decodeStage>['decode']) {
  const key = `${req.key}|${JSON.stringify(decode)}`;
  const hit = decodes.find((d) => d.key === key);
  if (hit) return { key, decoded: hit.decoded, ms: 0, frames: hit.frames };
  const read = new Uint8Array(await req.file.arrayBuffer());
  checkInput(req.key, read);
  const t = performance.now();
  // HEIC, BMP and ICO are decoded by their own decoders first, as in the batch.
  const bytes = await readableByVips(vips, req.key, read);
  const d = decodeSource(vips, bytes, decode);
  // An animation's preview is its first frame (what the decoder gives): the panel says so.
  const frames = probeAnimation(vips, bytes)?.frames;
  const ms = performance.now() - t;
  // Another file's decodes go: only this file's two ways of decoding are kept.
  for (let i = decodes.length - 1; i >= 0; i--) if (!decodes[i].key.startsWith(`${req.key}|`)) decodes.splice(i, 1);
  decodes.unshift({ key, decoded: d, ms, frames });
  decodes.length = Math.min(decodes.length, 2);
  return { key, decoded: d, ms, frames };
}

/** A run's own SourceInfo, without the decoder's geometry: positions are then in the decoded frame's pixels. */
function runSource(s: SourceInfo): SourceInfo {
  const { geometry: _drop, ...rest } = s;
  return { ...rest };
}

const facesOf = (reports: { kind: string; data: unknown }[]) => reports.filter((r) => r.kind === 'faces').map((r) => r.data as FacesReport);

/** The prefix's result on the whole decoded frame, at true scale (kept). */
async function prefixResult(req: PreviewRequest, key: string, input: Frame, source: SourceInfo, prefix: ResolvedStep[]) {
  const k = `${key}|${JSON.stringify(prefix)}`;
  if (prefixCache?.key === k) return { ...prefixCache, ran: false };
  prefixCache = undefined;
  const src = runSource(source);
  const { frame, timings, reports } = await run(req, input, prefix, src);
  // runSteps' result may view this thread's scratch buffers, which the next run reuses.
  const own = frame === input ? input : packed(frame);
  prefixCache = { key: k, frame: own, source: src, timings, reports: facesOf(reports) };
  return { ...prefixCache, ran: true };
}

/** `region` of `f` at `display` size (area-resampled when smaller), as RGBA. */
function shown(f: Frame, region: Rect, display: { width: number; height: number }): ArrayBuffer {
  const v = view(f, region.x, region.y, region.width, region.height);
  const out = display.width === region.width && display.height === region.height ? packed(v) : areaResize(v, display.width, display.height);
  return toRgba(out).buffer as ArrayBuffer;
}

/** Faces reported in the decoded frame's pixels, in the returned picture's. */
function facesShown(faces: FacesReport | undefined, toDecoded: Affine | undefined, plan: ViewPlan, W: number, H: number) {
  if (!faces) return undefined;
  const toOut = toDecoded && invert(toDecoded);
  const sx = plan.display.width / plan.region.width,
    sy = plan.display.height / plan.region.height;
  return faces.faces.map((f) => {
    const [x, y, w, h] = toOut ? mapBox(toOut, f.box, W, H) : f.box;
    return { box: [(x - plan.region.x) * sx, (y - plan.region.y) * sy, w * sx, h * sy], score: f.score };
  });
}

export async function preview(vips: Vips, req: PreviewRequest): Promise<PreviewResult> {
  const limits = req.limits ?? DEFAULT_LIMITS;
  const { decode, rest } = decodeStage(req.steps);
  const dec = await decoded(vips, req, decode);
  const { frame: src, source } = dec.decoded;
  const storedOrientation = decode.autoOrient ? (dec.decoded.source.geometry ? storedOrientationOf(dec.decoded) : 1) : source.orientation;
  const { prefix, suffix } = splitGlobal(rest);
  const prefixKey = `${dec.key}|${JSON.stringify(prefix)}`;
  const base = { sourceWidth: src.width, sourceHeight: src.height, decodeMs: dec.ms, ...(dec.frames ? { frames: dec.frames } : {}) };

  // A prefix to run again on a large image: a quick answer from a reduced copy first.
  if (req.quick && prefix.length && prefixCache?.key !== prefixKey && src.width * src.height > QUICK_ABOVE) {
    return quickView(dec.key, src, source, rest, req, storedOrientation, decode.autoOrient === true, base);
  }

  const pre = prefix.length ? await prefixResult(req, dec.key, src, source, prefix) : undefined;
  const out = pre?.frame ?? src;
  const W = out.width,
    H = out.height;
  const planned = planView(W, H, req.view, limits);
  // A large exact region (fit on a few megapixels) answers first from its reduced copy when asked to be quick.
  const quickRegion = req.quick === true && planned.exact && planned.region.width * planned.region.height > QUICK_REGION;
  const plan = quickRegion ? { ...planned, exact: false } : planned;
  const { region, display } = plan;
  if (stale(req)) throw superseded();
  const toDecoded = pre?.source.geometry?.toInput;

  // After: the local steps on the region plus halo (exact), or on a reduced copy of it.
  let after: ArrayBuffer;
  let timings: StepTiming[];
  let faces: FacesReport | undefined = pre?.reports.at(-1);
  const runSrc = () => ({ ...(pre?.source ?? runSource(source)) });
  if (plan.exact) {
    const win = haloWindow(region, chainHalo(suffix), W, H);
    const r = await run(req, copyOut(out, win), suffix, runSrc(), { x: win.x, y: win.y, width: W, height: H });
    timings = r.timings;
    after = shown(r.frame, { x: region.x - win.x, y: region.y - win.y, width: region.width, height: region.height }, display);
    faces = facesOf(r.reports).at(-1) ?? faces;
  } else {
    const reducedKey = `${prefixKey}|${JSON.stringify(region)}|${display.width}×${display.height}`;
    if (reducedCache?.key !== reducedKey)
      reducedCache = {
        key: reducedKey,
        frame: areaResize(view(out, region.x, region.y, region.width, region.height), display.width, display.height),
      };
    // The reduced region stands for its part of the output at that scale: watermarks sized and
    // placed relative to the output then look as they will (not exact: the view says so).
    const k = display.width / region.width;
    const r = await run(req, reducedCache.frame, suffix, runSrc(), {
      x: Math.round(region.x * k),
      y: Math.round(region.y * k),
      width: Math.max(display.width, Math.round(W * k)),
      height: Math.max(display.height, Math.round(H * k)),
    });
    timings = r.timings;
    after = toRgba(r.frame).buffer as ArrayBuffer;
  }

  // Before: the decoded photo under the same part of the output, at the same size.
  // Keyed by the place in the photo, not by the steps: dragging a resize at Fit keeps it.
  const at = toDecoded
    ? boxOf(mapBox(toDecoded, [region.x, region.y, region.width, region.height], src.width, src.height, 'outward'))
    : region;
  const beforeKey = `${dec.key}|${JSON.stringify(at)}|${display.width}×${display.height}`;
  if (beforeCache?.key !== beforeKey) beforeCache = { key: beforeKey, rgba: shown(src, at, display) };
  const before = beforeCache.rgba.slice(0);

  const result: PreviewResult = {
    ...base,
    width: display.width,
    height: display.height,
    before,
    after,
    afterWidth: display.width,
    afterHeight: display.height,
    region,
    scale: plan.exact ? 1 : display.width / region.width,
    // One timing per requested step: the decoder's (timed as decode) 0, the kept prefix's from when it ran.
    steps: [...decodeTimings(req.steps, rest), ...(pre?.timings ?? []), ...timings],
    faces: facesShown(faces, toDecoded, plan, W, H),
    truth: {
      outputWidth: W,
      outputHeight: H,
      zoom: plan.zoom,
      exact: plan.exact,
      computeScale: plan.exact ? 1 : display.width / region.width,
      ...(quickRegion ? { pending: true } : {}),
      storedOrientation,
      turned: decode.autoOrient === true && storedOrientation !== 1,
    },
  };
  // The encoded file is the whole output: not for a quick answer (the exact one follows).
  if (req.encode && !result.truth?.pending)
    result.encoded = await encodedView(vips, req, dec.key, out, pre?.source ?? runSource(source), suffix, plan);
  return result;
}

/** The orientation the file stores, when the decoder turned it (its geometry records the turn). */
function storedOrientationOf(d: Decoded): number {
  const m = d.source.geometry?.toInput;
  if (!m) return 1;
  // The decoder's map is orientationMap(o) (times a scale for thumbnails): its signs and swap give o.
  const [a, b, , dd, e] = m;
  const sa = Math.sign(a),
    sb = Math.sign(b),
    sd = Math.sign(dd),
    se = Math.sign(e);
  if (sb === 0) return sa > 0 ? (se > 0 ? 1 : 4) : se > 0 ? 2 : 3;
  if (sb > 0) return sd > 0 ? 5 : 6;
  return sd < 0 ? 7 : 8;
}

/** Zero timings for the steps the decoder did (those before `rest`). */
const decodeTimings = (steps: ResolvedStep[], rest: ResolvedStep[]): StepTiming[] =>
  steps.slice(0, steps.length - rest.length).map((s) => ({ op: s.op, ms: 0 }));

const boxOf = (b: readonly number[]): Rect => ({ x: b[0], y: b[1], width: Math.max(1, b[2]), height: Math.max(1, b[3]) });

/** The whole recipe on a reduced copy, while the exact whole-image steps wait for the next request. */
async function quickView(
  decodeKey: string,
  src: Frame,
  source: SourceInfo,
  rest: ResolvedStep[],
  req: PreviewRequest,
  storedOrientation: number,
  turned: boolean,
  base: { sourceWidth: number; sourceHeight: number; decodeMs: number; frames?: number },
): Promise<PreviewResult> {
  const k = Math.sqrt(QUICK_PIXELS / (src.width * src.height));
  if (smallCache?.key !== decodeKey) smallCache = { key: decodeKey, frame: areaResize(src, src.width * k, src.height * k) };
  const small = smallCache.frame;
  const real = outputGeometry(rest, { width: src.width, height: src.height, orientation: source.orientation });
  const r = await run(req, small, rest, runSource(source));
  const plan = planView(real.width, real.height, req.view, req.limits ?? DEFAULT_LIMITS);
  // The reduced output stands for the real one: the region scaled by their ratio.
  const fx = r.frame.width / real.width,
    fy = r.frame.height / real.height;
  const clip = (v: number, max: number) => Math.max(0, Math.min(max, v));
  const x0 = clip(Math.floor(plan.region.x * fx), r.frame.width - 1),
    y0 = clip(Math.floor(plan.region.y * fy), r.frame.height - 1);
  const x1 = clip(Math.ceil((plan.region.x + plan.region.width) * fx), r.frame.width),
    y1 = clip(Math.ceil((plan.region.y + plan.region.height) * fy), r.frame.height);
  const part = view(r.frame, x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
  const after = toRgba(areaResize(part, plan.display.width, plan.display.height)).buffer as ArrayBuffer;
  // Before: the same place of the reduced photo (where the map back is known; else the region itself).
  const kx = small.width / src.width,
    ky = small.height / src.height;
  const b = real.toInput
    ? mapBox(real.toInput, [plan.region.x, plan.region.y, plan.region.width, plan.region.height], src.width, src.height, 'outward')
    : [plan.region.x, plan.region.y, plan.region.width, plan.region.height];
  const bx = Math.min(small.width - 1, Math.floor(b[0] * kx)),
    by = Math.min(small.height - 1, Math.floor(b[1] * ky));
  const bw = Math.max(1, Math.min(small.width - bx, Math.ceil(b[2] * kx))),
    bh = Math.max(1, Math.min(small.height - by, Math.ceil(b[3] * ky)));
  const before = shown(small, { x: bx, y: by, width: bw, height: bh }, plan.display);
  return {
    ...base,
    width: plan.display.width,
    height: plan.display.height,
    before,
    after,
    afterWidth: plan.display.width,
    afterHeight: plan.display.height,
    region: plan.region,
    scale: fx,
    steps: [...decodeTimings(req.steps, rest), ...r.timings],
    truth: {
      outputWidth: real.width,
      outputHeight: real.height,
      zoom: plan.zoom,
      exact: false,
      computeScale: fx,
      pending: true,
      storedOrientation,
      turned: turned && storedOrientation !== 1,
    },
  };
}

/**
 * The whole output encoded with the batch's encoder and options (encodeOutput, as image-task's
 * encodeDone), decoded again, and shown at the plan's region: what the file will look like, and
 * its size. Kept until a step or option changes.
 */
async function encodedView(
  vips: Vips,
  req: PreviewRequest,
  decodeKey: string,
  out: Frame,
  source: SourceInfo,
  suffix: ResolvedStep[],
  plan: ViewPlan,
) {
  const opts = req.encode!;
  const key = `${decodeKey}|${JSON.stringify(req.steps)}|${JSON.stringify(opts)}`;
  if (encodedCache?.key !== key) {
    encodedCache = undefined;
    const t = performance.now();
    const src = { ...source };
    const { frame } = await run(req, out, suffix, src);
    // The batch's encoder, target size included: the same bytes the batch writes.
    const { bytes } = await encodeWithin(vips, frame, opts, src);
    const ms = performance.now() - t;
    encodedCache = { key, frame: decodeSource(vips, bytes).frame, bytes: bytes.length, ms };
  }
  const e = encodedCache;
  const fits = e.frame.width === out.width && e.frame.height === out.height;
  return {
    pixels: fits ? shown(e.frame, plan.region, plan.display) : new ArrayBuffer(plan.display.width * plan.display.height * 4),
    bytes: e.bytes,
    inputBytes: req.file.size,
    encodeMs: e.ms,
  };
}
