import { LitElement, html, css, nothing } from 'lit';
import type { FileResult, SkippedFile } from '../jobs/types';
import {
  ROW_FILTERS,
  filterRows,
  reportCsv,
  reportRows,
  reportTotals,
  resultKey,
  sortRows,
  type ReportRow,
  type RowFilter,
  type SortKey,
} from '../core/results-report';
import { bytes } from './format';
import { panel } from './styles';

const SORTS: { key: SortKey | 'batch'; label: string }[] = [
  { key: 'batch', label: 'Batch order' },
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Input size' },
  { key: 'saved', label: 'Saved %' },
  { key: 'time', label: 'Time' },
  { key: 'status', label: 'Status' },
];

const FILTER_LABEL: Record<RowFilter, string> = { all: 'All', failed: 'Failed', skipped: 'Skipped', faces: 'With faces' };

/** "−12.5%" for a larger output, "75.0%" saved; '' when unknown. */
const percent = (x: number | undefined) => (x === undefined ? '' : `${x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)}%`);

/**
 * The batch's results: totals (files written, failed, skipped; bytes in → out and % saved), one
 * row per file (status with the faces found, size, bytes, % saved, time, output path or the plain
 * error) and one per skipped file with the reason. Sort and filter the rows; Retry failed
 * (`retry-failed` event) reruns the failed files with the settings in force; Download CSV report
 * saves one line per file (core/results-report.ts). A written file's row opens the before/after
 * view (`select` event) on a click, or on Enter or Space. The rows are one stop in the tab order
 * (a roving tabindex: 10,000 rows are not 10,000 Tabs); the arrow keys, Home, End, Page Up and
 * Page Down move between them.
 */
export class ResultsTable extends LitElement {
  static properties = {
    results: { attribute: false },
    skipped: { attribute: false },
    selected: {},
    busy: { type: Boolean },
    canRetry: { type: Boolean, attribute: 'can-retry' },
    active: { state: true },
    sort: { state: true },
    descending: { state: true },
    filter: { state: true },
  };
  declare results: FileResult[];
  /** Files of the input the batch left out, with why. */
  declare skipped: readonly SkippedFile[];
  declare selected?: string;
  /** A batch or benchmark runs: no retry meanwhile. */
  declare busy: boolean;
  /** The results are the chosen input's (a retry would rerun its files). */
  declare canRetry: boolean;
  /** The row in the tab order (the last one focused), by index among the shown file rows. */
  declare active: number;
  declare sort: SortKey | 'batch';
  declare descending: boolean;
  declare filter: RowFilter;

  static styles = [
    panel,
    css`
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 12px;
        align-items: center;
        margin-bottom: 8px;
        font-size: 13px;
      }
      .tools label {
        display: inline-flex;
        gap: 4px;
        align-items: center;
      }
      #sort-direction[aria-pressed='true'] {
        background: #e6eefc;
        border-color: #2457d6;
      }
      .tools select,
      .tools button {
        font: inherit;
        font-size: 13px;
        padding: 3px 8px;
      }
      #results-totals {
        margin: 0 0 8px;
        font-size: 13px;
      }
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
      td.path {
        overflow-wrap: anywhere;
        min-width: 8em;
      }
    `,
  ];

  constructor() {
    super();
    this.results = [];
    this.active = 0;
    this.skipped = [];
    this.busy = false;
    this.canRetry = true;
    this.sort = 'batch';
    this.descending = false;
    this.filter = 'all';
  }

  private pick(r: FileResult | undefined) {
    if (r?.status !== 'ok') return;
    this.dispatchEvent(new CustomEvent('select', { detail: r, bubbles: true, composed: true }));
  }

