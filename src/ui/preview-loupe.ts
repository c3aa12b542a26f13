/**
 * <preview-loupe>: the pixels under a point of a canvas, magnified (each pixel a square, no
 * smoothing), in a round window beside the point. The preview draws it over its viewport; it reads
 * the canvas it is given, so it shows what that canvas holds (output pixels at 100% and above).
 */
import { LitElement, html, css } from 'lit';

/** Canvas pixels across the loupe, and screen pixels per canvas pixel in it. */
const SPAN = 17;
const MAG = 8;

export class PreviewLoupe extends LitElement {
  static properties = { source: { attribute: false }, at: { attribute: false }, x: { type: Number }, y: { type: Number } };
  /** The canvas to magnify, and the point in its own pixels. */
  declare source?: HTMLCanvasElement;
  declare at?: [number, number];
  /** Where to draw the loupe, in the viewport's pixels (its centre). */
  declare x: number;
  declare y: number;

  static styles = css`
    :host {
      position: absolute;
      pointer-events: none;
      width: ${SPAN * MAG}px;
      height: ${SPAN * MAG}px;
      border-radius: 50%;
      overflow: hidden;
      border: 2px solid #fff;
      box-shadow:
        0 0 0 1px #000,
        0 4px 12px rgba(0, 0, 0, 0.4);
      z-index: 3;
    }
    canvas {
      width: 100%;
      height: 100%;
      image-rendering: pixelated;
      display: block;
    }
    .cross {
      position: absolute;
      left: ${((SPAN - 1) / 2) * MAG}px;
      top: ${((SPAN - 1) / 2) * MAG}px;
      width: ${MAG}px;
      height: ${MAG}px;
      box-sizing: border-box;
      border: 1px solid #ff0;
      outline: 1px solid #000;
    }
  `;

  updated() {
    this.style.left = `${this.x - (SPAN * MAG) / 2}px`;
    this.style.top = `${this.y - (SPAN * MAG) / 2}px`;
    const c = this.renderRoot.querySelector('canvas');
    const src = this.source;
    if (!c || !src || !this.at) return;
    c.width = SPAN;
    c.height = SPAN;
    const g = c.getContext('2d')!;
    g.imageSmoothingEnabled = false;
    g.fillStyle = '#808080';
    g.fillRect(0, 0, SPAN, SPAN);
    const half = (SPAN - 1) / 2;
    g.drawImage(src, Math.floor(this.at[0]) - half, Math.floor(this.at[1]) - half, SPAN, SPAN, 0, 0, SPAN, SPAN);
  }

  render() {
    return html`<canvas aria-hidden="true"></canvas><span class="cross"></span>`;
  }
}
customElements.define('preview-loupe', PreviewLoupe);
