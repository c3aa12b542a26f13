/**
 * <tessera-studio>: renders state and sends intents to the jobs layer; it holds no processing
 * logic. Inputs: folder picker, file/folder inputs, a drop anywhere on the page, zip — shown in the
 * input grid (ui/input-grid.ts: pick the preview, include or exclude files). Outputs: a
 * zip download (the default: it works without a choice) or a folder (asked for when Start is
 * pressed, if none is chosen yet).
 *
 * First visit: the Web export preset, a zip download, and a short "start here" in the input
 * panel. While a batch runs, the recipe, output and input controls are locked (the batch runs
 * with the settings it started with); inputs handed over meanwhile (a drop, an "Open with") are
 * queued for the next run, and leaving the page asks first (so does leaving with a zip not yet
 * downloaded).
 */
import { LitElement, html, css } from 'lit';
import * as api from '../api';
import type { BenchmarkResult } from '../jobs/benchmark';
import type { BatchProgress, BatchSummary, FileResult, SkippedFile } from '../jobs/types';
import type { InputFile, InputSource } from '../io/sources';
import type { OutputSink } from '../io/sinks';
import type { OutputOptions } from '../core/formats';
import { messageOf } from '../core/errors';
import { isImageName, isVideoName, sniff, skipReason } from '../core/sniff';
import { recipeFromHash, recipeToHash } from '../core/recipe-url';
import { followRecipe, imagesHint } from '../core/write-images';
import { resultKey } from '../core/results-report';
import type { PreviewResult } from '../engine/api';
import type { Rect } from '../core/tiles';
import type { EnginePool } from '../pool/engine-pool';
import { panel } from './styles';
import { RememberController } from './remember';
import { VideoPreviewController } from './video-preview';
import { encodeLabel, seconds } from './format';
import './progress-panel';
import './results-table';
import './input-grid';
import type { GridItem } from './input-grid';
import './benchmark-panel';
import './compare-view';
import './recipe-editor';
import './preview-panel';
import './face-review';
import { RegionMarksController } from './region-marks';
import { startReview, type ReviewedFaces } from '../core/reviewed-faces';
import type { FacesReport } from '../core/faces';
import type { RecipeStep } from '../core/recipe';
import { getOperation } from '../core/catalogue';

import { withPreset, withoutPreset } from '../core/user-presets';
import { loadUserPresets, saveUserPresets } from '../io/preset-store';
import { askExisting, type ExistingChoice } from './existing-dialog';
import './output-options';
import './camera-panel';
import './app-status';
import { app } from './pwa';
import { consumeLaunches, consumeShare } from './launch-inputs';

interface ChosenInput {
  label: string;
  open: () => InputSource;
  dir?: FileSystemDirectoryHandle;
}

const hasPicker = typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';

/** Bad files the preview moves past before it shows the failure: a folder of broken files is not walked whole. */
const MAX_PREVIEW_SKIPS = 5;

/** A drag carrying files (not text or a link dragged within the page). */
const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer?.types.includes('Files');

/** ", 2 kept (already there), 1 renamed": what the batch did about outputs already in the folder. */
function keptText(s: BatchSummary): string {
  const kept = s.results.filter((r) => r.status === 'skipped').length;
  return `${kept ? `, ${kept} skipped (already there)` : ''}${s.renamed ? `, ${s.renamed} renamed (name taken)` : ''}`;
}

export class TesseraStudio extends LitElement {
  static properties = {
    input: { state: true },
    recipe: { state: true },
    recipeError: { state: true },
    userPresets: { state: true },
    presetNote: { state: true },
    output: { state: true },
    recipeValid: { state: true },
    preview: { state: true },
    previewStatus: { state: true },
    previewMs: { state: true },
    previewLabel: { state: true },
    giantStatus: { state: true },
    shareUrl: { state: true },
    outputKind: { state: true },
    cameraOpen: { state: true },
    outDir: { state: true },
    workers: { state: true },
    running: { state: true },
    progress: { state: true },
    results: { state: true },
    summary: { state: true },
    bench: { state: true },
    benchStatus: { state: true },
    message: { state: true },
    zipUrl: { state: true },
    compare: { state: true },
    dragging: { state: true },
    video: { state: true },
    videoProgress: { state: true },
    reviewing: { state: true },
    skipped: { state: true },
    videoResult: { state: true },
    resultNote: { state: true },
    previewNote: { state: true },
    queued: { state: true },
    inputCounts: { state: true },
    inputItems: { state: true },
    excluded: { state: true },
    imagesChanged: { state: true },
  };
  /** The chosen input's files, once listed (names and handles only), for the input grid. */
  declare inputItems?: GridItem[];
  /** Paths of the input left out of the batch (unticked in the input grid). */
  declare excluded: ReadonlySet<string>;
  /** "Write images" just turned off or back on by itself, following the recipe (core/write-images.ts). */
  declare imagesChanged?: 'off' | 'on';
  /** Files the last batch left out, with why (listed under the results). */
  declare skipped: SkippedFile[];
  /** A video result opened from the results table: its written file, played as it is. */
  declare videoResult?: { url: string; path: string; unplayable?: boolean };
  /** A result with nothing to compare (reports only): what was written instead. */
  declare resultNote?: { path: string; text: string };
  /** Why the preview shows another file than the first (the first could not be previewed). */
  declare previewNote?: string;
  /** Handed over while a batch ran: applied when it ends. */
  declare queued?: { input?: ChosenInput; recipe?: unknown };
  /** What the chosen input holds, once listed: images, videos and files a batch will skip. */
  declare inputCounts?: { images: number; videos: number; skipped: number };
  /** Settings for videos in the input (output-options' video section). */
  declare video?: import('../core/video-options').VideoOptions;
  /** Progress of the videos being processed, by path. */
  declare videoProgress?: Record<string, api.VideoProgress>;
  /** The photo whose faces are being reviewed (face-review), or why that could not start. */
  declare reviewing?: { path: string; src: string; review?: ReviewedFaces; status?: string };
  declare input?: ChosenInput;
  declare recipe: api.Recipe;
  declare recipeError?: string;
  /** The person's saved presets (localStorage), for the editor's menu. */
  declare userPresets: api.Recipe[];
  /** What saving or deleting a preset did, said under the editor. */
  declare presetNote?: string;
  declare recipeValid: boolean;
  /** The output settings in force: the recipe's own, as edited in the output panel. */
  declare output: OutputOptions;
  declare preview?: PreviewResult;
  declare previewStatus?: string;
  declare previewMs?: number;
  declare previewLabel?: string;
  /** Progress of the giant image in the preview (its overview, its full-resolution cache). */
  declare giantStatus?: api.GiantStatus;
  declare shareUrl?: string;
  declare cameraOpen: boolean;
  declare outputKind: 'folder' | 'zip';
  declare outDir?: FileSystemDirectoryHandle;
  declare workers: number;
  declare running: '' | 'batch' | 'benchmark';
  declare progress?: BatchProgress;
  declare results: FileResult[];
  declare summary?: BatchSummary;
  declare bench?: BenchmarkResult;
  declare benchStatus?: string;
  declare message?: string;
  /** The finished zip; `saved` once its link was clicked (by the studio at the end, or the person). */
  declare zipUrl?: { url: string; name: string; count: number; saved: boolean };
  declare compare?: { before: Blob; after: Blob; label: string; path: string };
  declare dragging: boolean;