  /** Enter or Space opens the row; arrows, Home, End and Page Up/Down move the focus. */
  private onKey(e: KeyboardEvent, i: number, last: number, r: FileResult | undefined) {
    const rowHeight = (e.currentTarget as HTMLElement).offsetHeight || 1;
    const page = Math.max(1, Math.floor((this.renderRoot.querySelector('.scroll')?.clientHeight ?? 0) / rowHeight) - 1);
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
      this.pick(r);
    } else if (e.key in to) {
      e.preventDefault();
      this.renderRoot.querySelectorAll<HTMLTableRowElement>('tbody tr.row')[Math.max(0, Math.min(last, to[e.key]))]?.focus();
    }
  }

  /** The CSV report of every row (not only the filtered ones), as a download. */
  private downloadCsv(rows: readonly ReportRow[]) {
    // A byte-order mark: spreadsheets then read the paths as UTF-8.
    const blob = new Blob(['\uFEFF', reportCsv(rows)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `tessera-report-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private renderTotals(rows: readonly ReportRow[]) {
    const t = reportTotals(rows);
    const parts = [`${t.done} written`, `${t.failed} failed`, `${t.skipped} skipped`, ...(t.cancelled ? [`${t.cancelled} cancelled`] : [])];
    return html`<p id="results-totals">
      ${parts.join(' · ')}${
        t.done
          ? html` · ${bytes(t.bytesIn)} →
            ${bytes(t.bytesOut)}${
              t.saved !== undefined
                ? html` (<b id="saved-total">${t.saved < 0 ? `${percent(-t.saved)} larger` : `${percent(t.saved)} saved`}</b>)`
                : ''
            }`
          : ''
      }
    </p>`;
  }

  /** The totals, then sort, filter, Retry failed and the CSV report. */
  private renderTools(all: readonly ReportRow[], failed: number, counts: Record<RowFilter, number>) {
    return html`${this.renderTotals(all)}
      <div class="tools">
        <label
          >Sort by
          <select
            id="sort"
            .value=${this.sort}
            @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as SortKey | 'batch')}
          >
            ${SORTS.map((s) => html`<option value=${s.key} ?selected=${s.key === this.sort}>${s.label}</option>`)}
          </select></label
        >
        <button id="sort-direction" aria-pressed=${this.descending ? 'true' : 'false'} @click=${() => (this.descending = !this.descending)}>
          Descending
        </button>
        <label
          >Show
          <select
            id="filter"
            .value=${this.filter}
            @change=${(e: Event) => (this.filter = (e.target as HTMLSelectElement).value as RowFilter)}
          >
            ${ROW_FILTERS.map((f) => html`<option value=${f} ?selected=${f === this.filter}>${FILTER_LABEL[f]} (${counts[f]})</option>`)}
          </select></label
        >
        <button
          id="retry-failed"
          ?disabled=${!failed || this.busy || !this.canRetry}
          @click=${() => this.dispatchEvent(new CustomEvent('retry-failed', { bubbles: true, composed: true }))}
        >
          Retry failed${failed ? ` (${failed})` : ''}
        </button>
        <button id="csv" ?disabled=${!all.length} @click=${() => this.downloadCsv(all)}>Download CSV report</button>
      </div>`;
  }

  render() {
    const all = reportRows(this.results, this.skipped);
    const byKey = new Map(this.results.map((r) => [resultKey(r), r]));
    const ordered = this.sort === 'batch' ? (this.descending ? [...all].reverse() : all) : sortRows(all, this.sort, this.descending);
    const shown = filterRows(ordered, this.filter);
    const fileRows = shown.filter((r) => r.status !== 'skipped').length;
    // A new, shorter list: the row in the tab order must still exist.
    const active = Math.min(this.active, fileRows - 1);
    const failed = this.results.filter((r) => r.status === 'failed').length;
    const counts: Record<RowFilter, number> = {
      all: all.length,
      failed,
      skipped: this.skipped.length,
      faces: all.filter((r) => (r.faces ?? 0) > 0).length,
    };
    let fileIndex = 0;
    // With no result row to focus (none yet, or only skipped files) the scroll box itself takes
    // the focus, so its scrolling (a phone scrolls the wide table sideways) is reachable by keyboard.
    const focusBox = fileRows === 0;
    return html`<div class="panel">
      <h2 id="results-heading">
        Results (${this.results.length}${this.skipped.length ? html`, <span id="skipped-count">${this.skipped.length} skipped</span>` : ''})
      </h2>
      ${all.length ? this.renderTools(all, failed, counts) : ''}
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
              <th class="num">Saved</th>
              <th class="num">Time</th>
              <th>Output / error</th>
            </tr>
          </thead>
          <tbody>
            ${shown.map((row) => {
              if (row.status === 'skipped')
                return html`<tr class="skipped" data-path=${row.path} data-status="skipped">
                  <td class="path">${row.path}</td>
                  <td class="muted">skipped</td>
                  <td colspan="6" class="muted">${row.message}</td>
                </tr>`;
              const r = byKey.get(row.key);
              const i = fileIndex++;
              return html`<tr
                class="row ${this.selected === row.key ? 'sel' : ''}"
                data-path=${row.path}
                data-variant=${row.variant ?? nothing}
                data-status=${row.status}
                tabindex=${i === active ? 0 : -1}
                aria-current=${this.selected === row.key ? 'true' : nothing}
                @click=${() => this.pick(r)}
                @focus=${() => (this.active = i)}
                @keydown=${(e: KeyboardEvent) => this.onKey(e, i, fileRows - 1, r)}
              >
                <td class="path">${row.path}${row.variant !== undefined ? html` <span class="muted">(${row.variant})</span>` : ''}</td>
                <td class=${row.status === 'ok' ? 'ok' : row.status === 'failed' ? 'bad' : 'muted'}>
                  ${row.status}${
                    r?.pyramid
                      ? html` <span class="muted">(DZI: ${r.pyramid.tiles} tiles, ${r.pyramid.levels} levels)</span>`
                      : r?.tiles
                        ? html` <span class="muted">(${r.tiles} tiles)</span>`
                        : ''
                  }${row.faces !== undefined ? html` <span class="faces">(${row.faces} face${row.faces === 1 ? '' : 's'})</span>` : ''}
                </td>
                <td class="num">${row.width ? `${row.width}×${row.height}` : ''}</td>
                <td class="num">${bytes(row.bytesIn)}</td>
                <td class="num">${bytes(row.bytesOut)}</td>
                <td class="num saved">${percent(row.saved)}</td>
                <td class="num">${(row.ms ?? 0).toFixed(0)} ms</td>
                <td class=${row.status === 'failed' ? 'err' : 'muted'}>${row.message || row.outputs.join(', ')}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
    </div>`;
  }
}
customElements.define('results-table', ResultsTable);
