/**
 * Marking regions to hide on a video (the redact-regions step), as a Lit controller the studio
 * hosts: a frame of the previewed video is shown in <face-review> (as "regions" on a "frame"), so
 * boxes are drawn, moved, resized and dropped with the pointer or the keyboard as faces are;
 * n/p (or the buttons, or the frame number) go frame by frame. Follow runs the batch's own
 * tracking (jobs/video/region-tracks.ts) and shows each object's followed box on every frame;
 * adjusting a followed box makes it a mark of that object at that frame (a correction: the
 * tracking resumes from there on the next Follow). Use these regions writes the marks into the
 * step's `regions` JSON, by time (the frames' own timestamps, so a range that does not start at
 * 0 still finds them).
 *
 * Marking faces to leave visible (a face step's `keep`) also runs the face step's detector on the
 * shown frame (the studio's own detection of a photo, reports only) and shows the faces it finds
 * there as boxes to be hidden, unless a keep box covers them (more than half, as the batch drops
 * them). Dropping a found face makes it a keep mark at that frame with the detector's box: a
 * review at keyframes, each decision followed through the clip from its frame.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import * as api from '../api';
import { messageOf } from '../core/errors';
import type { FacesReport } from '../core/faces';
import { keptBy } from '../core/regions';
import type { Box, ReviewedFaces } from '../core/reviewed-faces';
import './face-review';

/** One mark: object `id` at `box` (video pixels) in the frame at `time` (seconds, input time). */
interface Mark {
  id: string;
  time: number;
  box: Box;
}

/** A box on the shown frame: a mark there, where Follow placed an object, or (keep) a face the detector found there. */
interface Shown {
  id: string;
  mark: boolean;
  confidence?: number;
  lost?: boolean;
  /** A found face: its score (it is no mark: the batch will hide it). */
  found?: number;
}

/** The detector's faces on one frame: being found, found, or its failure in words. */
type Found = { finding: true } | { faces: { box: Box; score: number }[] } | { error: string };

/** Finds the faces of face step `step` in picture `picture` named `name` (the batch's detection). */
export type DetectFaces = (step: number, name: string, picture: Blob) => Promise<FacesReport>;

/** Order ids of found faces: never an object's (a region id has no NUL). */
const foundId = (k: number) => `\u0000found-${k}`;
const isFound = (id: string) => id.startsWith('\u0000found-');

interface Open {
  path: string;
  file: Blob;
  step: number;
  /** The step's Follow in video: off holds each mark still (as the batch would). */
  track: boolean;
  /** Which param the marks are: a Hide regions step's `regions`, or a face step's `keep` (faces left visible). */
  key: 'regions' | 'keep';
  /** Object ids in the order their boxes are listed: an edit never reorders the list (face-review selects by index). */
  order: string[];
  /** Stops a Follow still reading the video when the panel closes. */
  abort: AbortController;
  frames: api.VideoFrames;
  index: number;
  still?: { src: string; index: number; time: number; width: number; height: number };
  /** keep: the detector's faces on each frame shown, by frame index (while the panel is open). */
  found: Map<number, Found>;
  marks: Mark[];
  tracks?: api.TracksReport;
  status?: string;
  following?: boolean;
}

const same = (a: number, b: number, fps: number) => Math.abs(a - b) < 0.5 / fps;

export class RegionMarksController implements ReactiveController {
  private open?: Open;
  /** The last Follow of each video, with the regions it followed: the preview of a frame shows its boxes. */
  private followed = new Map<string, { regions: string; report: api.TracksReport }>();
  /** Counts start() calls: an older one still opening gives way. */
  private opening = 0;

