import { LitElement, html, css } from 'lit';
import type { FileResult, SkippedFile } from '../jobs/types';
import { bytes } from './format';
import { panel } from './styles';

/**
 * One row per file: status (with the faces found, for a recipe with a face step), size, time,
 * output path (or, when no image was written, the reports), and the plain error for failures;
 * then one row per skipped file with the reason it was left out.
 */
export class ResultsTable extends LitElement {
  static properties = { results: { attribute: false }, skipped: { attribute: false }, selected: {} };
  declare results: FileResult[];
  /** Files of the input the batch left out, with why. */
  declare skipped: readonly SkippedFile[];
  declare selected?: string;

  static styles = [
    panel,
    css`
      .scroll {
        max-height: 320px;
        overflow: auto;
      }
      tr.row {
        cursor: pointer;
      }
      tr.row:hover {
        background: #f4f7fd;
      }
      tr.sel {
        background: #e6eefc;
      }
      td.err {
        color: #c62828;
      }
    `,
  ];

  constructor() {
    super();
    this.results = [];
    this.skipped = [];
  }

  private pick(r: FileResult) {
    if (r.status !== 'ok') return;
    this.dispatchEvent(new CustomEvent('select', { detail: r, bubbles: true, composed: true }));
  }

  render() {
    return html`<div class="panel">
      <h2>
        Results (${this.results.length}${this.skipped.length ? html`, <span id="skipped-count">${this.skipped.length} skipped</span>` : ''})
      </h2>
      <div class="scroll">
        <table id="results">
          <thead>
            <tr>
              <th>File</th>
              <th>Status</th>
              <th class="num">Size</th>
              <th class="num">In</th>
              <th class="num">Out</th>
              <th class="num">Time</th>
              <th>Output / error</th>
            </tr>
          </thead>
          <tbody>
            ${this.results.map(
              (r) =>
                html`<tr
                  class="row ${this.selected === r.path ? 'sel' : ''}"
                  data-path=${r.path}
                  data-status=${r.status}
                  @click=${() => this.pick(r)}
                >
                  <td>${r.path}</td>
                  <td class=${r.status === 'ok' ? 'ok' : r.status === 'failed' ? 'bad' : 'muted'}>
                    ${r.status}${
                      r.pyramid
                        ? html` <span class="muted">(DZI: ${r.pyramid.tiles} tiles, ${r.pyramid.levels} levels)</span>`
                        : r.tiles
                          ? html` <span class="muted">(${r.tiles} tiles)</span>`
                          : ''
                    }${r.faces !== undefined ? html` <span class="faces">(${r.faces} face${r.faces === 1 ? '' : 's'})</span>` : ''}
                  </td>
                  <td class="num">${r.width ? `${r.width}×${r.height}` : ''}</td>
                  <td class="num">${bytes(r.bytesIn)}</td>
                  <td class="num">${bytes(r.bytesOut)}</td>
                  <td class="num">${r.ms.toFixed(0)} ms</td>
                  <td class=${r.error ? 'err' : 'muted'}>${r.error ?? r.outputPath ?? r.reports?.join(', ') ?? ''}</td>
                </tr>`,
            )}
            ${this.skipped.map(
              (s) =>
                html`<tr class="skipped" data-path=${s.path} data-status="skipped">
                  <td>${s.path}</td>
                  <td class="muted">skipped</td>
                  <td colspan="5" class="muted">${s.reason}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>`;
  }
}
customElements.define('results-table', ResultsTable);
