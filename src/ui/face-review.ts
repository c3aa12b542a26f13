/**
 * <face-review>: one photo's faces for review (issue 15). The boxes are drawn over the photo (an
 * SVG in the input's pixels, so no coordinate maths beyond the SVG's own) and listed as buttons.
 * Click a box to select it; Delete/Backspace drops it; drag on the photo's empty area draws a new
 * one; drag a selected box's body moves it, its corner handle resizes it. Everything the pointer
 * does the keyboard does too (the keys are listed on screen, next to the photo): `a`/Insert or the
 * Add box button adds a box in the middle and selects it; with a box selected the arrows move it
 * by 1 % of the photo's longer side and Alt+arrows resize it (Right/Down grow, Left/Up shrink,
 * the top-left corner staying, as with the handle), Shift making either step 10 %. n/p always ask
 * for the next/previous photo ('next'/'prev' events), ArrowRight/ArrowLeft only while nothing is
 * selected (then they have nothing else to do); Escape deselects. Each keyboard change is said in
 * a polite live region. Every edit is a pure function of core/reviewed-faces.ts and emits
 * 'review-change' with the new review; the studio keeps it, the batch hides exactly those boxes
 * and writes them as the photo's `<input>.faces.json` (reviewed: true). The photo is shown as
 * stored (image-orientation: none): the boxes are in the stored pixels, as every face report is.
 */
