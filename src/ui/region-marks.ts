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
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import * as api from '../api';
import { messageOf } from '../core/errors';
import type { Box, ReviewedFaces } from '../core/reviewed-faces';
import './face-review';

/** One mark: object `id` at `box` (video pixels) in the frame at `time` (seconds, input time). */
interface Mark {
  id: string;
  time: number;
  box: Box;
}

/** A box on the shown frame: a mark there, or where Follow placed an object. */
interface Shown {
  id: string;
  mark: boolean;
  confidence?: number;
  lost?: boolean;
}

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
  still?: { src: string; time: number; width: number; height: number };
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
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly use: (step: number, key: 'regions' | 'keep', regions: string) => boolean,
    private readonly range: () => Pick<api.VideoOptions, 'start' | 'end'>,
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
      o.still = { src: URL.createObjectURL(still.image), time: still.timestamp, width: still.width, height: still.height };
      o.status = undefined;
    } catch (e) {
      if (this.open === o) o.status = `Could not show frame ${i + 1} of ${o.path}: ${messageOf(e)}`;
    }
    this.host.requestUpdate();
  }

  /** The boxes on the shown frame: each object marked there or placed there by Follow, in the list's order. */
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
    for (const it of items) if (!o.order.includes(it.id)) o.order.push(it.id);
    items.sort((a, b) => o.order.indexOf(a.id) - o.order.indexOf(b.id));
    return {
      review: { reviewed: true, width: s.width, height: s.height, faces: items.map((it) => ({ box: it.box })) },
      shown: items.map(({ box: _box, ...rest }) => rest),
    };
  }

  /**
   * face-review's edit of the shown boxes, as marks: an added box is a new object (listed last, as
   * face-review selects it), a moved or resized one a mark of its object here (a correction of a
   * followed box), a dropped mark gone. That object's followed track is dropped (made from the old marks).
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
    let id: string | undefined;
    if (after.length > before.length) {
      const ids = new Set([...o.order, ...o.marks.map((m) => m.id)]);
      let n = ids.size + 1;
      while (ids.has(`region-${n}`)) n++;
      id = `region-${n}`;
      o.order.push(id);
      o.marks = [...o.marks, { id, time, box: after[after.length - 1] }];
    } else if (after.length < before.length) {
      const gone = before.findIndex((b, i) => !after[i] || !eq(b, after[i]));
      const s = cur.shown[gone];
      if (!s?.mark) {
        o.status = `"${s?.id}" is only followed here: drop its marks to stop hiding it, or move its box to correct it.`;
        this.host.requestUpdate();
        return;
      }
      id = s.id;
      o.marks = o.marks.filter((m) => !here(m, s.id));
    } else {
      const changed = before.findIndex((b, i) => !eq(b, after[i]));
      if (changed < 0) return;
      const own = cur.shown[changed].id;
      id = own;
      const box = after[changed];
      o.marks = o.marks.some((m) => here(m, own))
        ? o.marks.map((m) => (here(m, own) ? { ...m, box } : m))
        : [...o.marks, { id: own, time, box }];
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
      const tracks = await api.followRegions(o.file, o.path, regions, this.range(), o.track, o.abort.signal);
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

  render(): TemplateResult | typeof nothing {
    const o = this.open;
    if (!o) return nothing;
    const cur = this.shown();
    const n = o.frames.info.frames;
    const labels = cur?.shown.map((s) =>
      s.mark ? `${s.id} (marked here)` : `${s.id} (followed${s.lost ? ', lost' : ''}, ${(s.confidence ?? 0).toFixed(2)})`,
    );
    return html`<section class="panel" id="region-marks-panel" aria-labelledby="region-marks-title">
      <h2 id="region-marks-title">
        ${o.key === 'keep' ? 'Faces to leave visible' : 'Mark regions'}: ${o.path}, frame ${o.index + 1} of ${n}
      </h2>
      <p class="muted">
        ${
          o.key === 'keep'
            ? 'Drag over a face that must stay visible (a poster, a face on a screen, someone who agreed), or press Add box; it is followed through the video, and faces found on it are neither hidden nor listed.'
            : 'Drag on the frame, or press Add box, to mark something to hide (a licence plate, a badge, a screen).'
        }
        Go to another frame and adjust a box to correct the tracking there. Follow shows where each one is followed; the batch follows them
        the same way and writes <code>${o.path}.tracks.json</code>.
      </p>
      <p id="region-marks-status" role="status">${o.status ?? ''}</p>
      ${
        cur && o.still
          ? html`<face-review
              noun="region"
              picture="frame"
              .src=${o.still.src}
              .review=${cur.review}
              .labels=${labels}
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
