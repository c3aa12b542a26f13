/**
 * <preview-panel>: the live before/after of the current image, as the batch will write it.
 *
 * An ordinary image (result.truth, engine/true-preview.ts): the region is in output pixels and
 * the panel says the output's real size. Fit or 50–400% zoom (50% shows more of the picture);
 * dragging (or the arrow keys) pans live — the picture moves at once and each new region is asked
 * for as the pointer moves ('view-change': zoom, centre, viewport); a loupe magnifies the pixels
 * under the pointer; "Encoded" shows the output file as the chosen format writes it, decoded,
 * with its size and the saving against the input ('encode-change').
 *
 * A giant image (result.giant) opens at "fit", a reduced view the steps ran on (labelled so);
 * clicking a point, or a zoom button, asks for that place at full resolution ('region-change';
 * undefined: back to fit), and the full-resolution cache's progress shows below.
 *
 * When the latest preview failed (`failed`), the image still shown is from earlier settings: it
 * is dimmed and says so, beside the reason and a Retry button ('retry').
 */
import { LitElement, html, css, nothing } from 'lit';
import type { PreviewResult } from '../engine/api';
import type { GiantStatus } from '../jobs/preview';
import type { ViewRequest } from '../core/preview-plan';
import { scaleLabel } from '../core/preview-plan';
import type { Rect } from '../core/tiles';
import { regionAround } from '../core/giant';
import { bytes } from './format';
import { panel } from './styles';
import { stepZoom, type Zoom } from './zoom-controls';
import './zoom-controls';
import './preview-loupe';

/** The side of the region asked for when zooming into a giant image (the preview's 1 MP). */
const ZOOM_SIDE = 1000;
/** Gap between the two pictures side by side. */
const GAP = 8;

/** "83% smaller than the input (2.4 MB)" / "12% larger than …". */
export function saving(size: number, input: number): string {
  const pct = Math.round(100 * (1 - size / input));
  return pct >= 0 ? `${pct}% smaller than the input (${bytes(input)})` : `${-pct}% larger than the input (${bytes(input)})`;
}