import { LitElement, html, svg, css, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import {
  addFace,
  centredBox,
  dropFace,
  keyStep,
  moveFace,
  nudgeBox,
  resizeBox,
  type Box,
  type ReviewedFaces,
} from '../core/reviewed-faces';

/** The arrow keys as unit steps (x, y); for Alt+arrows, the growth of width and height. */
const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** How a box is said: where it is and its size, in the photo's pixels (as the list shows them). */
const where = ([x, y, w, h]: Box): string => `x ${x}, y ${y}, ${w} × ${h}`;

type Drag =
  | { kind: 'draw'; x0: number; y0: number; x: number; y: number }
  | { kind: 'move' | 'resize'; index: number; x0: number; y0: number; box: [number, number, number, number]; x: number; y: number };

export class FaceReview extends LitElement {
  static properties = {
    src: {},
    review: { attribute: false },
    selected: { state: true },
    drag: { state: true },
    said: { state: true },
    saidCount: { state: true },
    noun: {},
    picture: {},
    labels: { attribute: false },
    kinds: { attribute: false },
    summary: {},
    keeps: { attribute: false },
  };
  /** What a box is ('face'; 'region' when marking regions on a video frame) and what it is on ('photo'; 'frame'). */
  declare noun: string;
  declare picture: string;
  /** The list's words for each box instead of "Face 3: … (score 0.93)" (a region's id and whether it is marked or followed here). */
  declare labels: string[] | undefined;
  /** A class for each box ('found': the detector's, to be hidden; 'kept': left visible), drawn in its own colour. */
  declare kinds: (string | undefined)[] | undefined;
  /** The words above the list instead of "3 faces to hide". */
  declare summary: string | undefined;
  /**
   * Asked before box `i` is dropped: words to say when the host keeps the box listed in another
   * role (a found face made one left visible), so it stays selected; undefined for a plain drop.
   */
  declare keeps: ((index: number) => string | undefined) | undefined;
  /** The photo (an object URL), shown at the review's width × height. */
  declare src: string;
  declare review: ReviewedFaces | undefined;
  declare selected: number | undefined;
  declare drag: Drag | undefined;
  /** What the live region says now: the last keyboard change. */
  declare said: string;
  /** Counts the sayings, so the same words twice (a second press at an edge) are said again. */
  declare saidCount: number;

  constructor() {
    super();
    this.said = '';
    this.saidCount = 0;
    this.noun = 'face';
    this.picture = 'photo';
  }

  /** Box `i` as said: "Face 3". */
  private nameOf(i: number): string {
    return `${this.noun[0].toUpperCase()}${this.noun.slice(1)} ${i + 1}`;
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    // Another photo: a selection kept by index would make the arrows move one of its boxes unasked.
    if (changed.has('src') && changed.get('src') !== undefined) {
      this.selected = undefined;
      this.said = '';
    }
  }

  static styles = css`
    :host {
      display: grid;
      grid-template-columns: 1fr minmax(10em, 14em);
      gap: 8px;
    }
    @media (max-width: 640px) {
      :host {
        grid-template-columns: 1fr;
      }
    }
    .photo {
      position: relative;
      outline: none;
    }
    .photo:focus-visible {
      outline: 3px solid #2457d6;
    }
    img {
      image-orientation: none;
    }
    img,
    svg {
      width: 100%;
      height: auto;
      display: block;
    }
    svg {
      position: absolute;
      inset: 0;
      cursor: crosshair;
    }
    rect.face {
      fill: transparent;
      stroke: #ffd400;
      cursor: move;
    }
    rect.face.found {
      stroke: #e0362c;
      stroke-dasharray: 6 3;
    }
    rect.face.kept {
      stroke: #18a04a;
    }
    rect.face.sel {
      stroke: #2457d6;
    }
    rect.handle {
      fill: #2457d6;
      cursor: nwse-resize;
    }
    ul {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    ul.keys {
      margin: 8px 0;
      font-size: 0.9em;
    }
    kbd {
      border: 1px solid currentColor;
      border-radius: 3px;
      padding: 0 3px;
      font: inherit;
    }
    button[aria-pressed='true'] {
      background: #2457d6;
      color: #fff;
    }
    button:focus-visible {
      outline: 3px solid #2457d6;
      outline-offset: 2px;
    }
  `;

  private emit(review: ReviewedFaces): void {
    this.review = review;
    this.dispatchEvent(new CustomEvent('review-change', { detail: review, bubbles: true, composed: true }));
  }

  /** The pointer's position in input pixels. */
  private at(e: PointerEvent): [number, number] {
    const svgEl = this.renderRoot.querySelector('svg');
    const r = this.review;
    if (!svgEl || !r) return [0, 0];
    const b = svgEl.getBoundingClientRect();
    return [((e.clientX - b.left) / b.width) * r.width, ((e.clientY - b.top) / b.height) * r.height];
  }

  private down(e: PointerEvent, index?: number, resize = false): void {
    e.stopPropagation();
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    const [x, y] = this.at(e);
    if (index === undefined || !this.review) {
      this.selected = undefined;
      this.drag = { kind: 'draw', x0: x, y0: y, x, y };
      return;
    }
    this.selected = index;
    this.drag = { kind: resize ? 'resize' : 'move', index, x0: x, y0: y, box: [...this.review.faces[index].box] as Box, x, y };
  }

  private move(e: PointerEvent): void {
    if (!this.drag) return;
    const [x, y] = this.at(e);
    this.drag = { ...this.drag, x, y };
  }

  private up(): void {
    const d = this.drag;
    const r = this.review;
    this.drag = undefined;
    if (!d || !r) return;
    if (d.kind === 'draw') {
      // A click without a drag only deselects.
      if (Math.abs(d.x - d.x0) < 2 || Math.abs(d.y - d.y0) < 2) return;
      const box: Box = [Math.min(d.x0, d.x), Math.min(d.y0, d.y), Math.abs(d.x - d.x0), Math.abs(d.y - d.y0)];
      const next = tryEdit(() => addFace(r, box));
      if (next) {
        this.selected = next.faces.length - 1;
        this.emit(next);
      }
      return;
    }
    const [bx, by, bw, bh] = d.box;
    const dx = d.x - d.x0;
    const dy = d.y - d.y0;
    if (dx === 0 && dy === 0) return;
    const next = tryEdit(() =>
      moveFace(r, d.index, d.kind === 'move' ? [bx + dx, by + dy, bw, bh] : [bx, by, Math.max(1, bw + dx), Math.max(1, bh + dy)]),
    );
    if (next) this.emit(next);
  }

  /** Drops the selected box (Delete, Backspace, the list's Drop button). */
  dropSelected(): void {
    if (this.selected === undefined || !this.review) return;
    const gone = this.selected;
    const kept = this.keeps?.(gone);
    const next = dropFace(this.review, gone);
    if (kept !== undefined) {
      // The host lists the box again in its place: it stays selected.
      this.emit(next);
      this.say(kept);
      return;
    }
    this.selected = next.faces.length ? Math.min(gone, next.faces.length - 1) : undefined;
    this.emit(next);
    // The faces after it are numbered one less now, hence saying which one is selected.
    this.say(
      `${this.nameOf(gone)} dropped; ${next.faces.length} left${this.selected === undefined ? '' : `; ${this.noun} ${this.selected + 1} selected`}`,
    );
  }

  /** Says `text` in the live region (a screen reader reads it; it stays on screen too). */
  private say(text: string): void {
    this.said = text;
    this.saidCount++;
  }

  /** Adds a box in the middle of the photo and selects it (the Add box button, `a`, Insert). */
  addCentred(): void {
    const r = this.review;
    if (!r) return;
    const next = addFace(r, centredBox(r));
    this.selected = next.faces.length - 1;
    this.emit(next);
    this.say(
      `${this.nameOf(next.faces.length - 1)} added at ${where(next.faces[this.selected].box)}: arrows move it, Alt+arrows resize it`,
    );
  }

  /** Selects face `i` (the list's buttons) and says what the keys now do to it. */
  private select(i: number): void {
    this.selected = i;
    this.say(`${this.nameOf(i)} selected: arrows move it, Alt+arrows resize it, Delete drops it`);
  }

  /**
   * An arrow key: moves (or with Alt resizes) the selected box by a step, or with nothing
   * selected goes photo by photo (Left/Right). False when the key is left to the browser.
   */
  private arrow([ux, uy]: readonly [number, number], e: KeyboardEvent): boolean {
    const r = this.review;
    const i = this.selected;
    if (!r || i === undefined || !r.faces[i]) {
      // Alt+Left/Right is the browser's Back/Forward, which would leave the studio and its
      // reviews: kept here (preventDefault) and answered, as a resize with nothing to resize.
      if (e.altKey) {
        this.say(`Select a ${this.noun} first (Tab to it in the list and press Enter), or press a to add one`);
        return true;
      }
      // Up/Down with nothing selected: the page scrolls as usual.
      if (uy !== 0) return false;
      this.dispatchEvent(new CustomEvent(ux > 0 ? 'next' : 'prev', { bubbles: true, composed: true }));
      return true;
    }
    // A drag owns the box until the pointer is released.
    if (this.drag) return true;
    const step = keyStep(r, e.shiftKey);
    const before = r.faces[i].box;
    const resize = e.altKey;
    let box: Box;
    try {
      box = resize ? resizeBox(before, ux * step, uy * step, r) : nudgeBox(before, ux * step, uy * step, r);
    } catch {
      return true; // a box wholly outside the photo (no detector gives one): nothing to adjust
    }
    const name = this.nameOf(i);
    if (box.every((v, k) => v === before[k])) {
      const why = resize && ux + uy < 0 ? 'is at its smallest' : `is at the ${this.picture}'s edge`;
      this.say(`${name} ${why}: ${where(before)}`);
      return true;
    }
    const next = moveFace(r, i, box);
    this.emit(next);
    const now = next.faces[i].box;
    this.say(resize ? `${name} resized to ${now[2]} × ${now[3]}, at x ${now[0]}, y ${now[1]}` : `${name} moved to ${where(now)}`);
    return true;
  }

  private key(e: KeyboardEvent): void {
    // Ctrl/Meta combinations belong to the browser and the system (Ctrl+P prints, not "previous").
    if (e.ctrlKey || e.metaKey) return;
    const arrow = ARROWS[e.key];
    if (arrow) {
      if (!this.arrow(arrow, e)) return;
    } else if (e.key === 'Delete' || e.key === 'Backspace') this.dropSelected();
    else if (e.key === 'Escape') {
      if (this.selected !== undefined) this.say(`No ${this.noun} selected: the arrows go ${this.picture} by ${this.picture}`);
      this.selected = undefined;
    } else if (e.key === 'a' || e.key === 'Insert') this.addCentred();
    else if (e.key === 'n') this.dispatchEvent(new CustomEvent('next', { bubbles: true, composed: true }));
    else if (e.key === 'p') this.dispatchEvent(new CustomEvent('prev', { bubbles: true, composed: true }));
    else return;
    e.preventDefault();
  }

  /** The box as drawn now (during a drag, where the pointer has taken it). */
  private shown(i: number): [number, number, number, number] {
    const box = this.review!.faces[i].box;
    const d = this.drag;
    if (!d || d.kind === 'draw' || d.index !== i) return box;
    const dx = d.x - d.x0;
    const dy = d.y - d.y0;
    return d.kind === 'move'
      ? [box[0] + dx, box[1] + dy, box[2], box[3]]
      : [box[0], box[1], Math.max(1, box[2] + dx), Math.max(1, box[3] + dy)];
  }

  render() {
    const r = this.review;
    if (!r) return nothing;
    const stroke = Math.max(2, Math.round(Math.max(r.width, r.height) / 400));
    const d = this.drag;
    return html`
      <div
        class="photo"
        role="group"
        tabindex="0"
        aria-label="${this.picture[0].toUpperCase()}${this.picture.slice(1)} with its ${this.noun} boxes"
        aria-describedby="face-keys"
        aria-keyshortcuts="A Insert ArrowLeft ArrowRight ArrowUp ArrowDown Delete Escape N P"
        @keydown=${(e: KeyboardEvent) => this.key(e)}
      >
        <img src=${this.src} alt="" width=${r.width} height=${r.height} />
        <svg
          viewBox="0 0 ${r.width} ${r.height}"
          aria-hidden="true"
          @pointerdown=${(e: PointerEvent) => this.down(e)}
          @pointermove=${(e: PointerEvent) => this.move(e)}
          @pointerup=${() => this.up()}
        >
          ${r.faces.map((_, i) => {
            const [x, y, w, h] = this.shown(i);
            const sel = i === this.selected;
            return svg`<rect class="face ${this.kinds?.[i] ?? ''} ${sel ? 'sel' : ''}" data-index=${i} x=${x} y=${y} width=${w} height=${h} stroke-width=${stroke}
                @pointerdown=${(e: PointerEvent) => this.down(e, i)}></rect>
              ${sel ? svg`<rect class="handle" x=${x + w - stroke * 3} y=${y + h - stroke * 3} width=${stroke * 6} height=${stroke * 6} @pointerdown=${(e: PointerEvent) => this.down(e, i, true)}></rect>` : nothing}`;
          })}
          ${
            d?.kind === 'draw'
              ? svg`<rect class="face sel" x=${Math.min(d.x0, d.x)} y=${Math.min(d.y0, d.y)} width=${Math.abs(d.x - d.x0)} height=${Math.abs(d.y - d.y0)} stroke-width=${stroke}></rect>`
              : nothing
          }
        </svg>
      </div>
      <div @keydown=${(e: KeyboardEvent) => this.key(e)}>
        <p id="faces-label">${this.summary ?? `${r.faces.length} ${this.noun}${r.faces.length === 1 ? '' : 's'} to hide`}</p>
        <button id="add-box" aria-keyshortcuts="A Insert" aria-describedby="face-keys" @click=${() => this.addCentred()}>Add box</button>
        <ul aria-labelledby="faces-label">
          ${r.faces.map(
            (f, i) =>
              html`<li>
                <button aria-pressed=${i === this.selected ? 'true' : 'false'} @click=${() => this.select(i)}>
                  ${this.labels?.[i] ?? this.nameOf(i)}: ${f.box[2]}×${f.box[3]} at ${f.box[0]},
                  ${f.box[1]}${this.labels ? '' : f.score !== undefined ? ` (score ${f.score.toFixed(2)})` : ' (drawn)'}
                </button>
              </li>`,
          )}
        </ul>
        <button ?disabled=${this.selected === undefined} @click=${() => this.dropSelected()}>Drop the selected ${this.noun}</button>
        <p id="said" role="status" aria-live="polite" aria-atomic="true">${keyed(this.saidCount, html`<span>${this.said}</span>`)}</p>
        <ul class="keys" id="face-keys" aria-label="Keys, on the photo or the list">
          <li><kbd>a</kbd> or <kbd>Insert</kbd>: add a box in the middle</li>
          <li><kbd>Tab</kbd> to a ${this.noun}, <kbd>Enter</kbd>: select it</li>
          <li>Arrows: move the selected box (1 % of the ${this.picture}; with <kbd>Shift</kbd> 10 %)</li>
          <li><kbd>Alt</kbd>+arrows: resize it (Right/Down grow, Left/Up shrink; with <kbd>Shift</kbd> 10 %)</li>
          <li><kbd>Delete</kbd>: drop it; <kbd>Escape</kbd>: select none</li>
          <li><kbd>n</kbd>/<kbd>p</kbd>, or ←/→ with none selected: next/previous ${this.picture}</li>
        </ul>
      </div>
    `;
  }
}

/** An edit, or undefined when it would leave no box on the photo (dragged wholly outside: nothing changes). */
function tryEdit(edit: () => ReviewedFaces): ReviewedFaces | undefined {
  try {
    return edit();
  } catch {
    return undefined;
  }
}

customElements.define('face-review', FaceReview);

declare global {
  interface HTMLElementTagNameMap {
    'face-review': FaceReview;
  }
}
