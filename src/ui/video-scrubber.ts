/**
 * <video-scrubber>: chooses which frame of a video the preview shows. A range over the frame
 * indices with the time beside it; ← / → move one frame (the range's own step), Page Up / Page
 * Down and Shift+← / → one second, Home / End the first and last frame, and two buttons step one
 * frame. Each change fires 'seek' with the frame index; the studio debounces it into a preview,
 * so dragging updates the picture when the drag pauses.
 */
import { LitElement, html, css } from 'lit';
import type { VideoFramesInfo } from '../jobs/video-frames';
import { panel } from './styles';

/** m:ss.cc (h:mm:ss.cc past an hour). */
export function clock(s: number): string {
  const t = Math.max(0, s);
  const h = Math.floor(t / 3600),
    m = Math.floor((t % 3600) / 60),
    sec = t % 60;
  const ss = sec.toFixed(2).padStart(5, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class VideoScrubber extends LitElement {
  static properties = {
    info: { attribute: false },
    index: { type: Number },
    label: {},
    /** Whether the frame at `index` is on screen (else it is being decoded). */
    shown: { type: Boolean },
    /** The frame is shown as the video's luma plane (a recipe that starts with grayscale). */
    luma: { type: Boolean },
  };
  declare info?: VideoFramesInfo;
  declare index: number;
  declare label: string;
  declare shown: boolean;
  declare luma: boolean;

  static styles = [
    panel,
    css`
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
      input[type='range'] {
        flex: 1;
        min-width: 140px;
      }
      output {
        font-variant-numeric: tabular-nums;
        font-size: 13px;
      }
      .keys {
        margin: 6px 0 0;
        font-size: 12px;
      }
    `,
  ];

  constructor() {
    super();
    this.index = 0;
    this.label = '';
    this.shown = false;
    this.luma = false;
  }

  private get last(): number {
    return Math.max(0, (this.info?.frames ?? 1) - 1);
  }

  private seek(index: number) {
    const i = Math.max(0, Math.min(this.last, Math.round(index)));
    if (i === this.index) return;
    this.index = i;
    this.dispatchEvent(new CustomEvent('seek', { detail: i, bubbles: true, composed: true }));
  }

  private key(e: KeyboardEvent) {
    const second = Math.max(1, Math.round(this.info?.frameRate ?? 1));
    const by =
      e.key === 'PageUp' || (e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowUp'))
        ? second
        : e.key === 'PageDown' || (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowDown'))
          ? -second
          : 0;
    if (!by) return; // the range's own keys: arrows one frame, Home, End
    e.preventDefault();
    this.seek(this.index + by);
  }

  /** The time of frame `i` from the video's start. */
  private time(i: number): number {
    return this.info ? i / this.info.frameRate : 0;
  }

  render() {
    const info = this.info;
    if (!info) return html``;
    const i = this.index;
    const where = `${clock(this.time(i))} of ${clock(info.duration - info.start)}, frame ${i + 1} of ${info.frames}`;
    return html`<section class="panel" id="scrubber" aria-label="Video frame">
      <div class="row">
        <b>Frame</b>
        <button id="frame-prev" aria-label="Previous frame" ?disabled=${i <= 0} @click=${() => this.seek(i - 1)}>‹</button>
        <input
          id="frame"
          type="range"
          min="0"
          max=${this.last}
          step="1"
          .value=${String(i)}
          aria-label=${`Frame of ${this.label || 'the video'} to preview`}
          aria-valuetext=${where}
          @input=${(e: Event) => this.seek(Number((e.target as HTMLInputElement).value))}
          @keydown=${(e: KeyboardEvent) => this.key(e)}
        />
        <button id="frame-next" aria-label="Next frame" ?disabled=${i >= this.last} @click=${() => this.seek(i + 1)}>›</button>
        <output id="frame-time" for="frame">${where}${this.shown ? '' : ' (decoding…)'}</output>
      </div>
      <p class="muted keys">← → one frame · Page Up / Page Down or Shift+← → one second · Home / End first and last frame</p>
      ${
        this.luma
          ? html`<p class="muted keys" id="frame-luma">
              Before is the video's own brightness (luma): a recipe that starts with Grayscale reads it straight from the video, as the
              batch does.
            </p>`
          : ''
      }
    </section>`;
  }
}

customElements.define('video-scrubber', VideoScrubber);

declare global {
  interface HTMLElementTagNameMap {
    'video-scrubber': VideoScrubber;
  }
}
