import { LitElement, html, css, nothing } from 'lit';
import { gridWindow, moveInGrid, scrollToReveal } from '../core/virtual-grid';
import { panel } from './styles';
import { ThumbnailLoader } from './thumbnails';

/** One file of the input, as the grid shows it. */
export interface GridItem {
  path: string;
  /** image and video: processed by a batch (and can be excluded); other: skipped, with `reason`. */
  kind: 'image' | 'video' | 'other';
  /** Why a batch leaves an `other` file out (core/sniff.ts skipReason). */
  reason?: string;
  file(): Promise<Blob>;
}

const MIN_CELL = 96;
const CELL_HEIGHT = 104;
const GAP = 6;
const MAX_HEIGHT = 272;
const THUMB_HEIGHT = 70;

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * <input-grid>: the input's files as a virtualised grid of thumbnails. Only the rows in view (and
 * one above and below) are in the DOM, whatever the number of files; thumbnails are decoded small,
 * lazily, off the main thread, and at most a few hundred are kept (ui/thumbnails.ts).
 *
 * A click or Enter on a file picks it for the preview (`pick`, the path); its checkbox or Space
 * includes or excludes it from the batch (`exclusion-change`, the new set of excluded paths);
 * Include all / Exclude all do every file. The grid is one Tab stop (a roving tabindex); the
 * arrow keys, Home, End, Page Up and Page Down move within it. Files a batch skips are shown with
 * the reason, videos with a video icon.
 */
export class InputGrid extends LitElement {
  static properties = {
    items: { attribute: false },
    excluded: { attribute: false },
    current: {},
    locked: { type: Boolean },
    top: { state: true },
    box: { state: true },
    active: { state: true },
  };
  declare items: readonly GridItem[];
  /** Paths left out of the batch. */
  declare excluded: ReadonlySet<string>;
  /** The path the preview shows. */
  declare current?: string;
  /** A batch runs: inclusion cannot change (picking the preview still can). */
  declare locked: boolean;
  /** The scroll box's scrollTop, followed on scroll. */
  declare top: number;
  /** The scroll box's inner size. */
  declare box: { width: number; height: number };
  /** The cell in the tab order, by index. */
  declare active: number;

  private loader?: ThumbnailLoader;
  private resizer?: ResizeObserver;
  private frame = 0;
  private lastItems?: readonly GridItem[];
  /** The box was measured: thumbnails are decoded for its real cell width only. */
  private measured = false;

  static styles = [
    panel,
    css`
      :host {
        display: block;
        margin-top: 8px;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 8px;
        align-items: center;
        margin-bottom: 6px;
        font-size: 13px;
      }
      .bar button {
        padding: 3px 9px;
        font-size: 13px;
      }
      .scroll {
        max-height: ${MAX_HEIGHT}px;
        overflow-y: auto;
        overflow-x: hidden;
        border: 1px solid #eef0f4;
        border-radius: 8px;
        padding: 4px;
      }
      [role='grid'] {
        position: relative;
      }
      .rows {
        position: absolute;
        left: 0;
        right: 0;
        top: 0;
      }
      [role='row'] {
        display: grid;
        gap: ${GAP}px;
        margin-bottom: ${GAP}px;
      }
      .cell {
        position: relative;
        height: ${CELL_HEIGHT}px;
        box-sizing: border-box;
        border: 1px solid #dde1e8;
        border-radius: 6px;
        padding: 3px;
        cursor: pointer;
        overflow: hidden;
        background: #fff;
      }
      .cell:hover {
        background: #f4f7fd;
      }
      .cell:focus-visible {
        outline: 2px solid #2457d6;
        outline-offset: -2px;
      }
      .cell.current {
        border-color: #2457d6;
        box-shadow: inset 0 0 0 1px #2457d6;
        background: #e6eefc;
      }
      /* Only the picture fades: text keeps its contrast. */
      .cell.out canvas {
        opacity: 0.35;
      }
      .thumb {
        display: flex;
        align-items: center;
        justify-content: center;
        height: ${THUMB_HEIGHT}px;
        background: #f4f5f7;
        border-radius: 4px;
        overflow: hidden;
        font-size: 11px;
        text-align: center;
        color: #5b6475;
      }
      .thumb canvas {
        display: block;
        width: 100%;
        height: 100%;
      }
      .icon {
        font-size: 12px;
        font-weight: 600;
        padding: 2px;
        overflow-wrap: anywhere;
      }
      .name {
        display: block;
        font-size: 12px;
        margin-top: 3px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .cell.other .name {
        color: #5b6475;
      }
      .inc {
        position: absolute;
        top: 5px;
        left: 5px;
        margin: 0;
        background: rgb(255 255 255 / 85%);
        border-radius: 4px;
        line-height: 0;
        padding: 2px;
      }
      .inc input {
        margin: 0;
        width: 16px;
        height: 16px;
      }
    `,
  ];

