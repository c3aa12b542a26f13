/**
 * The arithmetic of a virtualised grid (the studio's input thumbnails): which cells a scroll
 * position shows, how tall the whole grid is, where the keyboard moves, and how far to scroll so
 * a cell is in view. Pure, so it is tested in Node; the component only renders the window.
 */

/** The grid's geometry: a viewport over `count` equal cells laid out in rows. */
export interface GridGeometry {
  /** Cells in the grid. */
  count: number;
  /** Inner width of the scrolling box, px. */
  viewportWidth: number;
  /** Inner height of the scrolling box, px. */
  viewportHeight: number;
  /** The box's scrollTop, px. */
  scrollTop: number;
  /** Smallest width a cell may have, px: the columns are as many as fit, then widened to fill the row. */
  minCellWidth: number;
  /** Height of a cell, px (the same in every column). */
  cellHeight: number;
  /** Space between cells, both ways, px. */
  gap: number;
  /** Rows rendered beyond the viewport above and below, so a fast scroll does not show gaps. */
  overscanRows: number;
}

/** What to render: cells `first` … `last − 1`, the first of them at `offsetY`. */
export interface GridWindow {
  columns: number;
  /** Cell width once the row is filled, px. */
  cellWidth: number;
  /** Distance from one row's top to the next's, px (cell height + gap). */
  rowStride: number;
  /** Height of the whole grid, px (what the scrollbar spans). */
  totalHeight: number;
  first: number;
  /** One past the last cell to render. */
  last: number;
  /** Top of the first rendered row, px from the grid's top. */
  offsetY: number;
}

/** Columns that fit: at least one, however narrow the box (a phone in portrait). */
export function gridColumns(viewportWidth: number, minCellWidth: number, gap: number): number {
  return Math.max(1, Math.floor((viewportWidth + gap) / (minCellWidth + gap)));
}

/**
 * The rendered window for a scroll position. The DOM then holds at most
 * (visible rows + 2 · overscan + 1) · columns cells, whatever `count` is.
 */
export function gridWindow(g: GridGeometry): GridWindow {
  const columns = gridColumns(g.viewportWidth, g.minCellWidth, g.gap);
  const cellWidth = Math.max(1, (g.viewportWidth - g.gap * (columns - 1)) / columns);
  const rowStride = g.cellHeight + g.gap;
  const rows = Math.ceil(g.count / columns);
  const totalHeight = rows === 0 ? 0 : rows * rowStride - g.gap;
  // A scrollTop past the end (the list just got shorter) shows the last rows, not nothing.
  const maxTop = Math.max(0, totalHeight - g.viewportHeight);
  const top = Math.min(Math.max(0, g.scrollTop), maxTop);
  const firstRow = Math.max(0, Math.floor(top / rowStride) - g.overscanRows);
  const lastRow = Math.min(rows, Math.ceil((top + g.viewportHeight) / rowStride) + g.overscanRows);
  return {
    columns,
    cellWidth,
    rowStride,
    totalHeight,
    first: Math.min(g.count, firstRow * columns),
    last: Math.min(g.count, lastRow * columns),
    offsetY: firstRow * rowStride,
  };
}

/** Keys the grid moves by (a roving tabindex: the grid is one Tab stop). */
export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

/**
 * The cell a key moves to from `index`: left/right by one (across row ends, as reading goes),
 * up/down by a row, Page Up/Down by `pageRows` rows, Home/End to the first/last cell. Clamped to
 * the grid; undefined for other keys (so the caller leaves them alone).
 */
export function moveInGrid(index: number, key: string, columns: number, count: number, pageRows: number): number | undefined {
  if (count === 0) return undefined;
  const step: Record<GridKey, number> = {
    ArrowLeft: index - 1,
    ArrowRight: index + 1,
    ArrowUp: index - columns,
    ArrowDown: index + columns,
    PageUp: index - columns * Math.max(1, pageRows),
    PageDown: index + columns * Math.max(1, pageRows),
    Home: 0,
    End: count - 1,
  };
  if (!(key in step)) return undefined;
  const to = step[key as GridKey];
  // Up or down past the edge stays in the same column when that row exists, else clamps.
  if (to < 0) return key === 'ArrowUp' || key === 'PageUp' ? index % columns : 0;
  if (to >= count) return count - 1;
  return to;
}

/**
 * The scrollTop that brings cell `index` fully into view, moving as little as possible (the
 * current one when it already is).
 */
export function scrollToReveal(
  index: number,
  columns: number,
  rowStride: number,
  cellHeight: number,
  scrollTop: number,
  viewportHeight: number,
): number {
  const top = Math.floor(index / columns) * rowStride;
  const bottom = top + cellHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