  /**
   * @param host the studio
   * @param use writes the marks (JSON) as param `key` of step `step`; false when the recipe refused them
   * @param range the video options' start and end (Follow tracks the range the batch will)
   * @param detect the face step's detector on a frame picture (keep: the faces shown as found); none: no faces shown
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly use: (step: number, key: 'regions' | 'keep', regions: string) => boolean,
    private readonly range: () => Pick<api.VideoOptions, 'start' | 'end'>,
    private readonly detect?: DetectFaces,
  ) {
    host.addController(this);
  }

  get isOpen(): boolean {
    return !!this.open;
  }

  hostDisconnected(): void {
    this.close();
  }

  /**
   * `recipe` for the preview of the frame at `time` (s) of video `path`: each Hide regions step
   * hides its objects, and each face step keeps its faces visible, where they are in that frame —
   * followed there (the last Follow of those marks), else marked there — as the batch will, not
   * every mark at once.
   */
  forFrame(recipe: api.Recipe, path: string, time: number): api.Recipe {
    const steps = recipe.steps.map((s) => {
      const key = api.regionsParamOf(s.op);
      const text = key ? String(s.params?.[key] ?? '') : '';
      if (!key || !text.trim()) return s;
      let regions: api.Region[];
      try {
        regions = api.parseRegions(text);
      } catch {
        return s; // the step says what is wrong itself
      }
      const f = this.followed.get(`${path}|${key}`);
      let boxes: { id: string; box: Box }[];
      if (f && f.regions === text && (key === 'keep' || s.params?.track !== false)) {
        const near = (t: number) => Math.abs(t - time);
        boxes = f.report.objects.flatMap((o) => {
          const p = o.frames.reduce<(typeof o.frames)[number] | undefined>(
            (b, q) => (!b || near(q.time) < near(b.time) ? q : b),
            undefined,
          );
          return p && near(p.time) < 0.05 ? [{ id: o.id, box: p.box }] : [];
        });
      } else boxes = regions.filter((r) => r.time !== undefined && Math.abs(r.time - time) < 0.002).map((r) => ({ id: r.id, box: r.box }));
      return { ...s, params: { ...s.params, [key]: boxes.length ? JSON.stringify(boxes) : '' } };
    });
    return { ...recipe, steps };
  }

  /** Opens the marking of video `path` for step `step`, whose `regions` JSON and `track` it starts from, at frame `index`. */
  async start(
    path: string,
    file: Blob,
    step: number,
    params: { regions: string; track: boolean; key?: 'regions' | 'keep' },
    index: number,
  ): Promise<void> {
    this.close();
    const ticket = ++this.opening;
    const frames = await api.openVideoFrames(file, path);
    if (ticket !== this.opening) {
      frames.dispose(); // a later start() (a second click) won
      return;
    }
    const fps = frames.info.frameRate;
    const marks = api.parseRegions(params.regions).map((r) => ({
      id: r.id,
      box: r.box,
      // A mark by frame index: that frame's time by the rate (the frames are counted from the range's start).
      time: r.time ?? Math.max(frames.info.start, this.range().start) + (r.frame ?? 0) / fps,
    }));
    const order = [...new Set(marks.map((m) => m.id))];
    this.open = {
      path,
      file,
      step,
      track: params.track,
      key: params.key ?? 'regions',
      order,
      abort: new AbortController(),
      frames,
      index,
      marks,
      found: new Map(),
    };
    await this.show(index);
  }

  close(): void {
    const o = this.open;
    this.open = undefined;
    o?.abort.abort();
    if (o?.still) URL.revokeObjectURL(o.still.src);
    o?.frames.dispose();
    this.host.requestUpdate();
  }

  private async show(index: number): Promise<void> {
    const o = this.open;
    if (!o || !Number.isFinite(index)) return;
    const i = Math.max(0, Math.min(o.frames.info.frames - 1, Math.round(index)));
    o.index = i;
    o.status = `Decoding frame ${i + 1}…`;
    this.host.requestUpdate();
    try {
      const still = await o.frames.pictureAt(i);
      if (this.open !== o || o.index !== i) return;
      if (o.still) URL.revokeObjectURL(o.still.src);
      o.still = { src: URL.createObjectURL(still.image), index: i, time: still.timestamp, width: still.width, height: still.height };
      o.status = undefined;
      if (o.key === 'keep') void this.find(o, i, still.image);
    } catch (e) {
      if (this.open === o) o.status = `Could not show frame ${i + 1} of ${o.path}: ${messageOf(e)}`;
    }
    this.host.requestUpdate();
  }

  /**
   * Runs the face step's detector on frame `i` (its picture `image`), once while the panel is
   * open: the frame as the page decodes it, named after the video and the frame.
   */
  private async find(o: Open, i: number, image: Blob): Promise<void> {
    if (!this.detect || o.found.has(i)) return;
    o.found.set(i, { finding: true });
    this.host.requestUpdate();
    const ext = image.type === 'image/png' ? 'png' : image.type === 'image/tiff' ? 'tif' : 'jpg';
    let found: Found;
    try {
      const report = await this.detect(o.step, `${o.path} frame ${i + 1}.${ext}`, image);
      found = { faces: report.faces.map((f) => ({ box: f.box.map((v) => Math.round(v)) as Box, score: f.score })) };
    } catch (e) {
      found = { error: messageOf(e) };
    }
    if (this.open !== o) return;
    o.found.set(i, found);
    this.host.requestUpdate();
  }

