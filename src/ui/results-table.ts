import { LitElement, html, css, nothing } from 'lit';
import type { FileResult, SkippedFile } from '../jobs/types';
import { bytes } from './format';
import { panel } from './styles';

/**
 * One row per file: status (with the faces found, for a recipe with a face step), size, time,
 * output path (or, when no image was written, the reports), and the plain error for failures;
 * then one row per skipped file with the reason it was left out. A written file's row opens the
 * before/after view (`select` event) on a click, or on Enter or Space. The rows are one stop in
 * the tab order (a roving tabindex: 10,000 rows are not 10,000 Tabs); the arrow keys, Home, End,
 * Page Up and Page Down move between them.
 */
export class ResultsTable extends LitElement {
  static properties = { results: { attribute: false }, skipped: { attribute: false }, selected: {}, active: { state: true } };
  declare results: FileResult[];
  /** Files of the input the batch left out, with why. */
  declare skipped: readonly SkippedFile[];
  declare selected?: string;
  /** The row in the tab order (the last one focused), by index. */
  declare active: number;

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
      /* Inside the scroll box, whose overflow would clip an outer ring. */
      tr.row:focus-visible {
        outline: 2px solid #2457d6;
        outline-offset: -2px;
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
    this.active = 0;
    this.skipped = [];
  }

  private pick(r: FileResult) {
    if (r.status !== 'ok') return;
    this.dispatchEvent(new CustomEvent('select', { detail: r, bubbles: true, composed: true }));
  }

  /** Enter or Space opens the row; arrows, Home, End and Page Up/Down move the focus. */
  private onKey(e: KeyboardEvent, i: number) {
    const rowHeight = (e.currentTarget as HTMLElement).offsetHeight || 1;
    const page = Math.max(1, Math.floor((this.renderRoot.querySelector('.scroll')?.clientHeight ?? 0) / rowHeight) - 1);
    const last = this.results.length - 1;
    const to: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      Home: 0,
      End: last,
      PageDown: i + page,
      PageUp: i - page,
    };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault(); // Space would scroll the page
      this.pick(this.results[i]);
    } else if (e.key in to) {
      e.preventDefault();
      this.renderRoot.querySelectorAll<HTMLTableRowElement>('tbody tr.row')[Math.max(0, Math.min(last, to[e.key]))]?.focus();
    }
  }

  render() {
    // A new, shorter list: the row in the tab order must still exist.
    const active = Math.min(this.active, this.results.length - 1);
    // With no result row to focus (none yet, or only skipped files) the scroll box itself takes
    // the focus, so its scrolling (a phone scrolls the wide table sideways) is reachable by keyboard.
    const focusBox = this.results.length === 0;
    return html`<div class="panel">
      <h2 id="results-heading">
        Results (${this.results.length}${this.skipped.length ? html`, <span id="skipped-count">${this.skipped.length} skipped</span>` : ''})
      </h2>
      <p class="visually-hidden" id="results-hint">
        Press Enter on a written file's row to compare it before and after; the arrow keys move between rows.
      </p>
      <div
        class="scroll"
        tabindex=${focusBox ? '0' : nothing}
        role=${focusBox ? 'group' : nothing}
        aria-labelledby=${focusBox ? 'results-heading' : nothing}
      >
        <table id="results" aria-labelledby="results-heading" aria-describedby="results-hint">
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
              (r, i) =>
                html`<tr
                  class="row ${this.selected === r.path ? 'sel' : ''}"
                  data-path=${r.path}
                  data-status=${r.status}
                  tabindex=${i === active ? 0 : -1}
                  aria-current=${this.selected === r.path ? 'true' : nothing}
                  @click=${() => this.pick(r)}
                  @focus=${() => (this.active = i)}
                  @keydown=${(e: KeyboardEvent) => this.onKey(e, i)}
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
