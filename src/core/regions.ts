/**
 * Regions a person marks to hide (a licence plate, a name badge, a screen): the `regions`
 * parameter of the redact-regions step, as JSON text, and the tracks a video's regions become
 * (`<input>.tracks.json`).
 *
 * A region is a box in the input's stored pixels, in one frame of a video (by index or by
 * time); several regions with one `id` are the same object marked in several frames (the first
 * mark, then corrections). In a photo every region is hidden, whatever its frame. In a video
 * with tracking on, each object is followed from its marks forwards and backwards
 * (core/object-track.ts) and hidden in every frame it was followed in; with tracking off, each
 * object's box stays where it was marked (from its latest mark on) in every frame.
 */
import type { Box, ObjectMark, ObjectTrack } from './object-track';
import { frameAtTime } from './object-track';

export type { Box } from './object-track';

/** One marked box, as the recipe gives it. */
export interface Region {
  /** The object: marks with one id are one object. */
  id: string;
  /** [x, y, width, height] in the input's stored pixels. */
  box: Box;
  /** Video: the frame it is marked in (0 = the first frame processed), or… */
  frame?: number;
  /** …the time in seconds in the input video (the nearest frame). Neither: frame 0. */
  time?: number;
}

/** Longest regions text a recipe may hold (about 1500 regions). */
export const MAX_REGIONS_TEXT = 100_000;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The regions of a redact-regions step's `regions` text. Errors name the region by its JSON path
 * (`[2].box`) and say what a valid one looks like. Regions without an `id` are each their own
 * object (`region-1`, `region-2`…, by position).
 */
export function parseRegions(text: string): Region[] {
  if (!text.trim()) return [];
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `not JSON (${e instanceof Error ? e.message : String(e)}); expected [{"id": "plate", "box": [x, y, w, h], "frame": 0}]`,
    );
  }
  if (!Array.isArray(j)) throw new Error('expected a list of regions like [{"id": "plate", "box": [x, y, w, h], "frame": 0}]');
  const seen = new Map<string, Set<number | string>>();
  return j.map((r: unknown, i): Region => {
    const at = `[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`${at}: a region must be an object with a box`);
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!['id', 'box', 'frame', 'time'].includes(k)) throw new Error(`${at}.${k}: unknown field (a region has id, box, frame or time)`);
    if (o.id !== undefined && (typeof o.id !== 'string' || !o.id.trim() || o.id.length > 100))
      throw new Error(`${at}.id: must be a name of 1–100 characters`);
    const b = o.box;
    if (!Array.isArray(b) || b.length !== 4 || !b.every(isNum))
      throw new Error(`${at}.box: must be [x, y, width, height] in pixels, got ${JSON.stringify(b)}`);
    if (!(b[2] > 0 && b[3] > 0)) throw new Error(`${at}.box: width and height must be more than 0, got [${b.join(', ')}]`);
    if (o.frame !== undefined && o.time !== undefined) throw new Error(`${at}: give frame or time, not both`);
    if (o.frame !== undefined && !(isNum(o.frame) && Number.isInteger(o.frame) && o.frame >= 0))
      throw new Error(`${at}.frame: must be a frame number (0, 1, 2…), got ${JSON.stringify(o.frame)}`);
    if (o.time !== undefined && !(isNum(o.time) && o.time >= 0))
      throw new Error(`${at}.time: must be a time in seconds (0 or more), got ${JSON.stringify(o.time)}`);
    const id = typeof o.id === 'string' ? o.id : `region-${i + 1}`;
    const when = o.time !== undefined ? `t${o.time}` : (o.frame ?? 0);
    const own = seen.get(id) ?? new Set();
    if (own.has(when)) throw new Error(`${at}: "${id}" is marked twice in the same ${typeof when === 'string' ? 'time' : 'frame'}`);
    own.add(when);
    seen.set(id, own);
    return {
      id,
      box: [b[0], b[1], b[2], b[3]],
      ...(o.frame !== undefined ? { frame: o.frame } : {}),
      ...(o.time !== undefined ? { time: o.time } : {}),
    };
  });
}

/** The message of parseRegions' error, or undefined when the text is valid (the recipe validator's check). */
export function checkRegions(text: string): string | undefined {
  try {
    parseRegions(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The box clipped to a `width`×`height` frame and rounded outward to whole pixels; a box wholly
 * outside is an error naming the region (a redaction that hides nothing must not pass quietly).
 */
export function clipRegion(r: Pick<Region, 'id' | 'box'>, width: number, height: number): Box {
  const [x, y, w, h] = r.box;
  const x0 = Math.max(0, Math.floor(x)),
    y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(width, Math.ceil(x + w)),
    y1 = Math.min(height, Math.ceil(y + h));
  if (x1 <= x0 || y1 <= y0) throw new Error(`region "${r.id}" [${r.box.join(', ')}] lies outside the ${width}×${height} picture`);
  return [x0, y0, x1 - x0, y1 - y0];
}

/**
 * The regions as the tracker's marks: each region's frame, or the frame nearest its time among
 * the clip's frame `times` (seconds, input time, in order). A mark outside the clip is an error
 * naming it, since its object would silently stay visible.
 */
export function regionMarks(regions: readonly Region[], times: readonly number[]): ObjectMark[] {
  const n = times.length;
  const marks = regions.map((r) => {
    const where = r.time !== undefined ? ` at ${r.time} s` : ` in frame ${r.frame ?? 0}`;
    if (r.time !== undefined) {
      const last = times[n - 1] ?? 0;
      // Half a frame of slack past the last frame's time (its duration is not known here).
      const slack = n > 1 ? (last - times[0]) / (n - 1) : 0;
      if (r.time < times[0] - slack / 2 || r.time > last + slack)
        throw new Error(`region "${r.id}"${where} is outside the video's frames (${times[0].toFixed(3)}–${last.toFixed(3)} s)`);
    } else if ((r.frame ?? 0) >= n) throw new Error(`region "${r.id}"${where}: the video has ${n} frame${n === 1 ? '' : 's'} (0–${n - 1})`);
    return { id: r.id, frame: r.time !== undefined ? frameAtTime(r.time, times) : (r.frame ?? 0), box: [...r.box] as Box };
  });
  // Two marks of one object that land on the same frame (two times a few ms apart).
  const key = new Set<string>();
  for (const m of marks) {
    const k = `${m.id}\u0000${m.frame}`;
    if (key.has(k)) throw new Error(`region "${m.id}" is marked twice in frame ${m.frame}`);
    key.add(k);
  }
  return marks;
}