  /** The boxes on the shown frame: each object marked there or placed there by Follow, and (keep) each face found there and not kept, in the list's order. */
  private shown(): { review: ReviewedFaces; shown: Shown[] } | undefined {
    const o = this.open;
    const s = o?.still;
    if (!o || !s) return undefined;
    const fps = o.frames.info.frameRate;
    const items: (Shown & { box: Box })[] = [];
    for (const m of o.marks) if (same(m.time, s.time, fps)) items.push({ id: m.id, mark: true, box: m.box });
    for (const obj of o.tracks?.objects ?? []) {
      if (items.some((m) => m.id === obj.id)) continue;
      const p = obj.frames.find((f) => same(f.time, s.time, fps));
      if (p)
        items.push({
          id: obj.id,
          mark: false,
          confidence: p.confidence,
          box: p.box.map((v) => Math.round(v)) as Box,
          ...(p.lost ? { lost: true } : {}),
        });
    }
    const found = o.key === 'keep' ? o.found.get(s.index) : undefined;
    if (found && 'faces' in found) {
      const keeps = items.map((it) => it.box);
      found.faces.forEach((f, k) => {
        if (!keptBy(f.box, keeps)) items.push({ id: foundId(k), mark: false, found: f.score, box: f.box });
      });
    }
    for (const it of items) if (!o.order.includes(it.id)) o.order.push(it.id);
    items.sort((a, b) => o.order.indexOf(a.id) - o.order.indexOf(b.id));
    return {
      review: { reviewed: true, width: s.width, height: s.height, faces: items.map((it) => ({ box: it.box })) },
      shown: items.map(({ box: _box, ...rest }) => rest),
    };
  }

  /** A new object id `${prefix}-N`, unused by any mark or listed object. */
  private newId(o: Open, prefix: string): string {
    const ids = new Set([...o.order.filter((id) => !isFound(id)), ...o.marks.map((m) => m.id)]);
    let n = prefix === 'region' ? ids.size + 1 : 1;
    while (ids.has(`${prefix}-${n}`)) n++;
    return `${prefix}-${n}`;
  }

  /**
   * The found face (its order id) that dropping shown box `i` uncovers: a face the detector finds
   * under a keep mark of this frame, listed again in the mark's place once the mark is gone.
   */
  private uncovered(i: number): string | undefined {
    const o = this.open;
    const cur = this.shown();
    const found = o?.still && o.key === 'keep' ? o.found.get(o.still.index) : undefined;
    const s = cur?.shown[i];
    if (!o || !cur || !s?.mark || !found || !('faces' in found)) return undefined;
    const gone = cur.review.faces[i].box;
    const others = cur.review.faces.filter((_, k) => k !== i).map((f) => f.box);
    const k = found.faces.findIndex((f) => keptBy(f.box, [gone]) && !keptBy(f.box, others));
    return k < 0 ? undefined : foundId(k);
  }

  /**
   * What face-review says when box `i` is dropped and stays listed (keep): a found face becomes
   * one left visible; a keep mark over a face the detector finds leaves it to be hidden again.
   */
  private keeps(i: number): string | undefined {
    const o = this.open;
    const s = this.shown()?.shown[i];
    if (!o || o.key !== 'keep' || !s) return undefined;
    if (s.found !== undefined) return `Face ${i + 1} left visible: marked here, followed through the video`;
    if (this.uncovered(i)) return `Face ${i + 1} will be hidden: the detector finds it, and it is no longer marked here`;
    return undefined;
  }

