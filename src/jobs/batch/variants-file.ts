/**
 * One input with the recipe's variants (core/variants.ts): decoded once and its shared steps run
 * once in one worker, which hands the frame back in shared memory; each variant then finishes it
 * with its own steps and output on any worker, side by side, and is named, written and reported as
 * its own output. Inputs that the shared frame cannot serve run each variant on its own, as a
 * whole batch file (decoding again): videos, files large enough to be probed, images that need
 * tiles, pyramid outputs, GIF and WebP inputs (which may be animations), and variants that
 * disagree on orientation or colour (the decode differs).
 */
import { isAbort, messageOf } from '../../core/errors';
import { FORMATS } from '../../core/formats';
import { isVideoName } from '../../core/sniff';
import type { FinishedResult } from '../../engine/api';
import type { InputFile } from '../../io/sources';
import { Priority } from '../../pool/pool';
import type { FileResult } from '../types';
import { processFile } from './file';
import { PROBE_BYTES, processWhole } from './image-file';
import { claimMessage, type FileName, type NameClaim } from './naming';
import type { BatchSettings, VariantRun } from './settings';
import type { BatchTally } from './summary';
import { writeImage, writeReports } from './write';

/** Whether the variants can share one decode of this input (see the module comment). */
function canShare(path: string, variants: readonly VariantRun[]): boolean {
  if (isVideoName(path)) return false;
  // A GIF or WebP may be an animation, which keeps every frame per variant (engine/animation.ts).
  if (/\.(gif|webp)$/i.test(path)) return false;
  const first = variants[0].settings.output;
  return variants.every(
    (v) =>
      !FORMATS[v.settings.output.format].pyramid &&
      v.settings.output.orientation === first.orientation &&
      v.settings.output.colour === first.colour &&
      // Every page of a multi-page TIFF: each variant runs alone, page by page (pages.ts).
      v.settings.output.pages !== 'all' &&
      v.settings.output.images,
  );
}

/** `names[i]`: variant i's output name. Never rejects. */
export async function processVariants(
  f: InputFile,
  names: readonly FileName[],
  computed: () => void,
  s: BatchSettings,
  tally: BatchTally,
): Promise<void> {
  const variants = s.variants!;
  // Each variant as a batch file of its own, one after another (each decodes the input).
  const alone = async () => {
    for (const [i, v] of variants.entries()) await processFile(f, names[i], () => {}, v.settings, tally);
  };
  try {
    if (!canShare(f.path, variants)) return await alone();
    const blob = await f.file();
    if (blob.size > PROBE_BYTES) return await alone();
    await shared(f.path, blob, names, s, variants, tally, alone, computed);
  } catch (e) {
    // Only reading the file can fail here (shared() records its own failures): every variant fails with it.
    const reason = messageOf(e);
    for (const v of variants) {
      const r: FileResult = { path: f.path, variant: v.name, sharedDecode: false, status: 'failed', ms: 0 };
      if (isAbort(e) || s.signal?.aborted) r.status = 'cancelled';
      else r.error = `${f.path}: ${reason}`;
      tally.started(f.path);
      tally.finished(r, r.error ? reason : '');
    }
  } finally {
    for (const n of names) n.pass();
    computed();
  }
}