  private controller?: AbortController;
  private pool?: EnginePool;
  private sink?: OutputSink;
  private inputsByPath = new Map<string, InputFile>();
  /** Faces reviewed by the person, by input path: the batch's face step hides exactly these. */
  private reviews = new Map<string, ReviewedFaces>();
  /** The input the results in the table came from: Retry failed reruns its files, not another input's. */
  private resultsInput?: ChosenInput;
  private previewer?: api.Previewer;
  private previewFile?: InputFile;
  private previewRegion?: Rect;
  /** What the preview panel shows of an ordinary image (zoom, centre, viewport), and whether it asked for the encoded file. */
  private previewView?: api.ViewRequest;
  private previewEncode = false;
  /** One preview in flight at a time; edits meanwhile ask for one more, with the latest settings, when it returns. */
  private previewRunning = false;
  private previewQueued = false;
  /** The last result was a quick reduced view (`truth.pending`): the next request asks for the exact one. */
  private previewExact = false;
  private previewTimer?: ReturnType<typeof setTimeout>;
  /** Why the latest preview failed: what is on screen is then from earlier settings (or nothing). */
  private previewFailed?: string;
  /**
   * The input's images that look intact, in order, for the preview to try when it picks the file
   * itself (not a file the person chose from the results): one whose preview fails before any of
   * its previews succeeded gives way to the next.
   */
  private previewCandidates?: AsyncIterator<InputFile>;
  private previewAuto = false;
  /** Paths whose preview succeeded at least once: a later failure there is the settings', not the file's. */
  private previewedOk = new Set<string>();
  /** The last auto-picked file's failure, its path taken out: the same again means the recipe fails, not the files. */
  private autoFailure?: string;
  /** Files the preview has moved past for this input (at most MAX_PREVIEW_SKIPS). */
  private autoSkips = 0;
  /** "Write images" is off because the recipe finds faces only, not by the person's choice. */
  private imagesOffByRecipe = false;
  /** A video in the preview: the frame chosen with its scrubber, as a still the previewer reads. */
  private videoPreview = new VideoPreviewController(this, () => this.schedulePreview());
  /** Marking regions to hide on the previewed video (a Hide regions step). */
  private regionMarks = new RegionMarksController(
    this,
    (step, key, regions) => this.setStepParam(step, key, regions),
    () => this.video ?? { start: 0 },
    // The keep marking shows the faces the face step's detector finds on the frame.
    (step, name, picture) => {
      const s = this.recipe.steps[step];
      return s ? this.findFaces(name, picture, s) : Promise.reject(new Error('the face step is gone from the recipe'));
    },
  );
  /** Nested dragenter/dragleave pairs over the page (a drag crosses many elements). */
  private dragDepth = 0;
  /** The last recipe, output options, workers and output folder, kept between visits (ui/remember.ts). */
  private remembered = new RememberController(this, hasPicker);
  readonly isolated = globalThis.crossOriginIsolated === true;

  static styles = [
    panel,
    css`
      :host {
        display: block;
        max-width: 1440px;
        margin: 0 auto;
        padding: 18px;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 4px 14px;
        margin-bottom: 14px;
      }
      header h1 {
        margin: 0;
        font-size: 22px;
      }
      header p {
        margin: 0;
      }
      .banner {
        background: #fff3f3;
        border: 1px solid #e7a3a3;
        color: #8a1f1f;
        border-radius: 10px;
        padding: 12px 16px;
        margin-bottom: 14px;
      }
      /* The work: settings in a column on the left, the picture (and Start) beside them, kept in
         view while the settings scroll; one column on narrow screens, the picture after the input. */
      .workspace {
        display: grid;
        grid-template-columns: minmax(320px, 400px) minmax(0, 1fr);
        gap: 14px;
        align-items: start;
        margin-bottom: 14px;
      }
      .side {
        display: flex;
        flex-direction: column;
        gap: 14px;
        min-width: 0;
      }
      /* A wide picture scrolls inside its panel; it never widens the page (390 px phones). */
      .side > *,
      .stage > *,
      .stack > * {
        min-width: 0;
        max-width: 100%;
        box-sizing: border-box;
      }
      .stage {
        position: sticky;
        top: 10px;
        display: flex;
        flex-direction: column;
        gap: 10px;
        min-width: 0;
      }
      @media (max-width: 900px) {
        .workspace {
          display: flex;
          flex-direction: column;
        }
        .side,
        .stage {
          display: contents;
        }
        .in {
          order: 1;
        }
        .stage > * {
          order: 2;
        }
        .recipe {
          order: 3;
        }
        .out {
          order: 4;
        }
      }
      .stack > * + * {
        margin-top: 14px;
      }
      label {
        display: block;
        margin: 6px 0;
      }
      select,
      input[type='number'] {
        font: inherit;
        padding: 4px 6px;
        border: 1px solid #b9c2d0;
        border-radius: 6px;
      }
      .drop {
        border: 2px dashed #b9c2d0;
        border-radius: 8px;
        padding: 10px;
        text-align: center;
        margin-top: 8px;
      }
      .drop.over {
        border-color: #2457d6;
        background: #eef3fe;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .actions {
        display: flex;
        gap: 10px;
        align-items: center;
        flex-wrap: wrap;
      }
      ol.steps {
        margin: 6px 0;
        padding-left: 20px;
        font-size: 13px;
      }
      .err {
        color: #c62828;
        font-size: 13px;
      }
      footer {
        margin-top: 18px;
        font-size: 12px;
      }
      .drop-overlay {
        position: fixed;
        inset: 0;
        z-index: 10;
        display: flex;
        align-items: center;
        justify-content: center;
        background: rgb(36 87 214 / 12%);
        border: 3px dashed #2457d6;
        color: #173a8f;
        font-size: 20px;
        font-weight: 600;
        pointer-events: none;
      }
      #empty-state p {
        margin: 8px 0 0;
      }
      #video-result video {
        display: block;
        max-width: 100%;
        max-height: 60vh;
      }
    `,
  ];

  constructor() {
    super();
    // What a first visit starts with (nothing remembered, no link): photos made ready for the
    // web, into a zip download, so choosing photos and pressing Start is the whole first run.
    this.recipe = api.validateRecipe(api.PRESETS[api.DEFAULT_PRESET]);
    this.recipeValid = true;
    this.cameraOpen = false;
    this.output = api.validateOutput(this.recipe.output ?? {});
    this.outputKind = 'zip';
    this.userPresets = loadUserPresets();
    this.skipped = [];
    this.excluded = new Set();
    this.workers = api.defaultWorkerCount();
    this.running = '';
    this.results = [];
    this.dragging = false;
  }

  connectedCallback() {
    super.connectedCallback();
    // Files opened with the installed app, or shared to it from another app.
    const launch = { useInputFiles: (f: File[], label?: string) => this.useInputFiles(f, label), say: (m: string) => (this.message = m) };
    consumeLaunches(launch);
    void consumeShare(launch);
    this.loadFromHash();
    window.addEventListener('hashchange', this.loadFromHash);
    // Drops anywhere on the page are the studio's: the browser would otherwise open the file in
    // the tab, losing everything on the page.
    window.addEventListener('dragenter', this.onPageDragEnter);
    window.addEventListener('dragover', this.onPageDragOver);
    window.addEventListener('dragleave', this.onPageDragLeave);
    window.addEventListener('drop', this.onPageDrop);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    // Back on the page after a removal: the preview (and an open camera panel) come back on a
    // fresh pool. (A render while off the page starts no workers.)
    if (this.previewFile) this.schedulePreview(0);
    this.requestUpdate();
  }

