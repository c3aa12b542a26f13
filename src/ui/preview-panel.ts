/**
 * <preview-panel>: the live before/after of the current image. Slider or side by side; zoom is
 * a display scale, pan moves the computed region (in source pixels) and asks for a new preview.
 */
import { LitElement, html, css, nothing } from 'lit';
import type { PreviewResult } from '../engine/api';
import type { Rect } from '../core/tiles';
import { panel } from './styles';

export class PreviewPanel extends LitElement {
  static properties = {
    result: { attribute: false },
    status: {},
    label: {},
    ms: { type: Number },
    split: { state: true },
    mode: { state: true },
    zoom: { state: true },
  };
  declare result?: PreviewResult;
  declare status?: string;
  declare label?: string;
  declare ms?: number;
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
    return !!r && r.scale === 1 && (r.region.width < r.sourceWidth || r.region.height < r.sourceHeight);
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

  render() {
    const r = this.result;
    const zoomBtn = (z: number, label: string) =>
      html`<button @click=${() => (this.zoom = z)} ?disabled=${this.zoom === z}>${label}</button>`;
    return html`<div class="panel" id="preview">
      <h2>Preview${this.label ? ` — ${this.label}` : ''}</h2>
      ${
        r
          ? html`<div class="tools">
                <button id="preview-mode" @click=${() => (this.mode = this.mode === 'slider' ? 'side' : 'slider')}>
                  ${this.mode === 'slider' ? 'Side by side' : 'Slider'}
                </button>
                ${this.mode === 'slider' ? html`<input type="range" min="0" max="100" .value=${String(this.split)} aria-label="Split" @input=${(e: Event) => (this.split = Number((e.target as HTMLInputElement).value))} />` : nothing}
                zoom ${zoomBtn(0.5, '50%')} ${zoomBtn(1, '100%')} ${zoomBtn(2, '200%')} ${zoomBtn(4, '400%')}
              </div>
              <div
                class="viewport ${this.drag ? 'dragging' : ''}"
                @pointerdown=${(e: PointerEvent) => this.down(e)}
                @pointerup=${(e: PointerEvent) => this.up(e)}
              >
                ${
                  this.mode === 'slider'
                    ? html`<div
                        class="stage"
                        style="transform: scale(${this.zoom}); width:${r.width}px; height:${r.height}px; margin-right:${r.width * (this.zoom - 1)}px; margin-bottom:${r.height * (this.zoom - 1)}px"
                      >
                        <canvas class="before"></canvas>
                        <canvas
                          class="after"
                          style="clip-path: inset(0 0 0 ${this.split}%); width:${r.width}px; height:${r.height}px"
                        ></canvas>
                        ${this.faceBoxes(r)}
                        <div class="divider" style="left: calc(${this.split}% - 1px)"></div>
                      </div>`
                    : html`<div class="side" style="zoom:${this.zoom}">
                        <canvas class="before"></canvas>
                        <div class="after-wrap"><canvas class="after"></canvas>${this.faceBoxes(r)}</div>
                      </div>`
                }
              </div>
              <div class="meta" id="preview-meta">
                ${r.scale < 1 ? `whole image at ${Math.round(r.scale * 100)}% (a step needs the whole image)` : `region ${r.region.width}×${r.region.height} at (${r.region.x}, ${r.region.y}) of ${r.sourceWidth}×${r.sourceHeight}, 100%${this.pannable() ? ' — drag to pan' : ''}`}
                · ${r.afterWidth}×${r.afterHeight}
                out${r.faces ? html` · <span id="preview-faces">${r.faces.length} face${r.faces.length === 1 ? '' : 's'}</span>` : ''} ·
                ${this.ms !== undefined ? `${this.ms.toFixed(0)} ms` : ''}${r.decodeMs ? ` (decode ${r.decodeMs.toFixed(0)} ms)` : ''}
              </div>`
          : nothing
      }
      ${this.status ? html`<p class="muted" id="preview-status">${this.status}</p>` : nothing}
    </div>`;
  }
}
customElements.define('preview-panel', PreviewPanel);
