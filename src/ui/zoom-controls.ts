/**
 * <zoom-controls>: Fit and the zoom steps as a group of toggle buttons (aria-pressed on the current
 * one), shared by the preview and the compare view. Emits 'zoom' with 'fit' or a factor (screen
 * pixels per image pixel).
 */
import { LitElement, html, css } from 'lit';
import { ZOOM_STEPS } from '../core/preview-plan';

export type Zoom = number | 'fit';

/** The next zoom step in or out from `z` (from fit: `fitZoom`, the scale fit shows at). */
export function stepZoom(z: Zoom, dir: 1 | -1, fitZoom = 1): Zoom {
  const cur = z === 'fit' ? fitZoom : z;
  if (dir > 0) return ZOOM_STEPS.find((s) => s > cur + 1e-9) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1];
  const lower = [...ZOOM_STEPS].reverse().find((s) => s < cur - 1e-9);
  return lower === undefined || lower <= fitZoom ? 'fit' : lower;
}

export class ZoomControls extends LitElement {
  static properties = { value: { attribute: false }, label: {} };
  declare value: Zoom;
  /** What the group zooms ("Zoom the preview"). */
  declare label: string;

  static styles = css`
    :host {
      display: inline-flex;
      gap: 4px;
      align-items: center;
    }
    button {
      font: inherit;
      padding: 2px 8px;
    }
    button[aria-pressed='true'] {
      background: #2457d6;
      color: #fff;
      border-color: #2457d6;
    }
  `;

  constructor() {
    super();
    this.value = 'fit';
    this.label = 'Zoom';
  }

  private pick(z: Zoom) {
    this.value = z;
    this.dispatchEvent(new CustomEvent<Zoom>('zoom', { detail: z, bubbles: true, composed: true }));
  }

  render() {
    const btn = (z: Zoom, text: string, name: string) =>
      html`<button
        id="zoom-${z === 'fit' ? 'fit' : z * 100}"
        aria-pressed=${this.value === z ? 'true' : 'false'}
        aria-label=${name}
        @click=${() => this.pick(z)}
      >
        ${text}
      </button>`;
    return html`<span role="group" aria-label=${this.label}>
      ${btn('fit', 'Fit', 'Fit the whole picture')} ${ZOOM_STEPS.map((z) => btn(z, `${z * 100}%`, `Zoom ${z * 100}%`))}
    </span>`;
  }
}
customElements.define('zoom-controls', ZoomControls);
