import { LitElement, html, css } from 'lit';
import type { BatchProgress } from '../jobs/types';
import { rate, seconds } from './format';
import { panel } from './styles';

/** Progress bar with done/failed/total, images per second and ETA. */
export class ProgressPanel extends LitElement {
  static properties = { progress: { attribute: false }, state: {} };
  declare progress?: BatchProgress;
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
    const total = Math.max(1, p?.total ?? 0);
    const pct = (n: number) => `${(100 * n) / total}%`;
    return html`<div class="panel">
      <h2>Progress</h2>
      <div
        class="bar"
        role="progressbar"
        aria-label="Files processed"
        aria-valuemin="0"
        aria-valuemax=${p?.total ?? 0}
        aria-valuenow=${(p?.done ?? 0) + (p?.failed ?? 0)}
        aria-valuetext=${`${p?.done ?? 0} done, ${p?.failed ?? 0} failed, of ${p?.total ?? 0}${p && !p.totalKnown ? ' so far' : ''}`}
      >
        <div class="done" style="width:${pct(p?.done ?? 0)}"></div>
        <div class="failed" style="width:${pct(p?.failed ?? 0)}"></div>
      </div>
      <div class="stats" id="stats">
        <span><b id="done">${p?.done ?? 0}</b> done</span>
        <span class=${p?.failed ? 'bad' : ''}><b id="failed">${p?.failed ?? 0}</b> failed</span>
        <span>of <b id="total">${p?.total ?? 0}</b>${p && !p.totalKnown ? '+' : ''}</span>
        <span><b id="rate">${rate(p?.imagesPerSecond ?? 0)}</b> images/s</span>
        <span>ETA <b id="eta">${seconds(p?.etaSeconds)}</b></span>
        <span>elapsed ${seconds(p?.elapsedSeconds)}</span>
        <span class="muted" id="state" role="status">${this.state}</span>
      </div>
      ${p?.running.length ? html`<div class="running muted">Working on ${p.running.join(', ')}</div>` : ''}
    </div>`;
  }
}
customElements.define('progress-panel', ProgressPanel);
