/**
 * <camera-panel>: live camera through the current recipe. Start/Stop, optional recording of the
 * processed stream (WebM or MP4), the processed preview on a canvas and the live statistics.
 * Properties from the parent: `pool` (EnginePool) and `recipe` (Recipe).
 */
import { LitElement, html, css, nothing } from 'lit';
import type { Recipe } from '../core/recipe';
import { messageOf } from '../core/errors';
import type { EnginePool } from '../pool/engine-pool';
import { startCamera, type CameraController, type CameraFrame, type CameraStats } from '../jobs/camera';
import type { RecordContainer } from '../jobs/camera-record';
import { panel } from './styles';

const RESOLUTIONS: Record<string, { width: number; height: number } | undefined> = {
  default: undefined,
  '640x480': { width: 640, height: 480 },
  '1280x720': { width: 1280, height: 720 },
  '1920x1080': { width: 1920, height: 1080 },
};

export class CameraPanel extends LitElement {
  static properties = {
    pool: { attribute: false },
    recipe: { attribute: false },
    maxInFlight: { attribute: false },
    constraints: { attribute: false },
    running: { state: true },
    busy: { state: true },
    stats: { state: true },
    error: { state: true },
    record: { state: true },
    container: { state: true },
    resolution: { state: true },
    recordingUrl: { state: true },
    recordingSize: { state: true },
  };
  declare pool?: EnginePool;
  declare recipe?: Recipe;
  /** Frames in flight before new ones are dropped (default 2). */
  declare maxInFlight: number;
  /** Extra getUserMedia constraints (merged over the resolution picked in the panel). */
  declare constraints?: MediaTrackConstraints;
  declare running: boolean;
  declare busy: boolean;
  declare stats?: CameraStats;
  declare error?: string;
  declare record: boolean;
  declare container: RecordContainer;
  declare resolution: string;
  declare recordingUrl?: string;
  declare recordingSize?: number;
  /** The current (or last) session; kept after stop so its stream and counts can be inspected. */
  controller?: CameraController;

  static styles = [
    panel,
    css`
      .tools {
        display: flex;
        gap: 10px;
        align-items: center;
        flex-wrap: wrap;
        margin-bottom: 8px;
        font-size: 13px;
      }
      canvas {
        display: block;
        max-width: 100%;
        background: #111;
        min-height: 60px;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(120px, 1fr));
        gap: 4px 14px;
        font-size: 12px;
        margin: 8px 0 0;
      }
      dt {
        color: #6b7385;
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .error {
        color: #c62828;
        font-size: 13px;
        margin-top: 6px;
      }
    `,
  ];

  constructor() {
    super();
    this.maxInFlight = 2;
    this.running = false;
    this.busy = false;
    this.record = false;
    this.container = 'webm';
    this.resolution = '1280x720';
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.stop();
  }

  updated(changed: Map<string, unknown>): void {
    if (changed.has('recipe') && this.running && this.recipe) {
      try {
        this.controller?.setRecipe(this.recipe);
      } catch (e) {
        this.error = messageOf(e);
      }
    }
  }

  private draw = (f: CameraFrame) => {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('#camera-preview');
    if (!canvas) return;
    if (canvas.width !== f.width || canvas.height !== f.height) {
      canvas.width = f.width;
      canvas.height = f.height;
    }
    canvas.getContext('2d')!.putImageData(new ImageData(f.rgba as Uint8ClampedArray<ArrayBuffer>, f.width, f.height), 0, 0);
  };