export class PreviewPanel extends LitElement {
  static properties = {
    result: { attribute: false },
    status: {},
    failed: {},
    label: {},
    ms: { type: Number },
    giantStatus: { attribute: false },
    encodeLabel: {},
    split: { state: true },
    mode: { state: true },
    zoom: { state: true },
    centre: { state: true },
    loupe: { state: true },
    loupeAt: { state: true },
    encoded: { state: true },
    pane: { state: true },
  };
  declare result?: PreviewResult;
  declare status?: string;
  /** Why the latest preview failed; the result shown (if any) is then from earlier settings. */
  declare failed?: string;
  declare label?: string;
  declare ms?: number;
  /** Progress of a giant image's overview and full-resolution cache. */
  declare giantStatus?: GiantStatus;
  /** The output format in words, for the Encoded toggle ("WebP, quality 82"). */
  declare encodeLabel?: string;
  declare split: number;
  declare mode: 'slider' | 'side';
  declare zoom: Zoom;
  /** The view's centre in output pixels (undefined: the output's centre). */
  declare centre?: [number, number];
  declare loupe: boolean;
  declare loupeAt?: { x: number; y: number; pane: number };
  /** Show the encoded output instead of the decoded result. */
  declare encoded: boolean;
  /** One picture's viewport, in screen pixels (measured). */
  declare pane: { width: number; height: number };
  private drag?: { x: number; y: number; centre: [number, number]; region?: Rect };
  private resize?: ResizeObserver;
  private observed?: Element;
  private frame = 0;
  private sentView = '';

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
        min-width: 100px;
      }
      .tools button[aria-pressed='true'] {
        background: #2457d6;
        color: #fff;
        border-color: #2457d6;
      }
      .viewport {
        position: relative;
        display: flex;
        gap: ${GAP}px;
        height: max(240px, calc(100dvh - 300px));
        max-height: 1400px;
        outline-offset: 2px;
        touch-action: none;
      }
      /* A phone: a picture about as tall as the column is wide, not a mostly empty box. */
      @media (max-width: 900px) {
        .viewport {
          height: min(70vh, 85vw);
        }
      }
      /* At Fit there is nothing to pan: a finger on the picture scrolls the page. */
      .viewport.whole {
        touch-action: auto;
      }
      .viewport.giant {
        display: block;
        height: auto;
        max-height: 75vh;
        overflow: hidden;
      }
      .pane {
        position: relative;
        flex: 1;
        min-width: 0;
        overflow: hidden;
        background: repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0/16px 16px;
        cursor: grab;
      }
      .pane.fit {
        cursor: default;
      }
      .viewport.dragging .pane {
        cursor: grabbing;
      }
      .viewport.loupe .pane {
        cursor: crosshair;
      }
      .stage {
        position: absolute;
        line-height: 0;
      }
      .viewport.giant .stage {
        position: relative;
        display: inline-block;
        transform-origin: 0 0;
      }
      .stage canvas {
        display: block;
        width: 100%;
        height: 100%;
        image-rendering: pixelated;
      }
      .stage canvas.smooth {
        image-rendering: auto;
      }
      .stage .after {
        position: absolute;
        inset: 0;
      }
      .tag {
        position: absolute;
        top: 6px;
        z-index: 2;
        font: 12px/18px system-ui;
        padding: 0 6px;
        background: rgba(0, 0, 0, 0.72);
        color: #fff;
        border-radius: 3px;
        pointer-events: none;
      }
      .tag.left {
        left: 6px;
      }
      .tag.right {
        right: 6px;
      }
      .divider {
        position: absolute;
        top: 0;
        bottom: 0;
        width: 2px;
        background: #2457d6;
        pointer-events: none;
        z-index: 1;
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
        color: #5b6274;
        margin-top: 6px;
        font-variant-numeric: tabular-nums;
      }
      .meta strong {
        color: #1d2230;
      }
    `,
  ];

  constructor() {
    super();
    this.split = 50;
    this.mode = 'slider';
    this.zoom = 'fit';
    this.loupe = false;
    this.encoded = false;
    this.pane = { width: 960, height: 640 };
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.resize = undefined;
    this.observed = undefined;
    cancelAnimationFrame(this.frame);
  }

  /** The view this panel shows, as the worker's plan takes it. */
  get view(): ViewRequest {
    return { zoom: this.zoom, viewport: { ...this.pane }, ...(this.centre && this.zoom !== 'fit' ? { centre: this.centre } : {}) };
  }

  private paint(canvas: HTMLCanvasElement | null | undefined, pixels: ArrayBuffer, w: number, h: number) {
    if (!canvas) return;
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels), w, h), 0, 0);
  }

  updated() {
    const r = this.result;
    this.observe();
    if (!r) return;
    const after = this.encoded && r.encoded ? r.encoded.pixels : r.after;
    for (const c of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas.before')) this.paint(c, r.before, r.width, r.height);
    for (const c of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas.after')) this.paint(c, after, r.afterWidth, r.afterHeight);
    const loupe = this.renderRoot.querySelector<LitElement>('preview-loupe');
    if (loupe) loupe.requestUpdate();
  }

  /** Measures the viewport (once it exists) and follows its size: a new size is a new view. */
  private observe() {
    const vp = this.renderRoot.querySelector<HTMLElement>('.viewport:not(.giant)');
    if (!vp || vp === this.observed) return;
    this.resize?.disconnect();
    this.observed = vp;
    this.resize = new ResizeObserver(() => this.measure());
    this.resize.observe(vp);
    this.measure();
  }

  private measure() {
    const vp = this.renderRoot.querySelector<HTMLElement>('.viewport:not(.giant)');
    if (!vp) return;
    const panes = this.mode === 'side' ? 2 : 1;
    const width = Math.max(1, Math.floor((vp.clientWidth - (panes - 1) * GAP) / panes));
    const height = Math.max(1, vp.clientHeight);
    if (width !== this.pane.width || height !== this.pane.height) {
      this.pane = { width, height };
      this.sendView(true);
    }
  }

  /** Tells the studio what to show; during a drag at most once a frame. */
  private sendView(now = false) {
    const send = () => {
      this.frame = 0;
      const v = this.view;
      const key = JSON.stringify(v);
      if (key === this.sentView) return;
      this.sentView = key;
      this.dispatchEvent(new CustomEvent<ViewRequest>('view-change', { detail: v, bubbles: true, composed: true }));
    };
    if (now) {
      cancelAnimationFrame(this.frame);
      send();
    } else if (!this.frame) this.frame = requestAnimationFrame(send);
  }

  // ---- ordinary images (result.truth) ----

  /** Screen pixels per output pixel for the view now (fit: as the result says). */
  private effectiveZoom(r: PreviewResult): number {
    return this.zoom === 'fit' ? (r.truth?.zoom ?? 1) : this.zoom;
  }

  /** The scale Fit shows the output at in this viewport (never above 100%). */
  private fitZoom(r: PreviewResult): number {
    const t = r.truth;
    return t ? Math.min(1, this.pane.width / t.outputWidth, this.pane.height / t.outputHeight) : 1;
  }

  /** The centre now, kept where the view can stay inside the output. */
  private clampedCentre(r: PreviewResult, c = this.centre): [number, number] {
    const t = r.truth!;
    const W = t.outputWidth,
      H = t.outputHeight;
    if (this.zoom === 'fit' || !c) return [W / 2, H / 2];
    const z = this.effectiveZoom(r);
    const hw = Math.min(W, this.pane.width / z) / 2,
      hh = Math.min(H, this.pane.height / z) / 2;
    return [Math.max(hw, Math.min(W - hw, c[0])), Math.max(hh, Math.min(H - hh, c[1]))];
  }

  private setZoom(z: Zoom) {
    const r = this.result;
    if (r?.giant) return this.zoomGiant(z);
    if (r?.truth && this.zoom === 'fit' && z !== 'fit') this.centre = this.clampedCentre(r);
    this.zoom = z;
    this.sendView(true);
  }

  private panBy(dx: number, dy: number) {
    const r = this.result;
    if (!r?.truth || this.zoom === 'fit') return;
    const z = this.effectiveZoom(r);
    const [cx, cy] = this.clampedCentre(r);
    this.centre = this.clampedCentre(r, [cx + dx / z, cy + dy / z]);
    this.sendView();
  }

  private key(e: KeyboardEvent) {
    const r = this.result;
    if (!r) return;
    const step = (Math.min(this.pane.width, this.pane.height) / 4) | 0;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    if (moves[e.key] && r.truth) {
      this.panBy(...moves[e.key]);
      this.loupeAtCentre();
    } else if (e.key === '+' || e.key === '=') this.setZoom(stepZoom(this.zoom, 1, this.fitZoom(r)));
    else if (e.key === '-') this.setZoom(stepZoom(this.zoom, -1, this.fitZoom(r)));
    else if (e.key === '0' || e.key === 'f') this.setZoom('fit');
    else if (e.key === 'l') this.toggleLoupe();
    else return;
    e.preventDefault();
  }

  private toggleLoupe() {
    this.loupe = !this.loupe;
    if (this.loupe) this.loupeAtCentre();
    else this.loupeAt = undefined;
  }

  /** The loupe at the middle of the first picture (keyboard use: no pointer to follow). */
  private loupeAtCentre() {
    if (this.loupe) this.loupeAt = { x: this.pane.width / 2, y: this.pane.height / 2, pane: 0 };
  }

  private down(e: PointerEvent) {
    const r = this.result;
    if (r?.giant) return this.downGiant(e);
    if (!r?.truth || this.zoom === 'fit' || e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, centre: this.clampedCentre(r) };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.requestUpdate();
  }

  private move(e: PointerEvent) {
    const r = this.result;
    const d = this.drag;
    if (r?.truth && d && !r.giant) {
      const z = this.effectiveZoom(r);
      this.centre = this.clampedCentre(r, [d.centre[0] - (e.clientX - d.x) / z, d.centre[1] - (e.clientY - d.y) / z]);
      this.sendView();
      return;
    }
    if (this.loupe) {
      const pane = (e.target as HTMLElement).closest<HTMLElement>('.pane');
      if (!pane) return;
      const box = pane.getBoundingClientRect();
      this.loupeAt = { x: e.clientX - box.left + pane.offsetLeft, y: e.clientY - box.top, pane: Number(pane.dataset.pane ?? 0) };
    }
  }

  private up(e: PointerEvent) {
    if (this.result?.giant) return this.upGiant(e);
    if (!this.drag) return;
    this.drag = undefined;
    this.sendView(true);
    this.requestUpdate();
  }

  /** The canvas under the loupe, and the point on it in its own pixels. */
  private loupeSource(): { canvas: HTMLCanvasElement; at: [number, number] } | undefined {
    const at = this.loupeAt;
    if (!at) return undefined;
    const panes = [...this.renderRoot.querySelectorAll<HTMLElement>('.pane')];
    const pane = panes[at.pane] ?? panes[0];
    if (!pane) return undefined;
    const px = at.x - pane.offsetLeft;
    const first = pane.querySelector<HTMLCanvasElement>('canvas.before');
    const after = pane.querySelector<HTMLCanvasElement>('canvas.after');
    const stage = pane.querySelector<HTMLElement>('.stage');
    if (!stage) return undefined;
    const sx = px - stage.offsetLeft,
      sy = at.y - stage.offsetTop;
    // Slider: left of the divider is the original, right of it the result; side by side: the pane's own.
    const overAfter = this.mode === 'side' ? !first : sx >= (this.split / 100) * stage.offsetWidth;
    const canvas = (overAfter ? after : first) ?? after ?? first;
    if (!canvas) return undefined;
    return { canvas, at: [(sx * canvas.width) / stage.offsetWidth, (sy * canvas.height) / stage.offsetHeight] };
  }

  /** Face boxes over the "after" image, in percentages so they follow zoom and layout. */
  private faceBoxes(r: PreviewResult) {
    if (!r.faces?.length) return nothing;
    const pct = (v: number, of: number) => `${(100 * v) / of}%`;
    return html`<div class="faces">
      ${r.faces.map((f) => html`<div class="face-box" style="left:${pct(f.box[0], r.afterWidth)};top:${pct(f.box[1], r.afterHeight)};width:${pct(f.box[2], r.afterWidth)};height:${pct(f.box[3], r.afterHeight)}"><span>${f.score.toFixed(2)}</span></div>`)}
    </div>`;
  }

  /** Where the result's picture sits in a pane: its region placed about the view's centre. */
  private stageStyle(r: PreviewResult): string {
    const z = this.effectiveZoom(r);
    const [cx, cy] = this.clampedCentre(r);
    const g = r.region;
    const left = this.pane.width / 2 + (g.x - cx) * z,
      top = this.pane.height / 2 + (g.y - cy) * z;
    return `left:${left}px; top:${top}px; width:${g.width * z}px; height:${g.height * z}px`;
  }

  private renderTruth(r: PreviewResult) {
    const t = r.truth!;
    const style = this.stageStyle(r);
    const smooth = this.effectiveZoom(r) < 1 ? 'smooth' : '';
    const encodedShown = this.encoded && !!r.encoded;
    const afterName = encodedShown ? `Encoded (${this.encodeLabel ?? 'output format'})` : 'Result';
    const fit = this.zoom === 'fit' ? 'fit' : '';
    const classes = `viewport ${fit ? 'whole' : ''} ${this.drag ? 'dragging' : ''} ${this.loupe ? 'loupe' : ''} ${this.failed ? 'stale' : ''}`;
    const loupe = this.loupe ? this.loupeSource() : undefined;
    const panes =
      this.mode === 'slider'
        ? html`<div class="pane ${fit}" data-pane="0">
            <span class="tag left">Original</span><span class="tag right">${afterName}</span>
            <div class="stage" style=${style}>
              <canvas class="before ${smooth}"></canvas>
              <canvas class="after ${smooth}" style="clip-path: inset(0 0 0 ${this.split}%)"></canvas>
              ${this.faceBoxes(r)}
              <div class="divider" style="left: calc(${this.split}% - 1px)"></div>
            </div>
          </div>`
        : html`<div class="pane ${fit}" data-pane="0">
              <span class="tag left">Original</span>
              <div class="stage" style=${style}><canvas class="before ${smooth}"></canvas></div>
            </div>
            <div class="pane ${fit}" data-pane="1">
              <span class="tag left">${afterName}</span>
              <div class="stage" style=${style}><canvas class="after ${smooth}"></canvas>${this.faceBoxes(r)}</div>
            </div>`;
    return html`<div
        class=${classes}
        tabindex=${this.failed ? '-1' : '0'}
        role="group"
        aria-label="Preview picture: drag or use the arrow keys to pan, + and − to zoom, 0 to fit, L for the loupe"
        aria-hidden=${this.failed ? 'true' : nothing}
        @pointerdown=${(e: PointerEvent) => this.down(e)}
        @pointermove=${(e: PointerEvent) => this.move(e)}
        @pointerup=${(e: PointerEvent) => this.up(e)}
        @pointercancel=${(e: PointerEvent) => this.up(e)}
        @pointerleave=${() => this.loupe && !this.drag && (this.loupeAt = undefined)}
        @keydown=${(e: KeyboardEvent) => this.key(e)}
        @focus=${() => this.loupe && !this.loupeAt && this.loupeAtCentre()}
      >
        ${panes}
        ${loupe ? html`<preview-loupe .source=${loupe.canvas} .at=${loupe.at} .x=${this.loupeAt!.x} .y=${this.loupeAt!.y}></preview-loupe>` : nothing}
      </div>
      <div class="meta" id="preview-meta">${this.truthMeta(r, t)}</div>`;
  }

  private truthMeta(r: PreviewResult, t: NonNullable<PreviewResult['truth']>) {
    const z = this.effectiveZoom(r);
    const g = r.region;
    const whole = g.width === t.outputWidth && g.height === t.outputHeight;
    const where =
      this.zoom === 'fit' || whole ? `fit, ${Math.round(z * 100)}%` : `${Math.round(z * 100)}%, ${g.width}×${g.height} at (${g.x}, ${g.y})`;
    const how = t.pending
      ? `quick view from a ${scaleLabel(t.computeScale)} copy — exact view coming`
      : t.exact
        ? 'exact pixels'
        : `local steps ran on a ${scaleLabel(t.computeScale)} copy for this view — zoom in for exact pixels`;
    const orient =
      t.storedOrientation !== 1
        ? t.turned
          ? ` · turned upright (EXIF orientation ${t.storedOrientation})`
          : ` · as stored (EXIF orientation ${t.storedOrientation})`
        : '';
    const e = r.encoded;
    return html`Output <strong id="preview-size">${t.outputWidth}×${t.outputHeight}</strong> · ${where} ·
      ${how}${orient}${
        e
          ? html` ·
              <span id="encoded-size"
                >${this.encodeLabel ?? 'encoded'}: <strong data-bytes=${e.bytes}>${bytes(e.bytes)}</strong>,
                ${saving(e.bytes, e.inputBytes)}</span
              >`
          : nothing
      }${r.frames ? html` · <span id="preview-frames">animated, ${r.frames} frames: the preview shows the first</span>` : nothing}${r.faces ? html` · <span id="preview-faces">${r.faces.length} face${r.faces.length === 1 ? '' : 's'}</span>` : ''}
      · ${this.ms !== undefined ? `${this.ms.toFixed(0)} ms` : ''}${r.decodeMs ? ` (decode ${r.decodeMs.toFixed(0)} ms)` : ''}`;
  }

  // ---- giant images (result.giant) ----

  private giantZoom = 1;

  /** CSS scale of the canvases: the zoom in source pixels (a giant region shown reduced is enlarged to match; fit is as computed). */
  private displayScale(r: PreviewResult): number {
    return r.giant!.view === 'fit' ? 1 : this.giantZoom / r.scale;
  }

  /** Asks for a giant image's region around (cx, cy) in source pixels, or (undefined) its fit view. */
  private giantView(r: PreviewResult, centre?: [number, number]) {
    const detail = centre && regionAround(centre[0], centre[1], ZOOM_SIDE, ZOOM_SIDE, r.sourceWidth, r.sourceHeight);
    this.dispatchEvent(new CustomEvent('region-change', { detail, bubbles: true, composed: true }));
  }

  private zoomGiant(z: Zoom) {
    const r = this.result!;
    this.zoom = z;
    if (z === 'fit') return this.giantView(r);
    this.giantZoom = z;
    if (r.giant?.view === 'fit') this.giantView(r, [r.sourceWidth / 2, r.sourceHeight / 2]);
    else this.requestUpdate();
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
    this.giantZoom = Math.max(1, this.giantZoom);
    this.zoom = this.giantZoom;
    this.giantView(r, [fx * r.sourceWidth, fy * r.sourceHeight]);
  }

  private downGiant(e: PointerEvent) {
    const r = this.result!;
    if (r.giant!.view !== 'region') return;
    this.drag = { x: e.clientX, y: e.clientY, centre: [0, 0], region: r.region };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.requestUpdate();
  }

  private upGiant(e: PointerEvent) {
    const d = this.drag;
    this.drag = undefined;
    this.requestUpdate();
    if (!d?.region || !this.result) return;
    const dx = Math.round((d.x - e.clientX) / this.giantZoom),
      dy = Math.round((d.y - e.clientY) / this.giantZoom);
    if (!dx && !dy) return;
    const r = this.result;
    const region = {
      ...d.region,
      x: Math.max(0, Math.min(r.sourceWidth - d.region.width, d.region.x + dx)),
      y: Math.max(0, Math.min(r.sourceHeight - d.region.height, d.region.y + dy)),
    };
    this.dispatchEvent(new CustomEvent('region-change', { detail: region, bubbles: true, composed: true }));
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

  private renderGiant(r: PreviewResult) {
    const scale = this.displayScale(r);
    const stale = this.failed ? 'stale' : '';
    return html`<div
        class="viewport giant ${this.drag ? 'dragging' : ''} ${stale}"
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
                <canvas class="after" style="clip-path: inset(0 0 0 ${this.split}%); width:${r.width}px; height:${r.height}px"></canvas>
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
        ${this.giantMeta(r)} · ${r.afterWidth}×${r.afterHeight} shown · ${this.ms !== undefined ? `${this.ms.toFixed(0)} ms` : ''}
      </div>`;
  }

  // ----

  render() {
    const r = this.result;
    const giantZoom: Zoom | undefined = r?.giant ? (r.giant.view === 'fit' ? 'fit' : this.giantZoom) : undefined;
    const canEncode = !!r?.truth && !!this.encodeLabel;
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
                <button
                  id="preview-mode"
                  @click=${() => {
                    this.mode = this.mode === 'slider' ? 'side' : 'slider';
                    void this.updateComplete.then(() => this.measure());
                  }}
                >
                  ${this.mode === 'slider' ? 'Side by side' : 'Slider'}
                </button>
                ${this.mode === 'slider' ? html`<input type="range" min="0" max="100" .value=${String(this.split)} aria-label="Split between original and result" @input=${(e: Event) => (this.split = Number((e.target as HTMLInputElement).value))} />` : nothing}
                <zoom-controls
                  label="Zoom the preview"
                  .value=${giantZoom ?? this.zoom}
                  @zoom=${(e: CustomEvent<Zoom>) => this.setZoom(e.detail)}
                ></zoom-controls>
                ${
                  r.truth
                    ? html`<button id="preview-loupe" aria-pressed=${this.loupe ? 'true' : 'false'} @click=${() => this.toggleLoupe()}>
                        Loupe
                      </button>`
                    : nothing
                }
                ${
                  canEncode
                    ? html`<button
                        id="preview-encoded"
                        aria-pressed=${this.encoded ? 'true' : 'false'}
                        title="Encode the whole output as the batch will, and show that file"
                        @click=${() => {
                          this.encoded = !this.encoded;
                          this.dispatchEvent(
                            new CustomEvent<boolean>('encode-change', { detail: this.encoded, bubbles: true, composed: true }),
                          );
                        }}
                      >
                        Encoded ${this.encodeLabel}
                      </button>`
                    : nothing
                }
              </div>
              ${r.giant || !r.truth ? this.renderGiant(r) : this.renderTruth(r)}`
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
