/**
 * runBatch: the batch use-case, and the typed API that the UI, the headless command and the
 * benchmarks all call. Files are discovered lazily, processed in parallel (large images split
 * into tiles across workers), and written as they finish; one file's failure never stops the
 * others. The parts, in src/jobs/batch/:
 *
 * - settings.ts    RunBatchOptions validated into the settings every part reads
 * - discovery.ts   the input listed ahead of the processing; non-media names skipped
 * - dispatch.ts    files started in order within two windows (computing, in flight)
 * - file.ts        one file start to finish, and its result
 * - image-file.ts  an image whole in one worker, its face passes shared out, tiled, or streamed
 * - video-file.ts  a video through jobs/video.ts, streamed into the sink where it can be
 * - variants-file.ts  an input with the recipe's variants: one decode, each variant finishing it
 * - naming.ts      output paths, kept distinct
 * - write.ts       outputs, step reports, video analyses, the faces table
 * - summary.ts     the tally: progress reports and the summary
 */
import { toError } from '../core/errors';
import type { BatchSummary } from './types';
import { InputListing, reviewedFaces } from './batch/discovery';
import { sidecarOf } from '../core/reviewed-faces';
import { isFaceStep } from '../core/catalogue/faces';
import { dispatchFiles, dispatchWindows } from './batch/dispatch';
import { processFile } from './batch/file';
import { processVariants } from './batch/variants-file';
import { FileName, OutputNamer } from './batch/naming';
import { parseNameTemplate } from '../core/name-template';
import { batchSettings, type RunBatchOptions } from './batch/settings';
import { BatchTally } from './batch/summary';
import { writeFacesTable } from './batch/write';

export { DEFAULT_MAX_PIXELS, DEFAULT_STREAM_PIXELS, DEFAULT_TILE_PIXELS, type RunBatchOptions } from './batch/settings';
export { FACES_TABLE } from './batch/naming';
export { emptyBreakdown } from './batch/summary';

export async function runBatch(opts: RunBatchOptions): Promise<BatchSummary> {
  const s = batchSettings(opts);
  const { pool, signal } = s;
  try {
    const t0 = performance.now();
    await pool.broadcast((api) =>
      api.start({ heif: [s.output, ...(s.variants ?? []).map((v) => v.settings.output)].some((o) => o.format === 'avif') }),
    );
    const startupSeconds = (performance.now() - t0) / 1000;

    const listing = new InputListing(opts.input, signal, opts.onSkip);
    // A face step hides a photo's reviewed boxes when the input holds its reviewed sidecar.
    const faceStep = [s.steps, ...(s.variants ?? []).map((v) => v.settings.steps)].some((st) => st.some((x) => isFaceStep(x.op)));
    if (faceStep) {
      s.reviewedFor = (path) => {
        const given = opts.reviewed?.(path);
        return given ? Promise.resolve({ faces: given, file: sidecarOf(path) }) : reviewedFaces(listing, path);
      };
      for (const v of s.variants ?? []) v.settings.reviewedFor = s.reviewedFor;
    }
    const variants = s.variants;
    const tally = new BatchTally(listing, opts.onProgress, opts.onResult, variants?.length ?? 1);
    const namer = new OutputNamer({
      template: parseNameTemplate(s.output.name),
      existing: s.output.existing,
      ask: opts.onExisting,
      format: s.output.format,
      container: s.video.container,
      animation: s.video.animation,
      sink: s.sink,
      recipe: s.recipeName,
    });
    let listed = 0;
    const running = await dispatchFiles(listing, dispatchWindows(pool.size), signal, (f, computed) => {
      // Read once, whether the name's {date} or the processing asks first.
      let blob: Promise<Blob> | undefined;
      const file = { path: f.path, file: () => (blob ??= f.file()) };
      const n = listed++;
      if (!variants) return processFile(file, new FileName(namer, n, f.path, file.file), computed, s, tally);
      // Each input claims one name per variant, in variant order; {n} stays the input's place.
      const names = variants.map((v, i) => new FileName(namer, n * variants.length + i, f.path, file.file, v.style, n + 1));
      return processVariants(file, names, computed, s, tally);
    });
    await listing.done;
    tally.progress();
    await Promise.all(running);
    if (listing.error) throw toError(listing.error);
    const facesTable = await writeFacesTable(s.sink, tally.facesRows, { enabled: opts.facesTable !== false, signal });
    return tally.summary({
      cancelled: !!signal?.aborted,
      workers: pool.size,
      startupSeconds,
      facesTable,
      pool: pool.metrics(),
      buffers: s.buffers.stats(),
    });
  } finally {
    s.streamWorkers.dispose();
    if (s.ownPool) pool.dispose();
  }
}
