/**
 * <preview-panel>: the live before/after of the current image. Slider or side by side; zoom is
 * a display scale, pan moves the computed region (in source pixels) and asks for a new preview.
 * A giant image (result.giant) opens at "fit", a reduced view the steps ran on (labelled so);
 * clicking a point, or a zoom button, asks for that place at full resolution ('region-change';
 * undefined: back to fit), and the full-resolution cache's progress shows below.
 * When the latest preview failed (`failed`), the image still shown is from earlier settings: it
 * is dimmed and says so, beside the reason and a Retry button ('retry').
 */
import { LitElement, html, css, nothing } from 'lit';
import type { PreviewResult } from '../engine/api';
import type { GiantStatus } from '../jobs/preview';
import type { Rect } from '../core/tiles';
import { regionAround } from '../core/giant';
import { panel } from './styles';

/** The side of the region asked for when zooming into a giant image (the preview's 1 MP). */
const ZOOM_SIDE = 1000;

export class PreviewPanel extends LitElement {
  static properties = {
    result: { attribute: false },
    status: {},
    failed: {},
    label: {},
    ms: { type: Number },
    giantStatus: { attribute: false },
    split: { state: true },
    mode: { state: true },
    zoom: { state: true },
  };
  declare result?: PreviewResult;
  declare status?: string;
  /** Why the latest preview failed; the result shown (if any) is then from earlier settings. */
  declare failed?: string;
  declare label?: string;
  declare ms?: number;
  /** Progress of a giant image's overview and full-resolution cache. */
  declare giantStatus?: GiantStatus;
  declare split: number;
  declare mode: 'slider' | 'side';
  declare zoom: number;
  private drag?: { x: number; y: number; region: Rect };

