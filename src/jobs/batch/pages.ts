/**
 * The pages after the first of a multi-page TIFF written page by page (output `pages: 'all'`).
 * The first page goes the usual way (file.ts), and its result says how many pages the file has
 * (ProcessResult.pages); each later page is then a request of its own (ProcessRequest.page),
 * decoded alone in a worker — whole, or tiled when it is large — encoded and written before the
 * next one is read, so one page at a time is in memory whatever the page count. Each page is
 * named by FileName.claimPage in page order: at once for a template that needs no sizes (the
 * file's turn then passes to the next file quickly), else as each page's size is known.
 */
import { TesseraError, formatInt } from '../../core/errors';
import { kindFromName } from '../../core/sniff';
import type { OutputOptions } from '../../core/formats';
import { FORMATS } from '../../core/formats';
import type { FileResult } from '../types';
import { finishImage, processWhole, routeLarge } from './image-file';
import { claimMessage, type FileName, type NameClaim } from './naming';
import type { BatchSettings } from './settings';
import type { BatchTally } from './summary';
import { writeImage } from './write';

/** Whether this input's pages are written one file each: TIFF inputs, pages 'all', image files written one by one. */
export function writesPages(path: string, o: Pick<OutputOptions, 'pages' | 'images' | 'format'>): boolean {
  return o.pages === 'all' && o.images && !FORMATS[o.format].pyramid && kindFromName(path) === 'tiff';
}

/**
 * Pages 2…`pages` of the file, each appended to `result.pages` as it is written (or skipped: its
 * name exists, `existing: skip`). A page that fails fails the file with its page number; the
 * pages before it stay written (each is a whole file of its own).
 */
export async function writeLaterPages(
  path: string,
  blob: Blob,
  pages: number,
  name: FileName,
  s: BatchSettings,
  tally: BatchTally,
  result: FileResult,
): Promise<void> {
  const list = (result.pages ??= []);
  // Names that need no sizes are claimed now, all together, so later files need not wait for these pages.
  const early: NameClaim[] = [];
  if (!name.late) for (let k = 2; k <= pages; k++) early.push(await name.claimPage(k, pages));
  const lastModified = s.output.metadata !== 'strip' ? (blob as Partial<File>).lastModified : undefined;
  for (let k = 2; k <= pages; k++) {
    s.signal?.throwIfAborted();
    const pre: NameClaim | undefined = early[k - 2];
    if (pre?.action === 'skip') {
      list.push({ page: k, outputPath: pre.path, status: 'skipped', message: claimMessage(pre) });
      continue;
    }
    await writePage(k, pre);
  }

  /** Page `k` through the recipe and written; `pre` its name when claimed ahead (a write). */
  async function writePage(k: number, pre: NameClaim | undefined): Promise<void> {
    let done;
    try {
      done = await processPage(path, blob, k - 1, s, tally);
    } catch (e) {
      if (e instanceof Error) e.message = `page ${k} of ${pages}: ${e.message}`;
      throw e;
    }
    const claim = pre ?? (await name.claimPage(k, pages, done));
    const message = claimMessage(claim);
    if (claim.action === 'skip') {
      list.push({ page: k, outputPath: claim.path, status: 'skipped', message });
      return;
    }
    const w0 = performance.now();
    await writeImage(s.sink, claim.path, done.bytes, { signal: s.signal, lastModified });
    tally.wrote(w0);
    list.push({
      page: k,
      outputPath: claim.path,
      status: 'ok',
      width: done.width,
      height: done.height,
      bytesOut: done.bytes.length,
      ...(message ? { message } : {}),
    });
  }
}

/** The `page`-th page (0-based) through the recipe: whole in one worker, or tiled when too large for one. */
async function processPage(path: string, blob: Blob, page: number, s: BatchSettings, tally: BatchTally) {
  let res = await processWhole(path, blob, s, tally.breakdown, s.maxPixels, false, page);
  if (res.kind === 'needs-tiles') {
    const route = routeLarge(res, s);
    // Streaming reads a file's first page only (engine/stream-decode.ts).
    if (route.path === 'stream')
      throw new TesseraError(
        'too-large',
        `${formatInt(res.width)}×${formatInt(res.height)} pixels is more than a page after the first can take (only a first page is streamed)`,
      );
    if (route.path === 'whole') res = await processWhole(path, blob, s, tally.breakdown, Number.POSITIVE_INFINITY, false, page);
  }
  return finishImage(res, path, blob, s, tally.breakdown, page);
}
