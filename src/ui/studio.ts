/**
 * <tessera-studio>: renders state and sends intents to the jobs layer; it holds no processing
 * logic. Inputs: folder picker, file/folder inputs, drop, zip. Outputs: a folder or a zip.
 */
import { LitElement, html, css } from 'lit';
import * as api from '../api';
import type { BenchmarkResult } from '../jobs/benchmark';
import type { BatchProgress, BatchSummary, FileResult } from '../jobs/types';
import type { InputFile, InputSource } from '../io/sources';
import type { OutputSink } from '../io/sinks';
import type { OutputOptions } from '../core/formats';
import { messageOf } from '../core/errors';
import { isImageName } from '../core/sniff';
import { recipeFromHash, recipeToHash } from '../core/recipe-url';
import type { PreviewResult } from '../engine/api';
import type { Rect } from '../core/tiles';
import type { EnginePool } from '../pool/engine-pool';
import { panel } from './styles';
import { RememberController } from './remember';
import { seconds } from './format';
import './progress-panel';
import './results-table';
import './benchmark-panel';
import './compare-view';
import './recipe-editor';
import './preview-panel';
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

export class TesseraStudio extends LitElement {
  static properties = {
    input: { state: true },
    recipe: { state: true },
    recipeError: { state: true },
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
  };
  /** Settings for videos in the input (output-options' video section). */
  declare video?: import('../core/video-options').VideoOptions;
  /** Progress of the videos being processed, by path. */
  declare videoProgress?: Record<string, api.VideoProgress>;
  declare input?: ChosenInput;
  declare recipe: api.Recipe;
  declare recipeError?: string;
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
  declare zipUrl?: { url: string; name: string; count: number };
  declare compare?: { before: Blob; after: Blob; label: string; path: string };
  declare dragging: boolean;

  private controller?: AbortController;
  private pool?: EnginePool;
  private sink?: OutputSink;
  private inputsByPath = new Map<string, InputFile>();
  private previewer?: api.Previewer;
  private previewFile?: InputFile;
  private previewRegion?: Rect;
  private previewTimer?: ReturnType<typeof setTimeout>;
  /** Why the latest preview failed: what is on screen is then from earlier settings (or nothing). */
  private previewFailed?: string;
  /** The last recipe, output options, workers and output folder, kept between visits (ui/remember.ts). */
  private remembered = new RememberController(this, hasPicker);
  readonly isolated = globalThis.crossOriginIsolated === true;

  static styles = [
    panel,
    css`
      :host {
        display: block;
        max-width: 1180px;
        margin: 0 auto;
        padding: 18px;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 14px;
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
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
        gap: 14px;
        margin-bottom: 14px;
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
        margin-bottom: 14px;
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
    `,
  ];

