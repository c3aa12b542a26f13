import { LitElement, html, css, nothing } from 'lit';
import type { BatchProgress } from '../jobs/types';
import type { VideoProgress } from '../jobs/video';
import { combineVideoProgress } from '../jobs/video/progress';
import { rate, seconds } from './format';
import { panel } from './styles';

/**
 * Progress bar with done/failed/skipped/total, images per second and ETA, and the frames of the
 * videos being processed (a video counts as one file, so without them a one-video batch would
 * sit at "0 done of 1" until it ends). The ETA is shown only while running: after a cancel or
 * the end, the last estimate is no longer one.
 */
export class ProgressPanel extends LitElement {
  static properties = { progress: { attribute: false }, videos: { attribute: false }, state: {} };
  declare progress?: BatchProgress;
  /** The videos in progress (frames, fps, ETA), if any. */
  declare videos?: readonly VideoProgress[];
  declare state: string;

  static styles = [
    panel,
    css`
      .bar {
        height: 12px;
        background: #e9edf3;
        border-radius: 6px;
        overflow: hidden;
        display: flex;
      }
      .bar > .done {
        background: #2f9e57;
      }
      .bar > .failed {
        background: #d84a4a;
      }
      .bar > .partial {
        opacity: 0.55;
      }
      .stats {
        display: flex;
        gap: 18px;
        flex-wrap: wrap;
        margin-top: 8px;
        font-variant-numeric: tabular-nums;
      }
      .running {
        margin-top: 6px;
        font-size: 12px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
    `,
  ];

  constructor() {
    super();
    this.state = 'idle';
  }

  render() {
    const p = this.progress;
    const running = this.state.startsWith('running');
    const videos = running && this.videos?.length ? combineVideoProgress(this.videos) : undefined;
    const total = Math.max(1, p?.total ?? 0);
    // A video under way fills its share of the bar frame by frame.
    const partial = videos && videos.totalFrames ? (this.videos!.length * videos.frames) / videos.totalFrames : 0;
    const pct = (n: number) => `${(100 * n) / total}%`;
    // With videos running, the batch's own estimate (files per second) knows nothing of their frames.
    const eta = !running ? undefined : videos?.etaSeconds !== undefined ? Math.max(videos.etaSeconds, p?.etaSeconds ?? 0) : p?.etaSeconds;
    return html`<div class="panel">
      <h2>Progress</h2>
      <div
        class="bar"
        role="progressbar"
        aria-label="Files processed"
        aria-valuemin="0"
        aria-valuemax=${p?.total ?? 0}
        aria-valuenow=${(p?.done ?? 0) + (p?.failed ?? 0) + partial}
        aria-valuetext=${`${p?.done ?? 0} done, ${p?.failed ?? 0} failed, of ${p?.total ?? 0}${p && !p.totalKnown ? ' so far' : ''}`}
      >
        <div class="done" style="width:${pct(p?.done ?? 0)}"></div>
        <div class="failed" style="width:${pct(p?.failed ?? 0)}"></div>
        ${partial ? html`<div class="done partial" style="width:${pct(partial)}"></div>` : nothing}
      </div>
      <div class="stats" id="stats">
        <span><b id="done">${p?.done ?? 0}</b> done</span>
        <span class=${p?.failed ? 'bad' : ''}><b id="failed">${p?.failed ?? 0}</b> failed</span>
        ${p?.skipped ? html`<span><b id="skipped">${p.skipped}</b> skipped</span>` : nothing}
        <span>of <b id="total">${p?.total ?? 0}</b>${p && !p.totalKnown ? '+' : ''}</span>
        <span><b id="rate">${rate(p?.imagesPerSecond ?? 0)}</b> images/s</span>
        ${
          videos
            ? html`<span id="video-frames"
                ><b>${videos.frames}</b> of ${videos.totalFrames} video frames · ${videos.fps.toFixed(1)} frames/s</span
              >`
            : nothing
        }
        <span>ETA <b id="eta">${seconds(eta)}</b></span>
        <span>elapsed ${seconds(p?.elapsedSeconds)}</span>
        <span class="muted" id="state" role="status">${this.state}</span>
      </div>
      ${p?.running.length ? html`<div class="running muted">Working on ${p.running.join(', ')}</div>` : ''}
    </div>`;
  }
}
customElements.define('progress-panel', ProgressPanel);
