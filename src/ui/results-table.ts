import { LitElement, html, css } from 'lit';
import type { FileResult } from '../jobs/types';
import { bytes } from './format';
import { panel } from './styles';

/** One row per file: status, size, time, output path, and the plain error for failures. */
export class ResultsTable extends LitElement {
  static properties = { results: { attribute: false }, selected: {} };
  declare results: FileResult[];
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
  }

  private pick(r: FileResult) {
    if (r.status !== 'ok') return;
    this.dispatchEvent(new CustomEvent('select', { detail: r, bubbles: true, composed: true }));
  }

  render() {
    return html`<div class="panel">
      <h2>Results (${this.results.length})</h2>
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
                    }
                  </td>
                  <td class="num">${r.width ? `${r.width}×${r.height}` : ''}</td>
                  <td class="num">${bytes(r.bytesIn)}</td>
                  <td class="num">${bytes(r.bytesOut)}</td>
                  <td class="num">${r.ms.toFixed(0)} ms</td>
                  <td class=${r.error ? 'err' : 'muted'}>${r.error ?? r.outputPath ?? ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>`;
  }
}
customElements.define('results-table', ResultsTable);
