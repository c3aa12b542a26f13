import { LitElement, html } from 'lit';
import type { BenchmarkResult } from '../jobs/benchmark';
import { rate } from './format';
import { panel } from './styles';

/** 1 worker vs N: seconds, images/s, speedup, efficiency and the byte-identity verdict. */
export class BenchmarkPanel extends LitElement {
  static properties = { result: { attribute: false }, status: {} };
  declare result?: BenchmarkResult;
  declare status?: string;
  static styles = [panel];

  render() {
    const r = this.result;
    return html`<div class="panel">
      <h2>Benchmark: 1 worker vs N</h2>
      ${this.status ? html`<p class="muted" id="bench-status">${this.status}</p>` : ''}
      ${
        r
          ? html`<table id="bench">
                <thead>
                  <tr>
                    <th>Workers</th>
                    <th class="num">Seconds</th>
                    <th class="num">Images/s</th>
                    <th class="num">Speedup</th>
                    <th class="num">Efficiency</th>
                    <th class="num">Start-up</th>
                  </tr>
                </thead>
                <tbody>
                  ${r.runs.map(
                    (run, i) =>
                      html`<tr>
                        <td>${run.workers}</td>
                        <td class="num">${run.seconds.toFixed(2)}</td>
                        <td class="num">${rate(run.imagesPerSecond)}</td>
                        <td class="num">${i === 0 ? '1.00×' : `${r.speedup.toFixed(2)}×`}</td>
                        <td class="num">${i === 0 ? '100%' : `${(100 * r.efficiency).toFixed(0)}%`}</td>
                        <td class="num">${run.startupSeconds.toFixed(2)} s</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p id="identical" class=${r.identical ? 'ok' : 'bad'}>
                ${
                  r.identical
                    ? `All ${r.compared} outputs are byte-identical between 1 and ${r.runs[1].workers} workers (SHA-256).`
                    : `Outputs differ for ${r.mismatches.length} of ${r.compared} files: ${r.mismatches.slice(0, 5).join(', ')}`
                }
              </p>`
          : ''
      }
    </div>`;
  }
}
customElements.define('benchmark-panel', BenchmarkPanel);