  /**
   * Removed from the page: cancel what runs (batch, benchmark, preview), clear the preview timer
   * and shut the workers down; nothing is started again until the studio is back on a page.
   */
  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.loadFromHash);
    window.removeEventListener('dragenter', this.onPageDragEnter);
    window.removeEventListener('dragover', this.onPageDragOver);
    window.removeEventListener('dragleave', this.onPageDragLeave);
    window.removeEventListener('drop', this.onPageDrop);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    clearTimeout(this.previewTimer);
    this.previewTimer = undefined;
    void this.previewer?.dispose();
    this.previewer = undefined;
    this.giantStatus = undefined;
    this.controller?.abort();
    this.pool?.dispose();
    this.pool = undefined;
  }

  private loadFromHash = () => {
    try {
      const r = recipeFromHash(location.hash);
      if (r) this.useRecipe(r);
    } catch (e) {
      // Worded for the person who opened the link (core/recipe-url.ts); the recipe in use stays.
      this.message = messageOf(e);
    }
  };

  /**
   * Why leaving the page now would lose work, or undefined: a batch running, or a finished zip
   * not yet downloaded. The page asks before unloading while this says something.
   */
  get unsavedWork(): string | undefined {
    if (this.running === 'batch') return 'A batch is running: leaving the page stops it.';
    if (this.zipUrl && !this.zipUrl.saved) return 'The zip of the results has not been downloaded yet.';
    return undefined;
  }

  private onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!this.unsavedWork) return;
    // Browsers show their own sentence; preventDefault (and returnValue, for older ones) asks it.
    e.preventDefault();
    e.returnValue = this.unsavedWork;
  };

  private onPageDragEnter = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    this.dragDepth++;
    this.dragging = true;
  };

  private onPageDragOver = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    // Cancelling dragover is what lets the page take the drop (else the browser opens the file).
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };

  private onPageDragLeave = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    if (--this.dragDepth <= 0) {
      this.dragDepth = 0;
      this.dragging = false;
    }
  };

  private onPageDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    this.dragDepth = 0;
    void this.onDrop(e);
  };

  // ---- intents also used by tests and scripts (pickers cannot be automated headless) ----

  useInputFolder(dir: FileSystemDirectoryHandle, label = dir.name): void {
    this.setInput({ label: `folder “${label}”`, open: () => api.walkDirectory(dir), dir });
  }

  useInputFiles(files: File[], label?: string): void {
    const list = api.filesSource(files);
    this.setInput({ label: label ?? `${list.length} file${list.length === 1 ? '' : 's'}`, open: () => list });
  }

  private setInput(input: ChosenInput): void {
    if (this.running) {
      // The running batch reads the input it started with: this one is for the next run.
      this.queued = { ...this.queued, input };
      return;
    }
    this.input = input;
    this.closeReview();
    this.reviews = new Map();
    this.inputCounts = undefined;
    this.inputItems = undefined;
    this.excluded = new Set();
    this.previewFile = undefined;
    this.previewRegion = undefined;
    this.giantStatus = undefined;
    this.previewNote = undefined;
    this.autoFailure = undefined;
    this.autoSkips = 0;
    this.videoPreview.close();
    this.previewCandidates = this.intactImages(input);
    void this.nextPreviewFile(input);
    void this.countInput(input);
  }

  /** The preview moves to the input's next intact-looking image (the first, at the start). */
  private async nextPreviewFile(input: ChosenInput): Promise<boolean> {
    const next = await this.previewCandidates?.next();
    if (this.input !== input || !next || next.done) return false;
    this.previewFile = next.value;
    this.previewAuto = true;
    this.previewRegion = undefined;
    this.giantStatus = undefined;
    this.schedulePreview(0);
    return true;
  }

  /**
   * The input's images whose first and last bytes look like an intact image (core/sniff.ts), then
   * its videos (an input of videos alone previews a frame of the first).
   */
  private async *intactImages(input: ChosenInput): AsyncGenerator<InputFile> {
    const videos: InputFile[] = [];
    for await (const f of input.open() as AsyncIterable<InputFile>) {
      if (isVideoName(f.path)) videos.push(f);
      if (!isImageName(f.path)) continue;
      try {
        const file = await f.file();
        const [head, tail] = await Promise.all([file.slice(0, 64).arrayBuffer(), file.slice(Math.max(0, file.size - 64)).arrayBuffer()]);
        if (sniff(f.path, file.size, new Uint8Array(head), new Uint8Array(tail)).problem) continue;
      } catch {
        continue; // unreadable (gone meanwhile): not one to preview
      }
      yield f;
    }
    yield* videos;
  }

  /** Lists the input once (names and handles only) to say what a batch will do with it, and for the grid. */
  private async countInput(input: ChosenInput): Promise<void> {
    const counts = { images: 0, videos: 0, skipped: 0 };
    const items: GridItem[] = [];
    try {
      for await (const f of input.open() as AsyncIterable<InputFile>) {
        const kind = isImageName(f.path) ? 'image' : isVideoName(f.path) ? 'video' : 'other';
        const reason = kind === 'other' ? skipReason(f.path) : undefined;
        if (kind === 'image') counts.images++;
        else if (kind === 'video') counts.videos++;
        else if (reason) counts.skipped++;
        items.push({ path: f.path, kind, reason, file: () => f.file() });
      }
    } catch {
      return; // the batch will say what is wrong with the input
    }
    if (this.input !== input) return;
    this.inputCounts = counts;
    this.inputItems = items;
  }

  /** The input grid picked a file: the preview shows it (the person's choice: no moving past it on failure). */
  /** The recipe's face step (redact-faces, or detect-faces), which a review feeds. */
  /** The first enabled Hide regions step's index, or −1. */
  private regionsStep(): number {
    return this.recipe.steps.findIndex((s) => s.op === 'redact-regions' && s.enabled !== false);
  }

  /** Sets one parameter of step `step` (marked regions), as an edit in the recipe editor would. */
  private setStepParam(step: number, key: string, value: string | number | boolean): boolean {
    const was = this.recipe;
    const steps = was.steps.map((s, i) => (i === step ? { ...s, params: { ...s.params, [key]: value } } : s));
    try {
      this.recipe = api.validateRecipe({ ...was, steps });
      this.recipeValid = true;
      this.recipeError = undefined;
    } catch (e) {
      this.recipeError = messageOf(e);
      return false;
    }
    this.schedulePreview();
    return true;
  }

  /** Opens the marking of regions on the previewed video, at the frame its scrubber shows. */
  /**
   * Opens the marking on the previewed video, at the frame its scrubber shows: of a Hide regions
   * step's regions, or (`keep`) of the face step's faces to leave visible.
   */
  private async markRegions(key: 'regions' | 'keep' = 'regions'): Promise<void> {
    const f = this.previewFile;
    const face = this.faceStep();
    const step = key === 'keep' ? this.recipe.steps.findIndex((s) => s === face) : this.regionsStep();
    if (!f || step < 0) return;
    try {
      const p = this.recipe.steps[step].params;
      await this.regionMarks.start(
        f.path,
        await f.file(),
        step,
        { regions: String((key === 'keep' ? p?.keep : p?.regions) ?? ''), track: key === 'keep' || p?.track !== false, key },
        this.videoPreview.frameIndex,
      );
    } catch (e) {
      this.previewNote = `${f.path}: could not open it to mark regions (${messageOf(e)})`;
    }
  }

  private faceStep(): RecipeStep | undefined {
    return this.recipe.steps.find((s) => s.op === 'redact-faces') ?? this.recipe.steps.find((s) => s.op === 'detect-faces');
  }

  /**
   * Opens the review of a photo's faces: its kept review, or the recipe's detector run on it (the
   * batch's own path, reports only) as the starting point.
   */
  private async reviewFaces(path: string): Promise<void> {
    const item = this.inputItems?.find((i) => i.path === path && i.kind === 'image');
    const step = this.faceStep();
    if (!item || !step) return;
    this.closeReview();
    const file = await item.file();
    const src = URL.createObjectURL(file);
    const kept = this.reviews.get(path);
    this.reviewing = { path, src, ...(kept ? { review: kept } : { status: `Finding the faces in ${path}…` }) };
    if (kept) return;
    try {
      const report = await this.findFaces(path, file, step);
      if (this.reviewing?.src === src) this.reviewing = { path, src, review: startReview(report) };
    } catch (e) {
      if (this.reviewing?.src === src) this.reviewing = { path, src, status: `Could not find the faces in ${path}: ${messageOf(e)}` };
    }
  }

  /**
   * The faces the detector of face step `step` finds in picture `file` (named `path`): the batch's
   * own path (a one-step detect-faces recipe, reports only), so the review starts from what the
   * batch would hide. Throws the batch's error in words.
   */
  private async findFaces(path: string, file: Blob, step: RecipeStep): Promise<FacesReport> {
    const sink = new api.MemorySink();
    const summary = await api.runBatch({
      input: [{ path, file: () => Promise.resolve(file) }],
      output: sink,
      // The face step's detector settings (a redaction's own are not detect-faces').
      recipe: { name: 'Review', steps: [{ op: 'detect-faces', params: detectParams(step) }] },
      format: { ...this.output, images: false },
      pool: this.getPool(),
    });
    const json = sink.files.get(`${path}.faces.json`);
    if (!summary.ok || !json) throw new Error(summary.errors[0]?.message ?? `no faces report for ${path}`);
    return JSON.parse(new TextDecoder().decode(json)) as FacesReport;
  }

  private closeReview(): void {
    if (this.reviewing) URL.revokeObjectURL(this.reviewing.src);
    this.reviewing = undefined;
  }

  /** The next (1) or previous (−1) photo's review. */
  private reviewStep(dir: 1 | -1): void {
    const photos = (this.inputItems ?? []).filter((i) => i.kind === 'image' && !this.excluded.has(i.path));
    const at = photos.findIndex((p) => p.path === this.reviewing?.path);
    const next = photos[at + dir];
    if (next) void this.reviewFaces(next.path);
  }

  private renderReview() {
    const r = this.reviewing;
    if (!r) return '';
    const photos = (this.inputItems ?? []).filter((i) => i.kind === 'image' && !this.excluded.has(i.path));
    const at = photos.findIndex((p) => p.path === r.path);
    return html`<section class="panel" id="face-review-panel" aria-labelledby="face-review-title">
      <h2 id="face-review-title">Review faces: ${r.path} (${at + 1} of ${photos.length})</h2>
      <p class="muted">
        Drag on the photo, or press Add box, to add a face the detector missed; select a box and press Delete to drop it; drag a box or its
        corner, or use the arrow keys, to adjust it (every key is listed beside the photo). The batch hides exactly these boxes and writes
        them as ${r.path}.faces.json (reviewed).
      </p>
      ${r.status ? html`<p id="face-review-status" role="status">${r.status}</p>` : ''}
      ${
        r.review
          ? html`<face-review
              .src=${r.src}
              .review=${r.review}
              @review-change=${(e: CustomEvent<ReviewedFaces>) => {
                this.reviews.set(r.path, e.detail);
                this.reviewing = { ...r, review: e.detail };
              }}
              @next=${() => this.reviewStep(1)}
              @prev=${() => this.reviewStep(-1)}
            ></face-review>`
          : ''
      }
      <div class="row">
        <button id="review-prev" ?disabled=${at <= 0} @click=${() => this.reviewStep(-1)}>Previous photo</button>
        <button id="review-next" ?disabled=${at < 0 || at >= photos.length - 1} @click=${() => this.reviewStep(1)}>Next photo</button>
        <button id="review-done" @click=${() => this.closeReview()}>Done reviewing</button>
        <span class="muted" id="review-count">${this.reviews.size} photo${this.reviews.size === 1 ? '' : 's'} reviewed</span>
      </div>
    </section>`;
  }

  private pickPreview(path: string): void {
    const item = this.inputItems?.find((i) => i.path === path);
    // Photos and videos (a frame of it, with the scrubber); skipped files have nothing to preview.
    if (!item || (item.kind !== 'image' && item.kind !== 'video')) return;
    this.previewInput({ path: item.path, file: () => item.file() });
  }

  /** The input as the batch takes it: without the files excluded in the grid, or only `only`'s. */
  private async *batchInput(source: InputSource, only?: ReadonlySet<string>): AsyncGenerator<InputFile> {
    const excluded = this.excluded;
    for await (const f of source as AsyncIterable<InputFile>) {
      if (only ? only.has(f.path) : !excluded.has(f.path)) yield f;
    }
  }

  /** Files the batch would process: all media unless some are excluded; undefined until listed. */
  private get includedCount(): number | undefined {
    const c = this.inputCounts;
    return c ? c.images + c.videos - this.excluded.size : undefined;
  }

  /** The batch's one question about outputs already in the folder; stopping cancels the batch. */
  private async askExisting(path: string, controller: AbortController): Promise<ExistingChoice> {
    const choice = await askExisting(
      this.renderRoot as ShadowRoot,
      path,
      this.outDir?.name ?? 'the output folder',
      this.output.existing ?? 'rename',
    );
    if (choice) return choice;
    controller.abort();
    return 'skip'; // nothing more is written: the batch is cancelled
  }

  /** Whether a preview is being computed or waits to be (for tests and benches: the preview has settled when not). */
  get previewBusy(): boolean {
    return this.previewRunning || this.previewQueued || this.previewTimer !== undefined;
  }

  /**
   * At once by default: a slider dragged re-previews as fast as the worker answers, one request in
   * flight and the latest settings next (runPreview), rather than after a pause.
   */
  private schedulePreview(delay = 0): void {
    clearTimeout(this.previewTimer);
    if (!this.isConnected) return;
    this.previewTimer = setTimeout(() => {
      this.previewTimer = undefined;
      void this.runPreview();
    }, delay);
  }

  private async runPreview(): Promise<void> {
    if (this.previewRunning) {
      // The one in flight is stale now: it stops at its next step, and this edit's preview follows.
      this.previewQueued = true;
      this.previewer?.supersede();
      return;
    }
    this.previewRunning = true;
    try {
      await this.previewOnce();
    } finally {
      this.previewRunning = false;
      if (this.previewQueued) {
        this.previewQueued = false;
        this.schedulePreview(0);
      }
    }
  }

  private async previewOnce(): Promise<void> {
    const f = this.previewFile;
    if (!f || !this.isolated || !this.recipeValid || !this.isConnected) return;
    const previewer = (this.previewer ??= new api.Previewer(this.getPool(), {
      onGiantStatus: (s, refresh) => {
        this.giantStatus = s;
        if (refresh) this.schedulePreview(0);
      },
    }));
    this.previewStatus = 'Updating preview…';
    const file = await f.file();
    if (previewer !== this.previewer) return; // the studio was removed meanwhile
    const key = `${f.path}|${file.size}|${(file as File).lastModified ?? 0}`;
    // A video: the frame its scrubber chose, as a still; the preview runs on it as on a photo.
    let shown: { file: Blob; key: string; time?: number } | undefined = { file, key };
    let failed: string | undefined;
    if (isVideoName(f.path)) {
      try {
        shown = await this.videoPreview.still(f.path, file, key, this.recipe);
      } catch (e) {
        shown = undefined;
        failed = `${f.path}: ${messageOf(e)}`;
      }
    } else this.videoPreview.close();
    if (this.previewFile !== f || (!shown && !failed)) return; // another file or frame was chosen meanwhile
    const out: api.PreviewOutcome = shown
      ? await previewer.request({
          file: shown.file,
          key: shown.key,
          // A video frame hides the regions where they are in that frame (marked or followed), as the batch will.
          recipe: shown.time !== undefined ? this.regionMarks.forFrame(this.recipe, f.path, shown.time) : this.recipe,
          output: this.output,
          view: this.previewView,
          encode: this.previewEncode,
          // A slow whole-image step answers first from a reduced copy; the exact view is asked next.
          quick: !this.previewExact,
          region: this.previewRegion,
        })
      : { kind: 'error', message: failed ?? '' };
    this.previewExact = false;
    if (out.kind === 'superseded') return;
    if (out.kind === 'error') {
      if (this.previewAuto && !this.previewedOk.has(f.path) && this.input && (await this.previewNext(f, out.message))) return;
      // Never leave an earlier result looking current: another file's is removed, this file's
      // earlier settings' is kept but marked stale by the panel (with the reason and Retry).
      if (this.previewLabel !== f.path) this.preview = undefined;
      this.previewLabel = f.path;
      this.previewFailed = out.message;
      this.previewStatus = undefined;
      this.requestUpdate();
      return;
    }
    this.previewFailed = undefined;
    if (isVideoName(f.path)) this.videoPreview.shown();
    this.previewedOk.add(f.path);
    this.autoFailure = undefined;
    this.preview = out.result;
    if (!out.result.giant) this.giantStatus = undefined;
    this.previewMs = out.ms;
    this.previewLabel = f.path;
    this.previewStatus = undefined;
    if (out.result.truth?.pending) {
      this.previewStatus = 'Computing the exact view…';
      this.previewExact = true;
      this.schedulePreview(0);
    }
  }

  /**
   * The file the preview picked itself failed before it ever showed: the next intact-looking
   * image is tried instead, unless the failure is the same as the previous file's (then it is the
   * recipe or the engine that fails, not the file, and moving on would only hide it).
   */
  private async previewNext(f: InputFile, message: string): Promise<boolean> {
    const why = message.split(f.path).join('');
    if (why === this.autoFailure || this.autoSkips >= MAX_PREVIEW_SKIPS) return false;
    this.autoFailure = why;
    this.autoSkips++;
    const input = this.input!;
    if (!(await this.nextPreviewFile(input))) return false;
    this.previewNote = `${f.path} could not be previewed (${message}); the preview shows the next photo instead.`;
    return true;
  }

  private onRecipeChange(e: CustomEvent<{ recipe: api.Recipe; valid: boolean }>) {
    const { recipe, valid } = e.detail;
    const outputChanged = JSON.stringify(recipe.output) !== JSON.stringify(this.recipe.output);
    const was = this.recipe;
    this.recipe = recipe;
    this.recipeValid = valid;
    this.recipeError = valid ? undefined : 'Fix the highlighted step before running.';
    if (outputChanged) this.output = api.validateOutput(recipe.output ?? {});
    this.followImages(was, recipe, outputChanged);
    if (valid) this.schedulePreview();
  }

  /**
   * "Write images" follows the recipe: off for one that only finds faces, back on when the recipe
   * leaves that, if it was the recipe that turned it off (core/write-images.ts).
   */
  private followImages(was: api.Recipe, now: api.Recipe, fromRecipe: boolean): void {
    const before = this.output.images;
    const f = followRecipe(was, now, before, this.imagesOffByRecipe, fromRecipe);
    this.imagesOffByRecipe = f.offByRecipe;
    if (f.images !== before) this.output = { ...this.output, images: f.images };
    if (f.changed) this.imagesChanged = f.changed;
    else if (f.images !== before) this.imagesChanged = undefined;
  }

  /** The output panel changed; "Write images" set by hand is the person's from then on. */
  private onOutputChange(output: OutputOptions): void {
    if (output.images !== this.output.images) {
      this.imagesOffByRecipe = false;
      this.imagesChanged = undefined;
    }
    this.output = output;
  }

  private saveRecipe() {
    const recipe: api.Recipe = { ...this.recipe, output: this.output };
    const url = URL.createObjectURL(new Blob([api.serializeRecipe(recipe)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${recipe.name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'recipe'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /** Keeps the recipe with its output settings as a preset under the recipe's name. */
  private savePreset() {
    const recipe: api.Recipe = { ...this.recipe, name: this.recipe.name.replace(/ \(edited\)$/, ''), output: this.output };
    try {
      this.userPresets = withPreset(this.userPresets, recipe);
    } catch (e) {
      this.presetNote = messageOf(e);
      return;
    }
    this.recipe = recipe;
    this.presetNote = saveUserPresets(this.userPresets)
      ? `Saved “${recipe.name}” in this browser: it is under “Your presets”. Save JSON exports it for another browser or npm run batch --recipe.`
      : `“${recipe.name}” is in the menu for this visit only: this browser does not let Tessera keep it.`;
  }

  private deletePreset() {
    const name = this.recipe.name;
    this.userPresets = withoutPreset(this.userPresets, name);
    saveUserPresets(this.userPresets);
    this.presetNote = `Deleted the preset “${name}” (the recipe stays as it is).`;
  }

  private async shareRecipe() {
    const url = location.href.split('#')[0] + recipeToHash({ ...this.recipe, output: this.output });
    this.shareUrl = url;
    history.replaceState(null, '', url);
    await navigator.clipboard?.writeText(url).catch(() => {});
  }

  useOutputFolder(dir: FileSystemDirectoryHandle): void {
    this.outDir = dir;
    this.outputKind = 'folder';
  }

  /**
   * Applies a recipe as a loaded file does: validated, its output options with it (the editor's
   * preset menu follows from its steps). While a batch runs it is queued for the next run.
   */
  useRecipe(recipe: unknown): void {
    if (this.running) {
      this.queued = { ...this.queued, recipe };
      return;
    }
    try {
      const was = this.recipe;
      this.recipe = api.validateRecipe(recipe);
      this.recipeValid = true;
      this.recipeError = undefined;
      this.output = api.validateOutput(this.recipe.output ?? {});
      this.followImages(was, this.recipe, true);
      this.schedulePreview();
    } catch (e) {
      this.recipeValid = false;
      this.recipeError = messageOf(e);
    }
  }

  // ---- UI handlers ----

  private async pickInputFolder() {
    try {
      const dir = await (
        globalThis as unknown as { showDirectoryPicker(o?: object): Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker({ mode: 'read' });
      this.useInputFolder(dir);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.message = messageOf(e);
    }
  }

  /** Asks for the output folder (in a click: the picker needs one); undefined when none was chosen. */
  private async pickOutputFolder(): Promise<FileSystemDirectoryHandle | undefined> {
    try {
      const dir = await (
        globalThis as unknown as { showDirectoryPicker(o?: object): Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker({ mode: 'readwrite', id: 'tessera-output' });
      this.useOutputFolder(dir);
      return dir;
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.message = messageOf(e);
      return undefined;
    }
  }

  private onFiles(e: Event) {
    const el = e.target as HTMLInputElement;
    if (el.files?.length) this.useInputFiles(Array.from(el.files));
    el.value = '';
  }

  private async onZip(e: Event) {
    const el = e.target as HTMLInputElement;
    const f = el.files?.[0];
    el.value = '';
    if (!f) return;
    try {
      const list = await api.zipSource(f);
      this.setInput({ label: `zip “${f.name}” (${list.length} files)`, open: () => list });
    } catch (err) {
      this.message = `${f.name}: not a readable zip (${messageOf(err)})`;
    }
  }

  private async onDrop(e: DragEvent) {
    this.dragging = false;
    if (!e.dataTransfer) return;
    try {
      const list = await api.droppedSource(e.dataTransfer.items);
      if (!list.length) {
        this.message = 'Nothing usable was dropped: drop photos, videos or folders of them.';
        return;
      }
      this.setInput({ label: `${list.length} dropped file${list.length === 1 ? '' : 's'}`, open: () => list });
    } catch (err) {
      this.message = `the dropped items cannot be read: ${messageOf(err)}`;
    }
  }

  private async onRecipeFile(e: CustomEvent<Event>) {
    const el = e.detail.target as HTMLInputElement;
    const f = el.files?.[0];
    el.value = '';
    if (!f) return;
    try {
      this.useRecipe(api.parseRecipe(await f.text()));
    } catch (err) {
      this.recipeValid = false;
      this.recipeError = `${f.name}: ${messageOf(err)}`;
    }
  }

  /** Step timings of the last preview, for the editor (enabled steps, in order). */
  private previewTimings() {
    return this.preview?.steps;
  }

  private getPool(): EnginePool {
    if (!this.pool) this.pool = api.createEnginePool(this.workers);
    else if (this.pool.size !== this.workers) this.pool.resize(this.workers);
    return this.pool;
  }

  /** Tracks inputs by path for the compare view (handles only, no bytes). */
  private async *remember(source: InputSource, keep = false): AsyncGenerator<InputFile> {
    if (!keep) this.inputsByPath.clear();
    for await (const f of source as AsyncIterable<InputFile>) {
      this.inputsByPath.set(f.path, f);
      yield f;
    }
  }

  /**
   * Runs the batch with the settings in force (the Start button) on the files included in the
   * input grid. Output to a folder with none chosen yet asks for it first, in this click; the
   * batch does not start when none is chosen. `retry`: only these files (Retry failed), into the
   * same output (the zip then holds the earlier results too), their rows replaced in the table.
   */
  async start(retry?: ReadonlySet<string>): Promise<BatchSummary | undefined> {
    if (!this.input || this.running || (retry && this.resultsInput !== this.input)) return;
    if (this.outputKind === 'folder' && !this.outDir) {
      // Before any other await: the picker needs this click's user activation.
      if (!hasPicker) {
        this.message = 'This browser cannot write into a folder: choose Zip download for the results.';
        return;
      }
      if (!(await this.pickOutputFolder())) return; // the picker was closed: nothing started, nothing to say
    }
    this.message = undefined;
    const kept = retry ? this.results.filter((r) => !retry.has(r.path)) : [];
    this.resultsInput = this.input;
    this.results = kept;
    if (!retry) this.skipped = [];
    this.summary = undefined;
    this.progress = undefined;
    this.videoProgress = undefined;
    this.closeResult();
    if (this.zipUrl) URL.revokeObjectURL(this.zipUrl.url);
    this.zipUrl = undefined;
    let sink: OutputSink;
    if (this.outputKind === 'folder' && this.outDir) {
      // In this click: a remembered folder may need its permission asked for again.
      const refused = await this.remembered.beforeBatch();
      if (refused) {
        this.message = refused;
        return;
      }
      if (this.input.dir) {
        try {
          await api.checkSeparateFolders(this.input.dir, this.outDir);
        } catch (e) {
          this.message = messageOf(e);
          return;
        }
      }
      sink = new api.FolderSink(this.outDir);
    } else sink = retry && this.sink instanceof api.ZipSink ? this.sink : new api.ZipSink();
    this.sink = sink;
    const controller = (this.controller = new AbortController());
    this.running = 'batch';
    const results: FileResult[] = [...kept];
    const skipped: SkippedFile[] = retry ? [...this.skipped] : [];
    try {
      const summary = await api.runBatch({
        input: this.remember(this.batchInput(this.input.open(), retry), !!retry),
        reviewed: (path) => this.reviews.get(path),
        output: sink,
        recipe: this.recipe,
        format: this.output,
        pool: this.getPool(),
        signal: this.controller.signal,
        // Reports still arrive while a cancelled batch winds down: their estimate is no longer one.
        onProgress: (p) => (this.progress = controller.signal.aborted ? { ...p, etaSeconds: undefined } : p),
        onSkip: (f) => {
          skipped.push(f);
          this.skipped = [...skipped];
        },
        video: this.video,
        // A folder may already hold outputs of these names: asked once, at the first.
        onExisting: sink instanceof api.FolderSink ? (path) => this.askExisting(path, controller) : undefined,
        onVideoProgress: (p) => (this.videoProgress = { ...this.videoProgress, [p.path]: p }),
        onResult: (r) => {
          if (this.videoProgress?.[r.path]) {
            const { [r.path]: _, ...rest } = this.videoProgress;
            this.videoProgress = rest;
          }
          results.push(r);
          this.results = [...results];
        },
      });
      this.summary = summary;
      if (sink instanceof api.ZipSink && sink.count > 0) {
        const blob = await sink.finish();
        const name = `tessera-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.zip`;
        this.zipUrl = { url: URL.createObjectURL(blob), name, count: sink.count, saved: false };
        if (!summary.cancelled) queueMicrotask(() => this.renderRoot.querySelector<HTMLAnchorElement>('#zip-link')?.click());
      }
      return summary;
    } catch (e) {
      this.message = messageOf(e);
    } finally {
      this.running = '';
      this.controller = undefined;
      this.videoProgress = undefined;
      this.remembered.afterBatch();
      this.applyQueued();
    }
  }

  /** Stops the batch or benchmark; files in flight end as cancelled, and the ETA goes. */
  cancel(): void {
    this.controller?.abort();
    if (this.progress) this.progress = { ...this.progress, etaSeconds: undefined };
  }

  /** Inputs and recipes handed over during the run, now that it has ended. */
  private applyQueued(): void {
    const q = this.queued;
    this.queued = undefined;
    if (q?.recipe !== undefined) this.useRecipe(q.recipe);
    if (q?.input) this.setInput(q.input);
  }

  async benchmark(): Promise<BenchmarkResult | undefined> {
    if (!this.input || this.running) return;
    const input = this.input;
    let run = '';
    this.controller = new AbortController();
    this.running = 'benchmark';
    this.bench = undefined;
    this.message = undefined;
    try {
      this.bench = await api.runBenchmark({
        input: () => this.batchInput(input.open()),
        recipe: this.recipe,
        format: this.output,
        workers: this.workers,
        signal: this.controller.signal,
        onRun: (n) => (run = this.benchStatus = `Running with ${n} worker${n === 1 ? '' : 's'}…`),
        // Its runs' counts are the benchmark's own: the progress panel keeps the last batch's,
        // which the results table shows.
        onProgress: (p) => (this.benchStatus = `${run} ${p.done + p.failed} of ${p.total}${p.totalKnown ? '' : '+'} files`),
      });
      this.benchStatus = undefined;
      return this.bench;
    } catch (e) {
      this.benchStatus = undefined;
      this.message = messageOf(e);
    } finally {
      this.running = '';
      this.controller = undefined;
      this.applyQueued();
    }
  }

  /** Closes whatever result is open (before/after, video, note). */
  private closeResult(): void {
    this.compare = undefined;
    if (this.videoResult) URL.revokeObjectURL(this.videoResult.url);
    this.videoResult = undefined;
    this.resultNote = undefined;
  }

  private async select(e: CustomEvent<FileResult>) {
    const r = e.detail;
    const input = this.inputsByPath.get(r.path);
    this.closeResult();
    if (r.video || isVideoName(r.path)) {
      // The written video plays; the preview shows a frame of the input with the recipe on it.
      if (input) this.previewInput(input);
      return this.showVideo(r);
    }
    if (!r.outputPath && !r.pyramid) {
      // Reports only: there is no image to compare; say what was written instead.
      const faces = r.faces !== undefined ? ` (${r.faces} face${r.faces === 1 ? '' : 's'} found)` : '';
      this.resultNote = {
        path: r.path,
        text: `No image was written for ${r.path} ("Write images" is off): only ${r.reports?.join(', ') || 'nothing'}${faces}.`,
      };
      return;
    }
    if (input) this.previewInput(input);
    let before: Blob | undefined;
    let after: Blob | undefined;
    try {
      before = await input?.file();
      // A pyramid's descriptor is XML: its overview tile (the whole image, small) stands in for it.
      const shown = r.pyramid?.overview ?? r.outputPath;
      after = shown ? await this.sink?.read?.(shown) : undefined;
    } catch (err) {
      this.message = `${r.path}: cannot be read back for comparison (${messageOf(err)})`;
      return;
    }
    // With variants, one input has several results: the key names the one compared.
    if (before && after) this.compare = { before, after, label: resultKey(r), path: resultKey(r) };
    else this.message = `${r.path}: the output cannot be read back for comparison`;
  }

  /** The preview moves to a file the person chose. */
  private previewInput(input: InputFile): void {
    this.previewAuto = false;
    this.previewNote = undefined;
    this.previewFile = input;
    this.previewRegion = undefined;
    this.giantStatus = undefined;
    this.schedulePreview(0);
  }

  /** A video result: its written file in a player (the before/after comparison is for images). */
  private async showVideo(r: FileResult): Promise<void> {
    let blob: Blob | undefined;
    try {
      blob = r.outputPath ? await this.sink?.read?.(r.outputPath) : undefined;
    } catch (err) {
      this.message = `${r.path}: the written video cannot be read back (${messageOf(err)})`;
      return;
    }
    if (!blob) {
      this.message = `${r.path}: the written video cannot be read back from this output`;
      return;
    }
    this.videoResult = { url: URL.createObjectURL(blob), path: r.path };
  }

  private zipSaved(): void {
    if (this.zipUrl) this.zipUrl = { ...this.zipUrl, saved: true };
  }

  /** What a batch writes while "Write images" is off, or that it came back on by itself. */
  private renderImagesHint() {
    const hint = imagesHint(this.recipe, this.output.images, this.imagesChanged);
    return hint ? html`<p class=${hint.error ? 'err' : 'muted'} id="images-note" role="status">${hint.text}</p>` : '';
  }

  /** What the chosen input holds, once listed. */
  private renderCounts() {
    const c = this.inputCounts;
    if (!c) return '';
    const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
    const parts = [n(c.images, 'image'), ...(c.videos ? [n(c.videos, 'video')] : [])];
    return html` <span class="muted" id="input-counts"
      >— ${parts.join(', ')}${c.skipped ? `; ${n(c.skipped, 'other file')} will be skipped (listed after the run)` : ''}</span
    >`;
  }

  /** The page before any input: what to do, in order. */
  private renderEmptyState() {
    const where =
      this.outputKind === 'zip'
        ? 'the results download as one zip file'
        : this.outDir
          ? `the results are written into “${this.outDir.name}”`
          : 'you choose the folder to write the results into';
    return html`<div id="empty-state">
      <p><b>Start here:</b> choose your photos with <b>Files</b> or <b>Folder</b>, or drop them anywhere on this page.</p>
      <p class="muted">
        Then check the recipe (<b>${this.recipe.name}</b> is ready to use; the menu has others) and press <b>Start</b>: ${where}. Nothing is
        uploaded.
      </p>
    </div>`;
  }

  private renderQueued() {
    const q = this.queued!;
    const what = [q.input ? `input ${q.input.label}` : '', q.recipe !== undefined ? 'a recipe' : ''].filter(Boolean).join(' and ');
    return `Received ${what} while the ${this.running || 'batch'} runs: used once it ends.`;
  }

  /** The app controller refuses an update while a batch or benchmark runs: tell it when that changes. */
  updated(changed: Map<PropertyKey, unknown>) {
    super.updated(changed);
    if (changed.has('running')) app.busy = !!this.running;
    // The preview follows the output options it shows: orientation always, the rest in the encoded view.
    const was = changed.get('output') as OutputOptions | undefined;
    if (was && this.previewFile && (was.orientation !== this.output.orientation || this.previewEncode)) this.schedulePreview();
  }

  render() {
    const busy = !!this.running;
    // Landmarks (banner, main, contentinfo): a screen reader can jump to the work area, and
    // every part of the page sits in one.
    return html`<header>
        <h1>Tessera</h1>
        <p class="muted">Batch image processing in your browser, in parallel. Nothing is uploaded.</p>
        <app-status .busy=${busy}></app-status>
      </header>
      <main>${this.renderMain(busy)}</main>
      <footer class="muted" id="version">Tessera ${api.VERSION} · everything runs on this device</footer>`;
  }

  /** The work area, inside the main landmark: input, recipe, output, actions, progress, preview, results. */
  private renderMain(busy: boolean) {
    const ready = this.isolated && !!this.input && !busy && this.recipeValid && this.includedCount !== 0;
    return html` ${
        this.isolated
          ? ''
          : html`<div class="banner" id="not-isolated" role="alert">
              <b>This page is not cross-origin isolated.</b> Tessera shares pixels between its workers through SharedArrayBuffer, which
              browsers only allow on isolated pages. Serve it with the headers <code>Cross-Origin-Opener-Policy: same-origin</code> and
              <code>Cross-Origin-Embedder-Policy: require-corp</code> (<code>npm start</code> does), or open it once in a browser with
              service workers, which add them.
            </div>`
      }
      ${this.dragging ? html`<div class="drop-overlay" id="drop-overlay">Drop photos, videos or folders to use them as the input</div>` : ''}
      <div class="workspace">
        <div class="side">
          <section class="panel in">
            <h2>1 · Input</h2>
            <fieldset class="lock" ?disabled=${busy}>
              <div class="row">
                ${hasPicker ? html`<button id="pick-input" @click=${() => this.pickInputFolder()}>Choose folder…</button>` : ''}
                <label class="file-btn"
                  >Folder (upload)<input id="folder-input" type="file" webkitdirectory multiple @change=${(e: Event) => this.onFiles(e)}
                /></label>
                <label class="file-btn"
                  >Files<input id="files-input" type="file" multiple accept="image/*,video/*" @change=${(e: Event) => this.onFiles(e)}
                /></label>
                <label class="file-btn"
                  >Zip<input id="zip-input" type="file" accept=".zip,application/zip" @change=${(e: Event) => this.onZip(e)}
                /></label>
              </div>
              <div class="drop ${this.dragging ? 'over' : ''}">or drop photos and folders anywhere on this page</div>
            </fieldset>
            ${this.input ? html`<p id="input-label">Input: <b>${this.input.label}</b>${this.renderCounts()}</p>` : this.renderEmptyState()}
            ${
              this.inputItems?.length
                ? html`<input-grid
                    .items=${this.inputItems}
                    .excluded=${this.excluded}
                    current=${this.previewFile?.path ?? ''}
                    ?locked=${busy}
                    @pick=${(e: CustomEvent<string>) => this.pickPreview(e.detail)}
                    @exclusion-change=${(e: CustomEvent<Set<string>>) => (this.excluded = e.detail)}
                  ></input-grid>`
                : ''
            }
            ${this.queued ? html`<p class="muted" id="queued">${this.renderQueued()}</p>` : ''}
          </section>
          <recipe-editor
            class="recipe"
            ?locked=${busy}
            .recipe=${this.recipe}
            .timings=${this.preview && !this.previewFailed ? this.previewTimings() : undefined}
            @recipe-change=${(e: CustomEvent<{ recipe: api.Recipe; valid: boolean }>) => this.onRecipeChange(e)}
            @save-recipe=${() => this.saveRecipe()}
            @load-recipe=${(e: CustomEvent<Event>) => this.onRecipeFile(e)}
            @share-recipe=${() => this.shareRecipe()}
            .userPresets=${this.userPresets}
            @save-preset=${() => this.savePreset()}
            @delete-preset=${() => this.deletePreset()}
          >
            ${this.presetNote ? html`<p class="muted" id="preset-note" role="status">${this.presetNote}</p>` : ''}
            ${this.recipeError ? html`<p class="err" id="recipe-error">${this.recipeError}</p>` : ''}
            ${this.shareUrl ? html`<input class="share" id="share-url" readonly .value=${this.shareUrl} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />` : ''}
          </recipe-editor>
          <section class="panel out">
            <h2>3 · Output</h2>
            <output-options
              ?locked=${busy}
              .value=${this.output}
              @output-change=${(e: CustomEvent<OutputOptions>) => this.onOutputChange(e.detail)}
              @video-change=${(e: CustomEvent<import('../core/video-options').VideoOptions>) => (this.video = e.detail)}
            ></output-options>
            ${this.renderImagesHint()} ${this.remembered.renderNotes()}
            <fieldset class="lock" ?disabled=${busy}>
              <label
                ><input
                  type="radio"
                  name="out"
                  value="folder"
                  ?disabled=${!hasPicker && !this.outDir}
                  .checked=${this.outputKind === 'folder'}
                  @change=${() => (this.outputKind = 'folder')}
                />
                Folder
                ${hasPicker ? html`<button id="pick-output" @click=${() => this.pickOutputFolder()}>${this.outDir ? `“${this.outDir.name}”` : 'Choose…'}</button>` : html`<span class="muted">(needs File System Access)</span>`}</label
              >
              <label
                ><input
                  type="radio"
                  name="out"
                  value="zip"
                  .checked=${this.outputKind === 'zip'}
                  @change=${() => (this.outputKind = 'zip')}
                />
                Zip download</label
              >
              <label
                >Workers
                <input
                  id="workers"
                  type="number"
                  min="1"
                  max="16"
                  .value=${String(this.workers)}
                  @change=${(e: Event) => (this.workers = Math.min(16, Math.max(1, Math.round(Number((e.target as HTMLInputElement).value)) || 1)))}
                  style="width:4em"
                />
                <span class="muted">(this device has ${navigator.hardwareConcurrency} cores)</span></label
              >
            </fieldset>
            ${busy ? html`<p class="muted" id="locked-note">Settings are locked while the ${this.running} runs: cancel it to change them.</p>` : ''}
          </section>
        </div>
        <div class="stage">
          <div class="actions">
            <button class="primary" id="start" ?disabled=${!ready} @click=${() => this.start()}>Start</button>
            <button id="cancel" ?disabled=${!busy} @click=${() => this.cancel()}>Cancel</button>
            ${
              this.zipUrl
                ? html`<a id="zip-link" href=${this.zipUrl.url} download=${this.zipUrl.name} @click=${() => this.zipSaved()}
                    >Download zip (${this.zipUrl.count} files)</a
                  >`
                : ''
            }
            ${this.summary ? html`<span id="summary">${this.summary.cancelled ? 'Cancelled: ' : ''}${this.summary.ok} written, ${this.summary.failed} failed${keptText(this.summary)} in ${seconds(this.summary.seconds)} (engine start-up ${seconds(this.summary.startupSeconds)})</span>` : ''}
            ${this.message ? html`<span class="err" id="message" role="alert">${this.message}</span>` : ''}
          </div>
          ${
            this.videoProgress && Object.keys(this.videoProgress).length
              ? html`<p class="muted" id="video-progress">
                  ${Object.values(this.videoProgress).map(
                    (p) =>
                      html`<span
                          >${p.path}: ${p.frames}/${p.totalFrames} frames · ${p.fps.toFixed(1)}
                          fps${p.etaSeconds !== undefined ? html` · ETA ${seconds(p.etaSeconds)}` : ''}</span
                        ><br />`,
                  )}
                </p>`
              : ''
          }
          ${
            this.faceStep() && this.previewFile && isImageName(this.previewFile.path) && !this.reviewing
              ? html`<div class="row">
                  <button id="review-faces" ?disabled=${busy} @click=${() => this.reviewFaces(this.previewFile!.path)}>
                    Review faces…
                  </button>
                  <span class="muted">check the boxes before the batch hides them, photo by photo</span>
                </div>`
              : ''
          }
          ${
            this.regionsStep() >= 0 && this.previewFile && isVideoName(this.previewFile.path) && !this.regionMarks.isOpen
              ? html`<div class="row">
                  <button id="mark-regions" ?disabled=${busy} @click=${() => this.markRegions()}>Mark regions…</button>
                  <span class="muted">draw what to hide on any frame; it is followed through the video</span>
                </div>`
              : ''
          }
          ${
            this.faceStep() && this.previewFile && isVideoName(this.previewFile.path) && !this.regionMarks.isOpen
              ? html`<div class="row">
                  <button id="keep-faces" ?disabled=${busy} @click=${() => this.markRegions('keep')}>Faces to leave visible…</button>
                  <span class="muted">mark a face once (a poster, someone who agreed); it is followed and never hidden</span>
                </div>`
              : ''
          }
          ${this.regionMarks.render()} ${this.renderReview()}
          ${this.previewNote && this.previewFile ? html`<p class="muted" id="preview-note">${this.previewNote}</p>` : ''}
          ${this.previewFile && isVideoName(this.previewFile.path) ? this.videoPreview.render() : ''}
          ${
            this.previewFile
              ? html`<preview-panel
                  .result=${this.preview}
                  status=${this.previewStatus ?? ''}
                  failed=${this.previewFailed ?? ''}
                  label=${this.previewLabel ?? ''}
                  .ms=${this.previewMs}
                  .giantStatus=${this.giantStatus}
                  encodeLabel=${encodeLabel(this.output)}
                  @view-change=${(e: CustomEvent<api.ViewRequest>) => {
                    this.previewView = e.detail;
                    this.schedulePreview(0);
                  }}
                  @encode-change=${(e: CustomEvent<boolean>) => {
                    this.previewEncode = e.detail;
                    this.schedulePreview(0);
                  }}
                  @region-change=${(e: CustomEvent<Rect | undefined>) => {
                    this.previewRegion = e.detail;
                    this.schedulePreview(0);
                  }}
                  @retry=${() => this.schedulePreview(0)}
                ></preview-panel>`
              : ''
          }
          ${
            this.previewFile
              ? ''
              : html`<section class="panel" id="preview-empty">
                  <h2>Preview</h2>
                  <p class="muted">Choose photos and the first one appears here, as the recipe will write it.</p>
                </section>`
          }
          <progress-panel
            .progress=${this.progress}
            .videos=${this.running === 'batch' && this.videoProgress ? Object.values(this.videoProgress) : undefined}
            state=${
              this.running
                ? this.controller?.signal.aborted
                  ? 'cancelling'
                  : `running ${this.running}`
                : this.summary?.cancelled
                  ? 'cancelled'
                  : this.summary
                    ? 'finished'
                    : 'idle'
            }
          ></progress-panel>
        </div>
      </div>
      <div class="stack">
        ${this.compare ? html`<compare-view .beforeImage=${this.compare.before} .afterImage=${this.compare.after} label=${this.compare.label}></compare-view>` : ''}
        ${
          this.videoResult
            ? html`<section class="panel" id="video-result">
                <h2>Result — ${this.videoResult.path}</h2>
                <video
                  controls
                  preload="metadata"
                  src=${this.videoResult.url}
                  @error=${() => (this.videoResult &&= { ...this.videoResult, unplayable: true })}
                ></video>
                <p class=${this.videoResult.unplayable ? 'err' : 'muted'} id="video-result-note">
                  ${
                    this.videoResult.unplayable
                      ? 'This browser cannot play this video here; it was written as it is: open it in a video player.'
                      : 'The video as written. (The before/after comparison is for photos.)'
                  }
                </p>
              </section>`
            : ''
        }
        ${this.resultNote ? html`<p class="panel" id="result-note">${this.resultNote.text}</p>` : ''}
        <details class="panel" id="camera-section" @toggle=${(e: Event) => (this.cameraOpen = (e.target as HTMLDetailsElement).open)}>
          <summary>
            <b>Live camera</b> <span class="muted">— the recipe on your camera, dropping frames rather than falling behind</span>
          </summary>
          ${this.cameraOpen && this.isConnected ? html`<camera-panel .pool=${this.getPool()} .recipe=${this.recipe}></camera-panel>` : ''}
        </details>
        <results-table
          .results=${this.results}
          .skipped=${this.skipped}
          ?busy=${busy}
          ?can-retry=${this.resultsInput === this.input}
          @retry-failed=${() => void this.start(new Set(this.results.filter((r) => r.status === 'failed').map((r) => r.path)))}
          selected=${this.compare?.path ?? this.videoResult?.path ?? this.resultNote?.path ?? ''}
          @select=${(e: CustomEvent<FileResult>) => this.select(e)}
        ></results-table>
        <details class="panel" id="speed">
          <summary><b>Speed and details</b> <span class="muted">— benchmark 1 vs N workers, per-worker metrics</span></summary>
          <p class="muted">
            Runs the recipe on the input with 1 worker and with N, and checks the outputs are identical. Nothing is written.
          </p>
          <button id="benchmark" ?disabled=${!ready} @click=${() => this.benchmark()}>Benchmark</button>
          ${
            this.summary
              ? html`<p class="muted" id="metrics">
                  ${this.summary.pool.workers.map((w) => `worker ${w.index + 1}: ${w.tasks} tasks, ${seconds(w.busyMs / 1000)} busy${w.crashes ? `, ${w.crashes} crash${w.crashes > 1 ? 'es' : ''}` : ''}`).join(' · ')}
                  ${this.summary.buffers.hits + this.summary.buffers.misses ? ` · shared-buffer pool hit rate ${Math.round(100 * this.summary.buffers.hitRate)}% (${this.summary.buffers.hits}/${this.summary.buffers.hits + this.summary.buffers.misses})` : ''}
                  ${this.summary.pool.retries ? ` · ${this.summary.pool.retries} retried after a worker crash` : ''}
                </p>`
              : ''
          }
          ${this.bench || this.benchStatus ? html`<benchmark-panel .result=${this.bench} status=${this.benchStatus ?? ''}></benchmark-panel>` : ''}
        </details>
      </div>`;
  }
}
customElements.define('tessera-studio', TesseraStudio);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-studio': TesseraStudio;
  }
}

/** A face step's params that detect-faces takes (its detector settings), from the catalogue. */
function detectParams(step: RecipeStep): Record<string, unknown> {
  const names = Object.keys(getOperation('detect-faces').params);
  return Object.fromEntries(Object.entries(step.params ?? {}).filter(([k]) => names.includes(k)));
}