  /**
   * face-review's edit of the shown boxes, as marks: an added box is a new object (listed last, as
   * face-review selects it), a moved or resized one a mark of its object here (a correction of a
   * followed box), a dropped mark gone, a dropped found face a new keep mark with the detector's
   * box (in its place in the list). That object's followed track is dropped (made from the old marks).
   */
  private edit(next: ReviewedFaces): void {
    const o = this.open;
    const cur = this.shown();
    if (!o || !o.still || !cur) return;
    const time = o.still.time;
    const fps = o.frames.info.frameRate;
    const before = cur.review.faces.map((f) => f.box);
    const after = next.faces.map((f) => f.box);
    const eq = (a: Box, b: Box) => a.every((v, k) => v === b[k]);
    const here = (m: Mark, id: string) => m.id === id && same(m.time, time, fps);
    const refuse = (why: string) => {
      o.status = why;
      this.host.requestUpdate();
    };
    let id: string | undefined;
    if (after.length > before.length) {
      id = this.newId(o, 'region');
      o.order.push(id);
      o.marks = [...o.marks, { id, time, box: after[after.length - 1] }];
    } else if (after.length < before.length) {
      const gone = before.findIndex((b, i) => !after[i] || !eq(b, after[i]));
      const s = cur.shown[gone];
      if (s?.found !== undefined) {
        // Left visible: a keep mark of a new object, where the face is in the list.
        id = this.newId(o, 'face');
        o.order.splice(o.order.indexOf(s.id), 1, id);
        o.marks = [...o.marks, { id, time, box: before[gone] }];
        o.status = `${id} is left visible from here: Follow shows it through the video; the batch follows it the same way.`;
      } else if (!s?.mark) {
        return refuse(
          o.key === 'keep'
            ? `"${s?.id}" is only followed here: drop its marks to stop leaving it visible, or move its box to correct it.`
            : `"${s?.id}" is only followed here: drop its marks to stop hiding it, or move its box to correct it.`,
        );
      } else {
        id = s.id;
        const back = this.uncovered(gone);
        o.marks = o.marks.filter((m) => !here(m, s.id));
        if (back) {
          // The found face takes the mark's place in the list; the mark's id is free again unless other frames have marks of it.
          o.order = o.order.filter((x) => x !== back);
          o.order.splice(o.order.indexOf(s.id), 1, back);
        }
      }
    } else {
      const changed = before.findIndex((b, i) => !eq(b, after[i]));
      if (changed < 0) return;
      const own = cur.shown[changed];
      if (own.found !== undefined)
        return refuse(
          "A found face is the detector's box: press Delete (or Drop) to leave it visible, or draw a box over a face it missed.",
        );
      id = own.id;
      const box = after[changed];
      o.marks = o.marks.some((m) => here(m, own.id))
        ? o.marks.map((m) => (here(m, own.id) ? { ...m, box } : m))
        : [...o.marks, { id: own.id, time, box }];
    }
    if (o.tracks) o.tracks = { ...o.tracks, objects: o.tracks.objects.filter((t) => t.id !== id) };
    this.host.requestUpdate();
  }

