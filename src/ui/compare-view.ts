import { LitElement, html, css } from 'lit';
import { panel } from './styles';

/** Before/after: the output over the input, revealed by a slider; or side by side. */
export class CompareView extends LitElement {
  static properties = {
    beforeImage: { attribute: false },
    afterImage: { attribute: false },
    label: {},
    split: { state: true },
    mode: { state: true },
  };
  declare beforeImage?: Blob;
  declare afterImage?: Blob;
  declare label?: string;
  declare split: number;
  declare mode: 'slider' | 'side';
  private urls: string[] = [];

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
    `,
  ];

  constructor() {
    super();
    this.split = 50;
    this.mode = 'slider';
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
    }
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    for (const u of this.urls) URL.revokeObjectURL(u);
  }

  render() {
    if (!this.beforeImage || !this.afterImage) return html``;
    const b = this.url(this.beforeImage),
      a = this.url(this.afterImage);
    return html`<div class="panel" id="compare">
      <h2>Before / after — ${this.label}</h2>
      <div class="tools">
        <button @click=${() => (this.mode = this.mode === 'slider' ? 'side' : 'slider')}>
          ${this.mode === 'slider' ? 'Side by side' : 'Slider'}
        </button>
        ${this.mode === 'slider' ? html`<input type="range" min="0" max="100" .value=${String(this.split)} aria-label="Split" @input=${(e: Event) => (this.split = Number((e.target as HTMLInputElement).value))} />` : ''}
        <span class="muted">left: before · right: after</span>
      </div>
      ${
        this.mode === 'slider'
          ? html`<div class="stage">
              <img src=${b} alt="before" />
              <div class="after" style="clip-path: inset(0 0 0 ${this.split}%)"><img src=${a} alt="after" /></div>
              <div class="divider" style="left: calc(${this.split}% - 1px)"></div>
            </div>`
          : html`<div class="side"><img src=${b} alt="before" /><img src=${a} alt="after" /></div>`
      }
    </div>`;
  }
}
customElements.define('compare-view', CompareView);