  async start(): Promise<void> {
    if (this.running || this.busy) return;
    if (!this.pool || !this.recipe) {
      this.error = 'no worker pool or recipe yet';
      return;
    }
    this.error = undefined;
    this.stats = undefined;
    this.clearRecording();
    this.busy = true;
    try {
      const size = RESOLUTIONS[this.resolution];
      const constraints: MediaTrackConstraints = {
        ...(size ? { width: { ideal: size.width }, height: { ideal: size.height } } : {}),
        ...this.constraints,
      };
      this.controller = await startCamera({
        pool: this.pool,
        recipe: this.recipe,
        maxInFlight: this.maxInFlight,
        constraints,
        record: this.record ? { container: this.container } : undefined,
        onFrame: this.draw,
        onStats: (s) => (this.stats = s),
      });
      this.running = true;
    } catch (e) {
      this.error = messageOf(e);
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    const c = this.controller;
    if (!c || !this.running) return;
    this.busy = true;
    try {
      const { stats, recording } = await c.stop();
      this.stats = stats;
      if (stats.lastError && !stats.processed) this.error = stats.lastError;
      if (recording) {
        this.recordingUrl = URL.createObjectURL(recording);
        this.recordingSize = recording.size;
      }
    } catch (e) {
      this.error = messageOf(e);
    } finally {
      this.running = false;
      this.busy = false;
    }
  }

  private clearRecording() {
    if (this.recordingUrl) URL.revokeObjectURL(this.recordingUrl);
    this.recordingUrl = undefined;
    this.recordingSize = undefined;
  }

  render() {
    const s = this.stats;
    const ms = (v?: number) => (v === undefined ? '–' : `${v.toFixed(0)} ms`);
    const stat = (id: string, label: string, value: string) =>
      html`<div>
        <dt>${label}</dt>
        <dd id=${id}>${value}</dd>
      </div>`;
    return html`<div class="panel">
      <h2>Live camera</h2>
      <div class="tools">
        <button id="camera-start" class="primary" ?disabled=${this.running || this.busy} @click=${() => this.start()}>Start</button>
        <button id="camera-stop" ?disabled=${!this.running || this.busy} @click=${() => this.stop()}>Stop</button>
        <label
          >Size
          <select
            id="camera-resolution"
            ?disabled=${this.running}
            .value=${this.resolution}
            @change=${(e: Event) => (this.resolution = (e.target as HTMLSelectElement).value)}
          >
            ${Object.keys(RESOLUTIONS).map((k) => html`<option value=${k} ?selected=${k === this.resolution}>${k}</option>`)}
          </select>
        </label>
        <label
          ><input
            id="camera-record"
            type="checkbox"
            ?disabled=${this.running}
            .checked=${this.record}
            @change=${(e: Event) => (this.record = (e.target as HTMLInputElement).checked)}
          />
          Record</label
        >
        <select
          id="camera-container"
          aria-label="Recording format"
          ?disabled=${this.running || !this.record}
          .value=${this.container}
          @change=${(e: Event) => (this.container = (e.target as HTMLSelectElement).value as RecordContainer)}
        >
          <option value="webm" ?selected=${this.container === 'webm'}>WebM (VP8)</option>
          <option value="mp4" ?selected=${this.container === 'mp4'}>MP4 (H.264)</option>
        </select>
        ${
          this.recordingUrl
            ? html`<a id="camera-recording" href=${this.recordingUrl} download=${`tessera-camera.${this.container}`}
                >Download recording (${((this.recordingSize ?? 0) / 1024).toFixed(0)} KiB)</a
              >`
            : nothing
        }
      </div>
      <canvas id="camera-preview" width="0" height="0"></canvas>
      <dl>
        ${stat('camera-captured', 'Captured', s ? String(s.captured) : '–')}
        ${stat('camera-processed', 'Processed', s ? String(s.processed) : '–')}
        ${stat('camera-dropped', 'Dropped', s ? String(s.dropped) : '–')}
        ${stat('camera-drop-rate', 'Drop rate', s ? `${(s.dropRate * 100).toFixed(1)}%` : '–')}
        ${stat('camera-latency-p50', 'Latency p50', ms(s?.latencyP50))} ${stat('camera-latency-p95', 'Latency p95', ms(s?.latencyP95))}
        ${stat('camera-fps', 'Output fps', s ? s.fps.toFixed(1) : '–')}
        ${
          s
            ? html`<div>
                <dt>Size</dt>
                <dd>${s.width}×${s.height}</dd>
              </div>`
            : nothing
        }
        ${
          s?.recording
            ? html`<div>
                <dt>Recorded</dt>
                <dd id="camera-encoded">${s.recording.encoded} (${s.recording.skipped} skipped)</dd>
              </div>`
            : nothing
        }
      </dl>
      ${this.error ? html`<div class="error" id="camera-error">${this.error}</div>` : nothing}
    </div>`;
  }
}

if (!customElements.get('camera-panel')) customElements.define('camera-panel', CameraPanel);