  constructor() {
    super();
    this.items = [];
    this.excluded = new Set();
    this.locked = false;
    this.top = 0;
    this.box = { width: 320, height: MAX_HEIGHT };
    this.active = 0;
  }

  connectedCallback() {
    super.connectedCallback();
    this.resizer = new ResizeObserver(() => this.measure());
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.resizer = undefined;
    cancelAnimationFrame(this.frame);
    // The bitmaps go with the grid.
    this.loader?.clear();
    this.loader = undefined;
  }

  /** Bitmaps held, decodes started and those of them at a reduced JPEG scale, for the bench and the tests. */
  get thumbnailStats(): { held: number; decoded: number; scaled: number } {
    return { held: this.loader?.size ?? 0, decoded: this.loader?.decoded ?? 0, scaled: this.loader?.scaled ?? 0 };
  }

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.scroll');
  }

  private measure(): void {
    const el = this.scroller;
    if (!el) return;
    const width = el.clientWidth - 8; // the padding
    const height = Math.min(MAX_HEIGHT, el.clientHeight || MAX_HEIGHT);
    if (width <= 0) return;
    this.measured = true;
    if (width !== this.box.width || height !== this.box.height) this.box = { width, height };
  }

  private onScroll(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => (this.top = this.scroller?.scrollTop ?? 0));
  }

  private get window() {
    return gridWindow({
      count: this.items.length,
      viewportWidth: this.box.width,
      viewportHeight: this.box.height,
      scrollTop: this.top,
      minCellWidth: MIN_CELL,
      cellHeight: CELL_HEIGHT,
      gap: GAP,
      overscanRows: 1,
    });
  }

  private thumbnails(): ThumbnailLoader {
    if (!this.loader) {
      const w = this.window;
      this.loader = new ThumbnailLoader(
        { width: Math.min(256, Math.ceil((w.cellWidth - 8) * Math.min(2, devicePixelRatio || 1))) },
        (key) => {
          const win = this.window;
          for (let i = win.first; i < win.last; i++) if (this.items[i]?.path === key) return true;
          return false;
        },
        () => this.drawThumbnails(),
      );
    }
    return this.loader;
  }

  private emitExcluded(next: Set<string>): void {
    this.dispatchEvent(new CustomEvent('exclusion-change', { detail: next, bubbles: true, composed: true }));
  }

  private toggle(item: GridItem): void {
    if (this.locked || item.kind === 'other') return;
    const next = new Set(this.excluded);
    if (next.has(item.path)) next.delete(item.path);
    else next.add(item.path);
    this.emitExcluded(next);
  }

  private setAll(include: boolean): void {
    if (this.locked) return;
    this.emitExcluded(include ? new Set() : new Set(this.items.filter((i) => i.kind !== 'other').map((i) => i.path)));
  }

  private pick(item: GridItem): void {
    if (item.kind === 'other') return;
    this.dispatchEvent(new CustomEvent('pick', { detail: item.path, bubbles: true, composed: true }));
  }

  /** Moves the tab stop (and the focus) to cell `i`, scrolling it into view first. */
  private async focusCell(i: number): Promise<void> {
    const el = this.scroller;
    const w = this.window;
    this.active = i;
    if (el) {
      const top = scrollToReveal(i, w.columns, w.rowStride, CELL_HEIGHT, el.scrollTop, this.box.height);
      el.scrollTop = top;
      this.top = top;
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`.cell[data-index="${i}"]`)?.focus();
  }

  private onKey(e: KeyboardEvent, i: number): void {
    const item = this.items[i];
    if (e.key === 'Enter') {
      e.preventDefault();
      this.pick(item);
      return;
    }
    if (e.key === ' ') {
      e.preventDefault(); // Space would scroll the box
      this.toggle(item);
      return;
    }
    const w = this.window;
    const to = moveInGrid(i, e.key, w.columns, this.items.length, Math.max(1, Math.floor(this.box.height / w.rowStride)));
    if (to === undefined) return;
    e.preventDefault();
    void this.focusCell(to);
  }

  protected willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('items') && this.items !== this.lastItems) {
      // A new input: old bitmaps go, the grid starts at its top.
      this.lastItems = this.items;
      this.loader?.clear();
      this.active = 0;
      this.top = 0;
      const el = this.scroller;
      if (el) el.scrollTop = 0;
    }
    if (changed.has('box')) {
      // Thumbnails are decoded for the cell width: a new width decodes afresh.
      this.loader?.clear();
      this.loader = undefined;
    }
  }

  protected firstUpdated(): void {
    const el = this.scroller;
    if (el) this.resizer?.observe(el);
    this.measure();
  }

  protected updated(): void {
    this.drawThumbnails();
  }

  /** Draws each rendered image cell's thumbnail, asking for those not decoded yet. */
  private drawThumbnails(): void {
    if (!this.measured) return;
    const loader = this.thumbnails();
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-path]')) {
      const key = canvas.dataset.path!;
      // A new width or height (the grid laid out for another viewport) clears a canvas: draw again.
      const drawn = `${key}@${canvas.width}x${canvas.height}`;
      if (canvas.dataset.drawn === drawn) continue;
      const ctx = canvas.getContext('2d');
      if (!ctx) continue;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      canvas.dataset.drawn = '';
      const item = this.items[Number(canvas.dataset.index)];
      if (!item || item.path !== key) continue;
      const bitmap = loader.get(key, () => item.file());
      if (!bitmap) {
        if (loader.failure(key)) this.requestUpdate();
        continue;
      }
      // Contained, centred: the whole picture, never stretched.
      const s = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
      const w = bitmap.width * s;
      const h = bitmap.height * s;
      ctx.drawImage(bitmap, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
      canvas.dataset.drawn = drawn;
    }
  }

  private renderThumb(item: GridItem, i: number, cellWidth: number) {
    if (item.kind === 'video') return html`<span class="icon"><span aria-hidden="true">▶</span> video</span>`;
    if (item.kind === 'other') return html`<span class="icon">skipped: ${item.reason}</span>`;
    const failed = this.loader?.failure(item.path);
    if (failed) return html`<span class="icon">${failed}</span>`;
    const dpr = Math.min(2, devicePixelRatio || 1);
    return html`<canvas
      aria-hidden="true"
      data-path=${item.path}
      data-index=${i}
      width=${Math.round((cellWidth - 8) * dpr)}
      height=${Math.round(THUMB_HEIGHT * dpr)}
    ></canvas>`;
  }

  private renderCell(item: GridItem, i: number, col: number, tabStop: number, cellWidth: number) {
    const out = this.excluded.has(item.path);
    // Named by its content (the name, the reason or the video mark, the checkbox); the full path as a tooltip.
    const label = `${item.path}${item.kind === 'other' ? ` — skipped: ${item.reason}` : out ? ' — excluded' : ''}`;
    return html`<div
      role="gridcell"
      class="cell ${item.kind} ${out ? 'out' : ''} ${this.current === item.path ? 'current' : ''}"
      aria-colindex=${col + 1}
      aria-current=${this.current === item.path ? 'true' : nothing}
      title=${label}
      data-index=${i}
      data-path=${item.path}
      data-kind=${item.kind}
      tabindex=${i === tabStop ? 0 : -1}
      @click=${() => {
        this.active = i;
        this.pick(item);
      }}
      @focus=${() => (this.active = i)}
      @keydown=${(e: KeyboardEvent) => this.onKey(e, i)}
    >
      <div class="thumb">${this.renderThumb(item, i, cellWidth)}</div>
      <span class="name">${baseName(item.path)}</span>
      ${
        item.kind === 'other'
          ? ''
          : html`<label class="inc" @click=${(e: Event) => e.stopPropagation()}
              ><input
                type="checkbox"
                tabindex="-1"
                aria-label=${`Include ${item.path}`}
                .checked=${!out}
                ?disabled=${this.locked}
                @change=${() => this.toggle(item)}
            /></label>`
      }
    </div>`;
  }

  render() {
    const media = this.items.reduce((n, i) => n + (i.kind === 'other' ? 0 : 1), 0);
    // `excluded` holds paths of this input only (the studio starts it afresh with each input).
    const included = media - this.excluded.size;
    const w = this.window;
    const rows = [];
    // The tab stop: the active cell when rendered, else the first rendered one (a scroll moved it away).
    const tabStop = this.active >= w.first && this.active < w.last ? this.active : w.first;
    for (let r = w.first; r < w.last; r += w.columns) {
      const cells = [];
      for (let i = r; i < Math.min(w.last, r + w.columns); i++) cells.push(this.renderCell(this.items[i], i, i - r, tabStop, w.cellWidth));
      rows.push(
        html`<div role="row" aria-rowindex=${r / w.columns + 1} style="grid-template-columns: repeat(${w.columns}, minmax(0, 1fr))">
          ${cells}
        </div>`,
      );
    }
    return html`<div class="bar">
        <span id="included-count">${included} of ${media} included</span>
        <button id="include-all" ?disabled=${this.locked || included === media} @click=${() => this.setAll(true)}>Include all</button>
        <button id="exclude-all" ?disabled=${this.locked || included === 0} @click=${() => this.setAll(false)}>Exclude all</button>
      </div>
      <p class="visually-hidden" id="grid-hint">
        The arrow keys move between files; Enter shows a file in the preview; Space includes or excludes it from the batch.
      </p>
      <div class="scroll" @scroll=${() => this.onScroll()}>
        <div
          role="grid"
          id="input-grid"
          aria-label="Input files"
          aria-describedby="grid-hint"
          aria-rowcount=${Math.ceil(this.items.length / w.columns)}
          aria-colcount=${w.columns}
          style="height: ${w.totalHeight}px"
        >
          <div class="rows" style="transform: translateY(${w.offsetY}px)">${rows}</div>
        </div>
      </div>`;
  }
}
customElements.define('input-grid', InputGrid);

declare global {
  interface HTMLElementTagNameMap {
    'input-grid': InputGrid;
  }
}