async function shared(
  path: string,
  blob: Blob,
  names: readonly FileName[],
  s: BatchSettings,
  variants: readonly VariantRun[],
  tally: BatchTally,
  alone: () => Promise<void>,
  computed: () => void,
): Promise<void> {
  const t = performance.now();
  const results: FileResult[] = variants.map((v) => ({
    path,
    variant: v.name,
    sharedDecode: true,
    status: 'failed',
    ms: 0,
    bytesIn: blob.size,
  }));
  const reasons = variants.map(() => '');
  for (let i = 0; i < variants.length; i++) tally.started(path);
  const finish = (i: number) => {
    results[i].ms = performance.now() - t;
    tally.finished(results[i], reasons[i]);
  };
  const failed = (i: number, e: unknown) => {
    if (isAbort(e) || s.signal?.aborted) results[i].status = 'cancelled';
    else {
      reasons[i] = messageOf(e);
      results[i].error = `${path}: ${reasons[i]}`;
    }
  };
  const skipped = (i: number, c: Extract<NameClaim, { action: 'skip' }>) => {
    Object.assign(results[i], { status: 'skipped', outputPath: c.path, message: claimMessage(c) });
  };
  // Names first when none needs the output's size: variants whose file exists (skip) cost no work.
  let early: (NameClaim | undefined)[] = variants.map(() => undefined);
  try {
    if (!names.some((n) => n.late)) early = await Promise.all(names.map((n) => n.claim()));
    early.forEach((c, i) => c?.action === 'skip' && skipped(i, c));
    if (early.every((c) => c?.action === 'skip')) {
      results.forEach((_, i) => finish(i));
      return;
    }
    // The shared steps with the variants' common decode (orientation and colour agree: canShare).
    const res = await processWhole(path, blob, { ...s, output: variants[0].settings.output }, tally.breakdown, s.maxPixels, true);
    if (res.kind === 'needs-tiles') {
      // Too large for one worker (it needs tiles): each variant runs alone, tiled. Names already
      // claimed stay claimed (FileName.claim answers the same again).
      results.forEach(() => tally.left(path));
      computed();
      return await alone();
    }
    if (res.kind !== 'shared') throw new Error(`${path}: the shared frame did not come back (${res.kind})`);
    const { split } = res;
    if (split.reports.length) {
      // Written once for the input; every variant's result lists them.
      const written: string[] = [];
      for (const r of results) r.reports = written;
      await writeReports(s.sink, path, split.reports, written, {
        signal: s.signal,
        onFaces: (report) => {
          for (const r of results) r.faces = report.faces.length;
          tally.facesRows.push({ path, report });
        },
      });
    }
    let computing = variants.length;
    const oneComputed = () => --computing === 0 && computed();
    await Promise.all(
      variants.map(async (v, i) => {
        try {
          if (early[i]?.action === 'skip') return;
          let done: FinishedResult;
          try {
            done = await s.pool.run<FinishedResult>(
              (api) => api.finishImage({ split: { ...split, steps: v.ownSteps, reports: [] }, output: v.settings.output }),
              {
                cost: split.frame.width * split.frame.height * split.frame.channels * 3,
                signal: s.signal,
                priority: Priority.background,
                label: `${path} (${v.name})`,
              },
            );
          } finally {
            oneComputed();
          }
          if (done.kind !== 'done') throw new Error(`${path}: a raw frame came back for a ${v.settings.output.format} output`);
          const tm = done.timings;
          tally.breakdown.encode += tm.encodeMs;
          for (const st of tm.steps) tally.breakdown.steps[st.op] = (tally.breakdown.steps[st.op] ?? 0) + st.ms;
          Object.assign(results[i], { width: done.width, height: done.height, ...(done.fit ? { fit: done.fit } : {}) });
          const c = early[i] ?? (await names[i].claim(done));
          if (c.action === 'skip') return skipped(i, c);
          const message = claimMessage(c);
          if (message) results[i].message = message;
          if (c.renamedFrom) results[i].renamedFrom = c.renamedFrom;
          const w0 = performance.now();
          const lastModified = v.settings.output.metadata !== 'strip' ? (blob as Partial<File>).lastModified : undefined;
          await writeImage(s.sink, c.path, done.bytes, { signal: s.signal, lastModified });
          tally.wrote(w0);
          Object.assign(results[i], { outputPath: c.path, bytesOut: done.bytes.length, status: 'ok' });
        } catch (e) {
          failed(i, e);
        } finally {
          names[i].pass();
          finish(i);
        }
      }),
    );
  } catch (e) {
    // The shared part failed (reading, decoding, a shared step, the names): every variant with it.
    results.forEach((r, i) => {
      if (r.status !== 'skipped') failed(i, e);
      finish(i);
    });
  }
}
