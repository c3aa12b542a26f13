import { LitElement, html, css } from 'lit';
import { panel } from './styles';
import type { Zoom } from './zoom-controls';
import './zoom-controls';

/**
 * Before/after of a written file: the output over the input, revealed by a slider; or side by
 * side. Fit shows both whole; 50–400% shows them at that scale of the output's pixels (the input
 * drawn to the same box) in a scroll box that a drag, the scroll bars or the arrow keys pan.
 */
export class CompareView extends LitElement {
  static properties = {
    beforeImage: { attribute: false },
    afterImage: { attribute: false },
    label: {},
    split: { state: true },
    mode: { state: true },
    zoom: { state: true },
    natural: { state: true },
  };
  declare beforeImage?: Blob;
  declare afterImage?: Blob;
  declare label?: string;
  declare split: number;
  declare mode: 'slider' | 'side';
  declare zoom: Zoom;
  /** The output's size in pixels, once its image has loaded. */
  declare natural?: { width: number; height: number };
  private urls: string[] = [];
  private drag?: { x: number; y: number; left: number; top: number };

  static styles = [
    panel,
    css`
      .stage {
        position: relative;
        display: inline-block;
        max-width: 100%;
        line-height: 0;
        background: repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0/16px 16px;
      }
      .stage > img {
        display: block;
        max-width: 100%;
        max-height: 70vh;
      }
      .after {
        position: absolute;
        inset: 0;
        overflow: hidden;
      }
      .after img {
        display: block;
        width: 100%;
        height: 100%;
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
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 8px;
      }
      .side img {
        width: 100%;
      }
      .tools {
        display: flex;
        gap: 10px;
        align-items: center;
        margin-bottom: 8px;
      }
      input[type='range'] {
        flex: 1;
      }
      .zoomed {
        overflow: auto;
        max-height: 70vh;
        cursor: grab;
        background: repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0/16px 16px;
      }
      .zoomed .stage,
      .zoomed .stage > img,
      .zoomed .side img {
        max-width: none;
        max-height: none;
      }
      .zoomed .stage > img,
      .zoomed .side img {
        width: 100%;
        height: 100%;
        image-rendering: pixelated;
      }
      .zoomed .side {
        display: flex;
      }
    `,
  ];

  constructor() {
    super();
    this.split = 50;
    this.mode = 'slider';
    this.zoom = 'fit';
  }

  private url(b: Blob): string {
    const u = URL.createObjectURL(b);
    this.urls.push(u);
    return u;
  }

  willUpdate(changed: Map<string, unknown>) {
    if (changed.has('beforeImage') || changed.has('afterImage')) {
      for (const u of this.urls) URL.revokeObjectURL(u);
      this.urls = [];
      if (changed.has('afterImage')) this.natural = undefined;
    }
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    for (const u of this.urls) URL.revokeObjectURL(u);
  }

  private loaded(e: Event) {
    const img = e.target as HTMLImageElement;
    if (!this.natural) this.natural = { width: img.naturalWidth, height: img.naturalHeight };
  }

  private down(e: PointerEvent) {
    const box = e.currentTarget as HTMLElement;
    this.drag = { x: e.clientX, y: e.clientY, left: box.scrollLeft, top: box.scrollTop };
    box.setPointerCapture(e.pointerId);
  }

  private move(e: PointerEvent) {
    const d = this.drag;
    if (!d) return;
    const box = e.currentTarget as HTMLElement;
    box.scrollLeft = d.left - (e.clientX - d.x);
    box.scrollTop = d.top - (e.clientY - d.y);
  }

  render() {
    if (!this.beforeImage || !this.afterImage) return html``;
    const b = this.url(this.beforeImage),
      a = this.url(this.afterImage);
    const z = this.zoom === 'fit' ? undefined : this.zoom;
    const n = this.natural;
    const size = z && n ? `width:${n.width * z}px; height:${n.height * z}px` : '';
    const pictures =
      this.mode === 'slider'
        ? html`<div class="stage" style=${size}>
            <img src=${b} alt="before" />
            <div class="after" style="clip-path: inset(0 0 0 ${this.split}%)">
              <img src=${a} alt="after" @load=${(e: Event) => this.loaded(e)} />
            </div>
            <div class="divider" style="left: calc(${this.split}% - 1px)"></div>
          </div>`
        : html`<div class="side" style=${z && n ? `width:${n.width * z * 2 + 8}px; grid-template-columns: 1fr 1fr` : ''}>
            <img src=${b} alt="before" style=${size} /><img src=${a} alt="after" style=${size} @load=${(e: Event) => this.loaded(e)} />
          </div>`;
    return html`<div class="panel" id="compare">
      <h2>Before / after — ${this.label}</h2>
      <div class="tools">
        <button @click=${() => (this.mode = this.mode === 'slider' ? 'side' : 'slider')}>
          ${this.mode === 'slider' ? 'Side by side' : 'Slider'}
        </button>
        ${this.mode === 'slider' ? html`<input type="range" min="0" max="100" .value=${String(this.split)} aria-label="Split" @input=${(e: Event) => (this.split = Number((e.target as HTMLInputElement).value))} />` : ''}
        <zoom-controls
          label="Zoom the comparison"
          .value=${this.zoom}
          @zoom=${(e: CustomEvent<Zoom>) => (this.zoom = e.detail)}
        ></zoom-controls>
        <span class="muted">left: before · right: after</span>
      </div>
      ${
        z
          ? html`<div
              class="zoomed"
              id="compare-zoomed"
              tabindex="0"
              role="region"
              aria-label="Comparison at ${z * 100}%: drag, scroll or use the arrow keys to pan"
              @pointerdown=${(e: PointerEvent) => this.down(e)}
              @pointermove=${(e: PointerEvent) => this.move(e)}
              @pointerup=${() => (this.drag = undefined)}
            >
              ${pictures}
            </div>`
          : pictures
      }
    </div>`;
  }
}
customElements.define('compare-view', CompareView);
