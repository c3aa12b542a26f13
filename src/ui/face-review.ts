/**
 * <face-review>: one photo's faces for review (issue 15). The boxes are drawn over the photo (an
 * SVG in the input's pixels, so no coordinate maths beyond the SVG's own) and listed as buttons.
 * Click a box to select it; Delete/Backspace drops it; drag on the photo's empty area draws a new
 * one; drag a selected box's body moves it, its corner handle resizes it. ArrowRight/n and
 * ArrowLeft/p ask for the next/previous photo ('next'/'prev' events); Escape deselects. Every edit
 * is a pure function of core/reviewed-faces.ts and emits 'review-change' with the new review; the
 * studio keeps it, the batch hides exactly those boxes and writes them as the photo's
 * `<input>.faces.json` (reviewed: true). The photo is shown as stored (image-orientation: none):
 * the boxes are in the stored pixels, as every face report is.
 */
import { LitElement, html, svg, css, nothing } from 'lit';
import { addFace, dropFace, moveFace, type Box, type ReviewedFaces } from '../core/reviewed-faces';

type Drag =
  | { kind: 'draw'; x0: number; y0: number; x: number; y: number }
  | { kind: 'move' | 'resize'; index: number; x0: number; y0: number; box: [number, number, number, number]; x: number; y: number };

export class FaceReview extends LitElement {
  static properties = { src: {}, review: { attribute: false }, selected: { state: true }, drag: { state: true } };
  /** The photo (an object URL), shown at the review's width × height. */
  declare src: string;
  declare review: ReviewedFaces | undefined;
  declare selected: number | undefined;
  declare drag: Drag | undefined;

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
    const next = dropFace(this.review, this.selected);
    this.selected = next.faces.length ? Math.min(this.selected, next.faces.length - 1) : undefined;
    this.emit(next);
  }

  private key(e: KeyboardEvent): void {
    const ask = (name: string) => this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
    if (e.key === 'Delete' || e.key === 'Backspace') this.dropSelected();
    else if (e.key === 'Escape') this.selected = undefined;
    else if (e.key === 'ArrowRight' || e.key === 'n') ask('next');
    else if (e.key === 'ArrowLeft' || e.key === 'p') ask('prev');
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
        aria-label="Photo: draw a box to add a face; Delete drops the selected one"
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
            return svg`<rect class="face ${sel ? 'sel' : ''}" data-index=${i} x=${x} y=${y} width=${w} height=${h} stroke-width=${stroke}
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
        <p id="faces-label">${r.faces.length} face${r.faces.length === 1 ? '' : 's'} to hide</p>
        <ul aria-labelledby="faces-label">
          ${r.faces.map(
            (f, i) =>
              html`<li>
                <button aria-pressed=${i === this.selected ? 'true' : 'false'} @click=${() => (this.selected = i)}>
                  Face ${i + 1}: ${f.box[2]}×${f.box[3]} at ${f.box[0]},
                  ${f.box[1]}${f.score !== undefined ? ` (score ${f.score.toFixed(2)})` : ' (drawn)'}
                </button>
              </li>`,
          )}
        </ul>
        <button ?disabled=${this.selected === undefined} @click=${() => this.dropSelected()}>Drop the selected face</button>
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