  constructor() {
    super();
    this.recipe = api.SEED_RECIPE;
    this.recipeValid = true;
    this.cameraOpen = false;
    this.output = api.validateOutput(this.recipe.output ?? {});
    this.outputKind = hasPicker ? 'folder' : 'zip';
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
      this.recipeError = `shared link: ${messageOf(e)}`;
    }
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
    this.input = input;
    this.previewFile = undefined;
    this.previewRegion = undefined;
    this.giantStatus = undefined;
    void this.firstImage(input).then((f) => {
      if (this.input !== input || !f) return;
      this.previewFile = f;
      this.schedulePreview(0);
    });
  }

  private async firstImage(input: ChosenInput): Promise<InputFile | undefined> {
    for await (const f of input.open() as AsyncIterable<InputFile>) if (isImageName(f.path)) return f;
    return undefined;
  }

  /** Debounced: typing in a field or dragging a slider previews once it pauses. */
  private schedulePreview(delay = 150): void {
    clearTimeout(this.previewTimer);
    if (!this.isConnected) return;
    this.previewTimer = setTimeout(() => void this.runPreview(), delay);
  }

  private async runPreview(): Promise<void> {
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
    const out = await previewer.request({
      file,
      key: `${f.path}|${file.size}|${(file as File).lastModified ?? 0}`,
      recipe: this.recipe,
      region: this.previewRegion,
    });
    if (out.kind === 'superseded') return;
    if (out.kind === 'error') {
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
    this.preview = out.result;
    if (!out.result.giant) this.giantStatus = undefined;
    this.previewMs = out.ms;
    this.previewLabel = f.path;
    this.previewStatus = undefined;
  }

  private onRecipeChange(e: CustomEvent<{ recipe: api.Recipe; valid: boolean }>) {
    const { recipe, valid } = e.detail;
    const outputChanged = JSON.stringify(recipe.output) !== JSON.stringify(this.recipe.output);
    this.recipe = recipe;
    this.recipeValid = valid;
    this.recipeError = valid ? undefined : 'Fix the highlighted step before running.';
    if (outputChanged) this.output = api.validateOutput(recipe.output ?? {});
    if (valid) this.schedulePreview();
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

  useRecipe(recipe: unknown): void {
    try {
      this.recipe = api.validateRecipe(recipe);
      this.recipeValid = true;
      this.recipeError = undefined;
      this.output = api.validateOutput(this.recipe.output ?? {});
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

  private async pickOutputFolder() {
    try {
      const dir = await (
        globalThis as unknown as { showDirectoryPicker(o?: object): Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker({ mode: 'readwrite', id: 'tessera-output' });
      this.useOutputFolder(dir);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.message = messageOf(e);
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
    e.preventDefault();
    this.dragging = false;
    if (!e.dataTransfer) return;
    try {
      const list = await api.droppedSource(e.dataTransfer.items);
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
  private async *remember(source: InputSource): AsyncGenerator<InputFile> {
    this.inputsByPath.clear();
    for await (const f of source as AsyncIterable<InputFile>) {
      this.inputsByPath.set(f.path, f);
      yield f;
    }
  }

  async start(): Promise<BatchSummary | undefined> {
    if (!this.input || this.running) return;
    this.message = undefined;
    this.results = [];
    this.summary = undefined;
    this.compare = undefined;
    if (this.zipUrl) URL.revokeObjectURL(this.zipUrl.url);
    this.zipUrl = undefined;
    let sink: OutputSink;
    if (this.outputKind === 'folder') {
      if (!this.outDir) {
        this.message = 'Choose an output folder first (or switch the output to a zip download).';
        return;
      }
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
    } else sink = new api.ZipSink();
    this.sink = sink;
    this.controller = new AbortController();
    this.running = 'batch';
    const results: FileResult[] = [];
    try {
      const summary = await api.runBatch({
        input: this.remember(this.input.open()),
        output: sink,
        recipe: this.recipe,
        format: this.output,
        pool: this.getPool(),
        signal: this.controller.signal,
        onProgress: (p) => (this.progress = p),
        video: this.video,
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
        this.zipUrl = { url: URL.createObjectURL(blob), name, count: sink.count };
        if (!summary.cancelled) queueMicrotask(() => this.renderRoot.querySelector<HTMLAnchorElement>('#zip-link')?.click());
      }
      return summary;
    } catch (e) {
      this.message = messageOf(e);
    } finally {
      this.running = '';
      this.controller = undefined;
      this.remembered.afterBatch();
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  async benchmark(): Promise<BenchmarkResult | undefined> {
    if (!this.input || this.running) return;
    const input = this.input;
    this.controller = new AbortController();
    this.running = 'benchmark';
    this.bench = undefined;
    this.message = undefined;
    try {
      this.bench = await api.runBenchmark({
        input: () => input.open(),
        recipe: this.recipe,
        format: this.output,
        workers: this.workers,
        signal: this.controller.signal,
        onRun: (n) => (this.benchStatus = `Running with ${n} worker${n === 1 ? '' : 's'}…`),
        onProgress: (p) => (this.progress = p),
      });
      this.benchStatus = undefined;
      return this.bench;
    } catch (e) {
      this.benchStatus = undefined;
      this.message = messageOf(e);
    } finally {
      this.running = '';
      this.controller = undefined;
    }
  }

  private async select(e: CustomEvent<FileResult>) {
    const r = e.detail;
    const input = this.inputsByPath.get(r.path);
    if (input) {
      this.previewFile = input;
      this.previewRegion = undefined;
      this.giantStatus = undefined;
      this.schedulePreview(0);
    }
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
    if (before && after) this.compare = { before, after, label: r.path, path: r.path };
    else this.message = `${r.path}: the output cannot be read back for comparison`;
  }

  render() {
    const busy = !!this.running;
    app.busy = busy;
    const ready = this.isolated && !!this.input && !busy && this.recipeValid;
    return html` <header>
        <h1>Tessera</h1>
        <p class="muted">Batch image processing in your browser, in parallel. Nothing is uploaded.</p>
        <app-status .busy=${busy}></app-status>
      </header>
      ${
        this.isolated
          ? ''
          : html`<div class="banner" id="not-isolated" role="alert">
              <b>This page is not cross-origin isolated.</b> Tessera shares pixels between its workers through SharedArrayBuffer, which
              browsers only allow on isolated pages. Serve it with the headers <code>Cross-Origin-Opener-Policy: same-origin</code> and
              <code>Cross-Origin-Embedder-Policy: require-corp</code> (<code>npm start</code> does), or open it once in a browser with
              service workers, which add them.
            </div>`
      }
      <div class="grid">
        <section
          class="panel"
          @dragover=${(e: DragEvent) => {
            e.preventDefault();
            this.dragging = true;
          }}
          @dragleave=${() => (this.dragging = false)}
          @drop=${(e: DragEvent) => this.onDrop(e)}
        >
          <h2>1 · Input</h2>
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
          <div class="drop ${this.dragging ? 'over' : ''}">or drop files and folders here</div>
          <p id="input-label">
            ${this.input ? html`Input: <b>${this.input.label}</b>` : html`<span class="muted">No input chosen.</span>`}
          </p>
        </section>
        <recipe-editor
          .recipe=${this.recipe}
          .timings=${this.preview && !this.previewFailed ? this.previewTimings() : undefined}
          @recipe-change=${(e: CustomEvent<{ recipe: api.Recipe; valid: boolean }>) => this.onRecipeChange(e)}
          @save-recipe=${() => this.saveRecipe()}
          @load-recipe=${(e: CustomEvent<Event>) => this.onRecipeFile(e)}
          @share-recipe=${() => this.shareRecipe()}
        >
          ${this.recipeError ? html`<p class="err" id="recipe-error">${this.recipeError}</p>` : ''}
          ${this.shareUrl ? html`<input class="share" id="share-url" readonly .value=${this.shareUrl} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />` : ''}
        </recipe-editor>
        <section class="panel">
          <h2>3 · Output</h2>
          <output-options
            .value=${this.output}
            @output-change=${(e: CustomEvent<OutputOptions>) => (this.output = e.detail)}
            @video-change=${(e: CustomEvent<import('../core/video-options').VideoOptions>) => (this.video = e.detail)}
          ></output-options>
          ${this.remembered.renderNotes()}
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
            ><input type="radio" name="out" value="zip" .checked=${this.outputKind === 'zip'} @change=${() => (this.outputKind = 'zip')} />
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
        </section>
      </div>
      <div class="actions">
        <button class="primary" id="start" ?disabled=${!ready} @click=${() => this.start()}>Start</button>
        <button id="cancel" ?disabled=${!busy} @click=${() => this.cancel()}>Cancel</button>
        <button id="benchmark" ?disabled=${!ready} @click=${() => this.benchmark()}>Benchmark</button>
        ${this.zipUrl ? html`<a id="zip-link" href=${this.zipUrl.url} download=${this.zipUrl.name}>Download zip (${this.zipUrl.count} files)</a>` : ''}
        ${this.summary ? html`<span id="summary">${this.summary.cancelled ? 'Cancelled: ' : ''}${this.summary.ok} written, ${this.summary.failed} failed in ${seconds(this.summary.seconds)} (engine start-up ${seconds(this.summary.startupSeconds)})</span>` : ''}
        ${this.message ? html`<span class="err" id="message" role="alert">${this.message}</span>` : ''}
      </div>
      ${
        this.summary
          ? html`<p class="muted" id="metrics">
              ${this.summary.pool.workers.map((w) => `worker ${w.index + 1}: ${w.tasks} tasks, ${seconds(w.busyMs / 1000)} busy${w.crashes ? `, ${w.crashes} crash${w.crashes > 1 ? 'es' : ''}` : ''}`).join(' · ')}
              ${this.summary.buffers.hits + this.summary.buffers.misses ? ` · shared-buffer pool hit rate ${Math.round(100 * this.summary.buffers.hitRate)}% (${this.summary.buffers.hits}/${this.summary.buffers.hits + this.summary.buffers.misses})` : ''}
              ${this.summary.pool.retries ? ` · ${this.summary.pool.retries} retried after a worker crash` : ''}
            </p>`
          : ''
      }
      <div class="stack">
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
        <progress-panel
          .progress=${this.progress}
          state=${this.running ? `running ${this.running}` : this.summary?.cancelled ? 'cancelled' : this.summary ? 'finished' : 'idle'}
        ></progress-panel>
        ${
          this.previewFile
            ? html`<preview-panel
                .result=${this.preview}
                status=${this.previewStatus ?? ''}
                failed=${this.previewFailed ?? ''}
                label=${this.previewLabel ?? ''}
                .ms=${this.previewMs}
                .giantStatus=${this.giantStatus}
                @region-change=${(e: CustomEvent<Rect | undefined>) => {
                  this.previewRegion = e.detail;
                  this.schedulePreview(0);
                }}
                @retry=${() => this.schedulePreview(0)}
              ></preview-panel>`
            : ''
        }
        ${this.bench || this.benchStatus ? html`<benchmark-panel .result=${this.bench} status=${this.benchStatus ?? ''}></benchmark-panel>` : ''}
        ${this.compare ? html`<compare-view .beforeImage=${this.compare.before} .afterImage=${this.compare.after} label=${this.compare.label}></compare-view>` : ''}
        <details class="panel" id="camera-section" @toggle=${(e: Event) => (this.cameraOpen = (e.target as HTMLDetailsElement).open)}>
          <summary>
            <b>Live camera</b> <span class="muted">— the recipe on your camera, dropping frames rather than falling behind</span>
          </summary>
          ${this.cameraOpen && this.isConnected ? html`<camera-panel .pool=${this.getPool()} .recipe=${this.recipe}></camera-panel>` : ''}
        </details>
        <results-table
          .results=${this.results}
          selected=${this.compare?.path ?? ''}
          @select=${(e: CustomEvent<FileResult>) => this.select(e)}
        ></results-table>
      </div>
      <footer class="muted" id="version">Tessera ${api.VERSION} · everything runs on this device</footer>`;
  }
}
customElements.define('tessera-studio', TesseraStudio);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-studio': TesseraStudio;
  }
}