/** `<input>.tracks.json`: every object's box in every frame it was followed in. */
export interface TracksReport {
  /** The input video's size: boxes are in its pixels. */
  width: number;
  height: number;
  /** Frames processed. */
  frames: number;
  /** Whether objects were followed (tracking on) or their boxes held still. */
  tracked: boolean;
  objects: {
    id: string;
    /** The boxes given (the marks), by frame. */
    marks: { frame: number; box: Box }[];
    /** A face kept visible (a face step's keep region): followed, and faces found on it left alone. */
    keep?: true;
    /** Frames it was followed in: hidden there (kept visible, for `keep`). */
    hidden: number;
    /** Frames where the object was lost (its box there is the prediction). */
    lost: number;
    frames: { frame: number; time: number; box: Box; confidence: number; lost?: true }[];
  }[];
}

/**
 * The tracks as the report: one group per step (its tracks and the marks they started from;
 * `keep` for a face step's faces kept visible); `times[i]` is frame i's time in seconds (input time).
 */
export function tracksReport(
  groups: readonly { tracks: readonly ObjectTrack[]; marks: readonly ObjectMark[]; keep?: boolean }[],
  times: readonly number[],
  size: { width: number; height: number },
  tracked: boolean,
): TracksReport {
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    width: size.width,
    height: size.height,
    frames: times.length,
    tracked,
    objects: groups.flatMap(({ tracks, marks, keep }) =>
      tracks.map((t) => ({
        id: t.id,
        marks: marks.filter((m) => m.id === t.id).map((m) => ({ frame: m.frame, box: m.box })),
        ...(keep ? { keep: true as const } : {}),
        hidden: t.frames.length,
        lost: t.frames.filter((p) => p.lost).length,
        frames: t.frames.map((p) => ({
          frame: p.frame,
          time: r3(times[p.frame] ?? 0),
          box: p.box,
          confidence: r3(p.confidence),
          ...(p.lost ? { lost: true as const } : {}),
        })),
      })),
    ),
  };
}

/** Per frame, the boxes to hide (input pixels): every track's point in that frame. */
export function boxesByFrame(tracks: readonly ObjectTrack[], frames: number): Box[][] {
  const out: Box[][] = Array.from({ length: frames }, () => []);
  for (const t of tracks) for (const p of t.frames) if (p.frame >= 0 && p.frame < frames) out[p.frame].push(p.box);
  return out;
}

/** With tracking off: each object's marked boxes held still in every frame (the object's only box, or each frame's nearest mark). */
export function stillTracks(marks: readonly ObjectMark[], frames: number): ObjectTrack[] {
  const ids = [...new Set(marks.map((m) => m.id))];
  return ids.map((id) => {
    const own = marks.filter((m) => m.id === id).sort((a, b) => a.frame - b.frame);
    const points = Array.from({ length: frames }, (_, f) => {
      // The latest mark at or before f holds until the next one (the first mark holds before it).
      let m = own[0];
      for (const o of own) if (o.frame <= f) m = o;
      return { frame: f, box: [...m.box] as Box, confidence: 1 };
    });
    return { id, frames: points };
  });
}

/** The share of box `a`'s area that box `b` covers (0–1): a face a keep box covers more than half of is kept visible. */
export function coveredBy(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 && a[2] > 0 && a[3] > 0 ? (w * h) / (a[2] * a[3]) : 0;
}

/** Whether a face at `face` is kept visible by the keep boxes: one of them covers more than half of it. */
export const keptBy = (face: readonly number[], keeps: readonly (readonly number[])[]): boolean =>
  keeps.some((k) => coveredBy(face, k) > 0.5);