  static styles = [
    panel,
    css`
      .tools {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
        margin-bottom: 8px;
        font-size: 13px;
      }
      .tools input[type='range'] {
        flex: 1;
        min-width: 120px;
      }
      .viewport {
        overflow: hidden;
        max-height: 62vh;
        background: repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0/16px 16px;
        cursor: grab;
        touch-action: none;
      }
      .viewport.dragging {
        cursor: grabbing;
      }
      .stage {
        position: relative;
        display: inline-block;
        line-height: 0;
        transform-origin: 0 0;
      }
      .stage canvas {
        display: block;
        image-rendering: pixelated;
      }
      .stage .after {
        position: absolute;
        inset: 0;
      }
      .divider {
        position: absolute;
        top: 0;
        bottom: 0;
        width: 2px;
        background: #2457d6;
        pointer-events: none;
      }
      .side {
        display: flex;
        gap: 8px;
      }
      .after-wrap {
        position: relative;
        line-height: 0;
      }
      .faces {
        position: absolute;
        inset: 0;
        pointer-events: none;
      }
      .face-box {
        position: absolute;
        border: 2px solid #ffd400;
        box-shadow: 0 0 0 1px #000;
        box-sizing: border-box;
      }
      .face-box span {
        position: absolute;
        top: -16px;
        left: -2px;
        font: 11px/14px system-ui;
        background: #ffd400;
        color: #000;
        padding: 0 3px;
        white-space: nowrap;
      }
      /* A result from earlier settings, after the latest preview failed: visibly not the current one.
         Only the picture is dimmed: opacity on text would take its contrast below 4.5:1. */
      .stale {
        opacity: 0.3;
        filter: grayscale(1);
      }
      .failed {
        color: #c62828;
        margin: 0 0 8px;
        font-size: 13px;
      }
      .failed button {
        margin-left: 6px;
        padding: 2px 10px;
      }
      .meta {
        font-size: 12px;
        color: #6b7385;
        margin-top: 6px;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  constructor() {
    super();
    this.split = 50;
    this.mode = 'slider';
    this.zoom = 1;
  }

  private paint(canvas: HTMLCanvasElement | null, pixels: ArrayBuffer, w: number, h: number) {
    if (!canvas) return;
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels), w, h), 0, 0);
  }

  updated() {
    const r = this.result;
    if (!r) return;
    this.paint(this.renderRoot.querySelector('canvas.before'), r.before, r.width, r.height);
    this.paint(this.renderRoot.querySelector('canvas.after'), r.after, r.afterWidth, r.afterHeight);
  }

  private pannable(): boolean {
    const r = this.result;
    if (r?.giant) return r.giant.view === 'region';
    return !!r && r.scale === 1 && (r.region.width < r.sourceWidth || r.region.height < r.sourceHeight);
  }

  /** CSS scale of the canvases: the zoom in source pixels (a giant region shown reduced is enlarged to match; fit is as computed). */
  private displayScale(r: PreviewResult): number {
    if (!r.giant) return this.zoom;
    return r.giant.view === 'fit' ? 1 : this.zoom / r.scale;
  }

  /** Asks for a giant image's region around (cx, cy) in source pixels, or (undefined) its fit view. */
  private giantView(r: PreviewResult, centre?: [number, number]) {
    const detail = centre && regionAround(centre[0], centre[1], ZOOM_SIDE, ZOOM_SIDE, r.sourceWidth, r.sourceHeight);
    this.dispatchEvent(new CustomEvent('region-change', { detail, bubbles: true, composed: true }));
  }

  private zoomTo(z: number) {
    const r = this.result;
    this.zoom = z;
    if (r?.giant?.view === 'fit') this.giantView(r, [r.sourceWidth / 2, r.sourceHeight / 2]);
  }

  /** A click on a giant image's fit view: that point at full resolution. */
  private clickFit(e: MouseEvent) {
    const r = this.result;
    if (r?.giant?.view !== 'fit') return;
    const canvas = (e.target as HTMLElement).closest('canvas');
    if (!canvas) return;
    const box = canvas.getBoundingClientRect();
    const fx = (e.clientX - box.left) / box.width,
      fy = (e.clientY - box.top) / box.height;
    this.zoom = Math.max(1, this.zoom);
    this.giantView(r, [fx * r.sourceWidth, fy * r.sourceHeight]);
  }

  private down(e: PointerEvent) {
    if (!this.pannable() || !this.result) return;
    this.drag = { x: e.clientX, y: e.clientY, region: this.result.region };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.requestUpdate();
  }

  private up(e: PointerEvent) {
    const d = this.drag;
    this.drag = undefined;
    this.requestUpdate();
    if (!d || !this.result) return;
    const dx = Math.round((d.x - e.clientX) / this.zoom),
      dy = Math.round((d.y - e.clientY) / this.zoom);
    if (!dx && !dy) return;
    const r = this.result;
    const region = {
      ...d.region,
      x: Math.max(0, Math.min(r.sourceWidth - d.region.width, d.region.x + dx)),
      y: Math.max(0, Math.min(r.sourceHeight - d.region.height, d.region.y + dy)),
    };
    this.dispatchEvent(new CustomEvent('region-change', { detail: region, bubbles: true, composed: true }));
  }

  /** Face boxes over the "after" image, in percentages so they follow zoom and layout. */
  private faceBoxes(r: PreviewResult) {
    if (!r.faces?.length) return nothing;
    const pct = (v: number, of: number) => `${(100 * v) / of}%`;
    return html`<div class="faces">
      ${r.faces.map((f) => html`<div class="face-box" style="left:${pct(f.box[0], r.afterWidth)};top:${pct(f.box[1], r.afterHeight)};width:${pct(f.box[2], r.afterWidth)};height:${pct(f.box[3], r.afterHeight)}"><span>${f.score.toFixed(2)}</span></div>`)}
    </div>`;
  }

  /** What a giant image's view is, and how far to trust it. */
  private giantMeta(r: PreviewResult): string {
    const g = r.giant!;
    const of = `${r.sourceWidth}×${r.sourceHeight}`;
    if (g.view === 'fit') {
      const partial = g.overviewRows !== undefined ? ` (${Math.floor((100 * g.overviewRows) / g.overviewHeight)}% decoded)` : '';
      const why = g.global ? 'a step needs the whole image, so ' : '';
      return `fit — ${g.scaleLabel} scale preview of ${of}${partial}: ${why}the steps ran on this reduced view, not the exact output — click a point to see it at 100%`;
    }
    const where = `region ${r.region.width}×${r.region.height} at (${r.region.x}, ${r.region.y}) of ${of}`;
    if (g.exact) return `${where}, full resolution, exact — drag to pan`;
    return `${where}, shown at ${g.scaleLabel} scale until full resolution is ready (the steps ran on that reduced view) — drag to pan`;
  }

  render() {
    const r = this.result;
    const fit = r?.giant?.view === 'fit';
    const zoomBtn = (z: number, label: string) =>
      html`<button id="zoom-${z * 100}" @click=${() => this.zoomTo(z)} ?disabled=${this.zoom === z && !fit}>${label}</button>`;
    const scale = r ? this.displayScale(r) : 1;
    const stale = this.failed ? 'stale' : '';
    return html`<div class="panel" id="preview">
      <h2>Preview${this.label ? ` — ${this.label}` : ''}</h2>
      ${
        this.failed
          ? html`<p class="failed" id="preview-failed" role="alert">
              Preview failed:
              ${this.failed.replace(/\.$/, '')}.${r ? ' The image below is from the previous settings, not the current ones.' : ''}
              <button id="preview-retry" @click=${() => this.dispatchEvent(new CustomEvent('retry', { bubbles: true, composed: true }))}>
                Retry
              </button>
            </p>`
          : nothing
      }
      ${
        r
          ? html`<div class="tools">
                <button id="preview-mode" @click=${() => (this.mode = this.mode === 'slider' ? 'side' : 'slider')}>
                  ${this.mode === 'slider' ? 'Side by side' : 'Slider'}
                </button>
                ${this.mode === 'slider' ? html`<input type="range" min="0" max="100" .value=${String(this.split)} aria-label="Split" @input=${(e: Event) => (this.split = Number((e.target as HTMLInputElement).value))} />` : nothing}
                zoom ${r.giant ? html`<button id="zoom-fit" @click=${() => this.giantView(r)} ?disabled=${fit}>Fit</button>` : nothing}
                ${r.giant ? nothing : zoomBtn(0.5, '50%')} ${zoomBtn(1, '100%')} ${zoomBtn(2, '200%')} ${zoomBtn(4, '400%')}
              </div>
              <div
                class="viewport ${this.drag ? 'dragging' : ''} ${stale}"
                aria-hidden=${this.failed ? 'true' : nothing}
                @pointerdown=${(e: PointerEvent) => this.down(e)}
                @pointerup=${(e: PointerEvent) => this.up(e)}
                @click=${(e: MouseEvent) => this.clickFit(e)}
              >
                ${
                  this.mode === 'slider'
                    ? html`<div
                        class="stage"
                        style="transform: scale(${scale}); width:${r.width}px; height:${r.height}px; margin-right:${r.width * (scale - 1)}px; margin-bottom:${r.height * (scale - 1)}px"
                      >
                        <canvas class="before"></canvas>
                        <canvas
                          class="after"
                          style="clip-path: inset(0 0 0 ${this.split}%); width:${r.width}px; height:${r.height}px"
                        ></canvas>
                        ${this.faceBoxes(r)}
                        <div class="divider" style="left: calc(${this.split}% - 1px)"></div>
                      </div>`
                    : html`<div class="side" style="zoom:${scale}">
                        <canvas class="before"></canvas>
                        <div class="after-wrap"><canvas class="after"></canvas>${this.faceBoxes(r)}</div>
                      </div>`
                }
              </div>
              <div class="meta" id="preview-meta">
                ${r.giant ? this.giantMeta(r) : r.scale < 1 ? `whole image at ${Math.round(r.scale * 100)}% (a step needs the whole image)` : `region ${r.region.width}×${r.region.height} at (${r.region.x}, ${r.region.y}) of ${r.sourceWidth}×${r.sourceHeight}, 100%${this.pannable() ? ' — drag to pan' : ''}`}
                · ${r.afterWidth}×${r.afterHeight}
                out${r.faces ? html` · <span id="preview-faces">${r.faces.length} face${r.faces.length === 1 ? '' : 's'}</span>` : ''} ·
                ${this.ms !== undefined ? `${this.ms.toFixed(0)} ms` : ''}${r.decodeMs ? ` (decode ${r.decodeMs.toFixed(0)} ms)` : ''}
              </div>`
          : nothing
      }
      ${r?.giant && this.giantStatus ? html`<p class="muted" id="giant-progress">${giantProgress(this.giantStatus)}</p>` : nothing}
      ${this.status ? html`<p class="muted" id="preview-status">${this.status}</p>` : nothing}
    </div>`;
  }
}
/** What the background work on a giant image is doing, in words. */
function giantProgress(s: GiantStatus): string {
  switch (s.phase) {
    case 'overview':
      return `decoding the fit view… ${s.percent}%`;
    case 'cache':
      return `preparing full resolution… ${s.percent}%`;
    case 'ready':
      return s.cache ? `full resolution ready (prepared in ${(s.cache.ms / 1000).toFixed(1)} s)` : 'full resolution ready';
    case 'failed':
      return s.message ?? 'failed';
  }
}

customElements.define('preview-panel', PreviewPanel);