  private regionsJson(): string {
    const marks = this.open?.marks ?? [];
    return marks.length
      ? JSON.stringify(
          [...marks]
            .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.time - b.time))
            .map((m) => ({ id: m.id, box: m.box, time: m.time })),
        )
      : '';
  }

  private async follow(): Promise<void> {
    const o = this.open;
    if (!o || !o.marks.length) return;
    o.following = true;
    o.status = `Following ${new Set(o.marks.map((m) => m.id)).size} object(s) through ${o.path}…`;
    this.host.requestUpdate();
    const regions = this.regionsJson();
    try {
      const what = o.status;
      const tracks = await api.followRegions(o.file, o.path, regions, this.range(), o.track, o.abort.signal, (done, total) => {
        if (this.open !== o || !o.following) return;
        o.status = `${what} ${Math.floor((100 * done) / Math.max(1, total))} %`;
        this.host.requestUpdate();
      });
      if (this.open !== o) return;
      this.followed.set(`${o.path}|${o.key}`, { regions, report: tracks });
      // Marks edited meanwhile: these tracks are of the old ones.
      if (this.regionsJson() !== regions) {
        o.status = 'The marks changed while following: press Follow again.';
        return;
      }
      o.tracks = tracks;
      o.status = tracks.objects
        .map(
          (t) =>
            `"${t.id}" followed in ${t.hidden} of ${tracks.frames} frames${t.lost ? ` (lost in ${t.lost}: its box there is predicted)` : ''}`,
        )
        .join('; ');
    } catch (e) {
      if (this.open === o) o.status = `Could not follow the regions: ${messageOf(e)}`;
    } finally {
      o.following = false;
      this.host.requestUpdate();
    }
  }

  /** keep: what the status says of the detector on the shown frame. */
  private foundSaid(o: Open): string | undefined {
    const s = o.still;
    if (!s || s.index !== o.index || !this.detect) return undefined;
    const f = o.found.get(s.index);
    const n = s.index + 1;
    if (!f || 'finding' in f) return `Finding the faces on frame ${n}…`;
    if ('error' in f) return `Could not find the faces on frame ${n}: ${f.error}`;
    const hidden = this.shown()?.shown.filter((x) => x.found !== undefined).length ?? 0;
    const found = f.faces.length;
    return found === 0
      ? `No faces found on frame ${n}.`
      : `${found} face${found === 1 ? '' : 's'} found on frame ${n}: ${hidden} will be hidden, ${found - hidden} left visible.`;
  }

  render(): TemplateResult | typeof nothing {
    const o = this.open;
    if (!o) return nothing;
    const cur = this.shown();
    const n = o.frames.info.frames;
    const keep = o.key === 'keep';
    const labels = cur?.shown.map((s) => {
      if (s.found !== undefined) return `found face (${s.found.toFixed(2)}, will be hidden)`;
      const how = s.mark ? 'marked here' : `followed${s.lost ? ', lost' : ''}, ${(s.confidence ?? 0).toFixed(2)}`;
      return keep ? `${s.id} (left visible, ${how})` : `${s.id} (${how})`;
    });
    const kinds = keep ? cur?.shown.map((s) => (s.found !== undefined ? 'found' : 'kept')) : undefined;
    const faces = keep ? this.foundSaid(o) : undefined;
    const hidden = cur?.shown.filter((x) => x.found !== undefined).length ?? 0;
    const summary = keep && cur ? `${hidden} will be hidden, ${cur.shown.length - hidden} left visible` : undefined;
    return html`<section class="panel" id="region-marks-panel" aria-labelledby="region-marks-title">
      <h2 id="region-marks-title">
        ${o.key === 'keep' ? 'Faces to leave visible' : 'Mark regions'}: ${o.path}, frame ${o.index + 1} of ${n}
      </h2>
      <p class="muted">
        ${
          o.key === 'keep'
            ? 'The faces the detector finds on this frame are boxed (dashed: they will be hidden). Select one and press Delete, or Drop, to leave it visible; or drag over a face that must stay visible (a poster, a face on a screen, someone who agreed), or press Add box. Each is followed through the video from this frame, and faces found on it are neither hidden nor listed.'
            : 'Drag on the frame, or press Add box, to mark something to hide (a licence plate, a badge, a screen).'
        }
        Go to another frame and adjust a box to correct the tracking there. Follow shows where each one is followed; the batch follows them
        the same way and writes <code>${o.path}.tracks.json</code>.
      </p>
      <p id="region-marks-status" role="status">${[o.status, faces].filter(Boolean).join(' ')}</p>
      ${
        cur && o.still
          ? html`<face-review
              noun=${keep ? 'face' : 'region'}
              picture="frame"
              .src=${o.still.src}
              .review=${cur.review}
              .labels=${labels}
              .kinds=${kinds}
              .summary=${summary}
              .keeps=${keep ? (i: number) => this.keeps(i) : undefined}
              @review-change=${(e: CustomEvent<ReviewedFaces>) => this.edit(e.detail)}
              @next=${() => void this.show(o.index + 1)}
              @prev=${() => void this.show(o.index - 1)}
            ></face-review>`
          : ''
      }
      <div class="row">
        <button id="marks-prev" ?disabled=${o.index <= 0} @click=${() => void this.show(o.index - 1)}>Previous frame</button>
        <label
          >Frame
          <input
            id="marks-frame"
            type="number"
            min="1"
            max=${n}
            .value=${String(o.index + 1)}
            @change=${(e: Event) => void this.show(Number((e.target as HTMLInputElement).value) - 1)}
        /></label>
        <button id="marks-next" ?disabled=${o.index >= n - 1} @click=${() => void this.show(o.index + 1)}>Next frame</button>
        <button id="marks-follow" ?disabled=${!o.marks.length || o.following} @click=${() => void this.follow()}>Follow</button>
        <button
          id="marks-use"
          @click=${() => {
            if (this.use(o.step, o.key, this.regionsJson())) this.close();
            else o.status = 'The recipe did not take these regions (see the recipe panel); they are kept here.';
            this.host.requestUpdate();
          }}
        >
          Use these regions
        </button>
        <button id="marks-cancel" @click=${() => this.close()}>Cancel</button>
        <span class="muted" id="marks-count"
          >${o.marks.length} mark${o.marks.length === 1 ? '' : 's'} of ${new Set(o.marks.map((m) => m.id)).size} object(s)</span
        >
      </div>
    </section>`;
  }
}
