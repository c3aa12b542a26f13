/**
 * One file of a batch, start to finish: read, processed (an image whole / shared out / tiled /
 * streamed, or a video), written (one file, or a DZI pyramid's tiles and descriptor), and its
 * result recorded — ok, failed with a reason, or cancelled. One file's failure never stops the
 * others.
 */
import { isAbort, messageOf } from '../../core/errors';
import { FORMATS, type OutputFormat } from '../../core/formats';
import type { StepReport } from '../../core/reports';
import { sidecarOf } from '../../core/reviewed-faces';
import { isVideoName } from '../../core/sniff';
import { writeLaterPages, writesPages } from './pages';
import type { InputFile } from '../../io/sources';
import type { FileResult } from '../types';
import { openOutputStream } from '../../io/sinks';
import { PROBE_BYTES, finishImage, probeFile, processWhole, routeLarge, streamImage, type WholeResult } from './image-file';
import { pyramidSummary, pyramidWriter, writePyramidImage } from './pyramid-file';
import type { BatchSettings } from './settings';
import type { BatchTally } from './summary';
import { claimMessage, type FileName, type NameClaim } from './naming';
import { processVideoFile } from './video-file';
import { pageParts, VIDEO_PART } from '../lazy';
import { writeImage, writeReports } from './write';
import { animatedNote, firstFrameNote } from '../../core/animation';
import type { AnimationSummary } from '../../engine/api';

/** What a file's result says about an animated input's frames. */
function animationMessage(a: AnimationSummary, format: OutputFormat): string {
  return a.animated ? animatedNote(a.frames, FORMATS[format].label) : firstFrameNote(a.frames, FORMATS[format].label);
}

/** Inputs that may be animations (an animated GIF or WebP). */
const MAYBE_ANIMATED = /\.(gif|webp)$/i;

/**
 * An animated GIF/WebP written as a video (`--animations-as-video`): true when it was (or was
 * skipped by its name), false for a still, which goes on as an image.
 */
async function animationAsVideo(
  path: string,
  blob: Blob,
  claim: (size: { width: number; height: number; ext: string }) => Promise<string | false>,
  result: FileResult,
  s: BatchSettings,
  tally: BatchTally,
  computed: () => void,
): Promise<boolean> {
  const { animationToVideo, animationVideoNote } = await pageParts.load(VIDEO_PART, () => import('../video/animation-video'));
  const v = await animationToVideo({
    name: path,
    file: blob,
    steps: s.steps,
    output: s.output,
    video: s.video,
    pool: s.pool,
    signal: s.signal,
  });
  if (!v) return false;
  const tm = v.timings;
  tally.breakdown.decode += tm.decodeMs;
  for (const st of tm.steps) tally.breakdown.steps[st.op] = (tally.breakdown.steps[st.op] ?? 0) + st.ms;
  computed();
  Object.assign(result, { width: v.width, height: v.height });
  const out = await claim({ width: v.width, height: v.height, ext: v.extension.slice(1) });
  if (out === false) return true;
  const w0 = performance.now();
  await writeImage(s.sink, out, v.bytes, { signal: s.signal });
  tally.wrote(w0);
  Object.assign(result, {
    outputPath: out,
    bytesOut: v.bytes.length,
    animation: { frames: v.frames, animated: true },
    video: {
      frames: v.frames,
      seconds: v.seconds,
      fps: v.fps,
      container: v.container,
      codec: v.codec,
      inputCodec: path.slice(path.lastIndexOf('.') + 1).toLowerCase(),
      audio: { status: 'none' },
      videoFramesOpen: v.videoFramesOpen,
      streamed: false,
      warnings: v.warnings,
    },
    status: 'ok',
  } satisfies Partial<FileResult>);
  note(result, [animationVideoNote(v), ...v.warnings].join('; '));
  return true;
}

/** Adds a sentence to the file's result message (a rename may have said something already). */
function note(result: FileResult, text: string): void {
  result.message = result.message ? `${result.message}; ${text}` : text;
}

/**
 * `computed`: see StartFile (dispatch.ts). `name` gives the output its name — before the work when
 * the template can say it then (so `existing: skip` skips the work too), else once the output's
 * size is known. Never rejects.
 */
export async function processFile(f: InputFile, name: FileName, computed: () => void, s: BatchSettings, tally: BatchTally): Promise<void> {
  const t = performance.now();
  const result: FileResult = {
    path: f.path,
    ...(s.variant !== undefined ? { variant: s.variant, sharedDecode: false } : {}),
    status: 'failed',
    ms: 0,
  };
  let reason = '';
  tally.started(f.path);
  // A multi-page TIFF written page by page: named once its page count is known (first decode).
  const pageWise = writesPages(f.path, s.output);
  let pages = 1;
  /** The output's name (the first page's); false when the file is skipped (it exists, `existing: skip`). */
  const claim = async (size?: { width: number; height: number; ext?: string }): Promise<string | false> => {
    const c: NameClaim = pages > 1 ? await name.claimPage(1, pages, size) : await name.claim(size);
    const message = claimMessage(c);
    if (message) result.message = message;
    if (c.action === 'write' && c.renamedFrom) result.renamedFrom = c.renamedFrom;
    if (c.action === 'skip') {
      result.status = 'skipped';
      result.outputPath = c.path;
      return false;
    }
    return c.path;
  };
  try {
    const video = isVideoName(f.path);
    // Reports only (no image written): nothing to name; a video is written all the same.
    const named = video || s.output.images;
    // A GIF/WebP that may be an animation written as a video: named once that is known (its extension).
    const asVideo = !video && s.video.animationsAsVideo && MAYBE_ANIMATED.test(f.path);
    const early = named && !name.late && !asVideo && !pageWise ? await claim() : undefined;
    if (early === false) return;
    const blob = await f.file();
    result.bytesIn = blob.size;
    if (asVideo && (await animationAsVideo(f.path, blob, claim, result, s, tally, computed))) return;
    if (video) {
      // (A video counts as computing until it is written: `computed` only in the finally.)
      const v = await processVideoFile(f.path, blob, early ?? ((size) => claim(size)), s, tally);
      if (!v) return; // skipped once its size was known
      Object.assign(result, {
        width: v.width,
        height: v.height,
        video: v.video,
        outputPath: v.out,
        bytesOut: v.bytesOut,
        ...(v.reports ? { reports: v.reports } : {}),
        status: 'ok',
      });
      // What the video lost on the way (audio dropped, an odd side cropped): said in the results.
      if (v.video.warnings.length) note(result, v.video.warnings.join('; '));
      return;
    }
    // Giant files are probed first, so nothing reads them whole before their route is known.
    let header = blob.size > PROBE_BYTES ? await probeFile(f.path, blob, s) : undefined;
    let route = header ? routeLarge({ ...header, orientation: header.source.orientation }, s) : undefined;
    let res: WholeResult | undefined;
    if (route?.path !== 'stream') {
      // 'whole' after a probe or a 'needs-tiles': the route has checked what fits one worker.
      res = await processWhole(f.path, blob, s, tally.breakdown, route?.path === 'whole' ? Number.POSITIVE_INFINITY : s.maxPixels);
      if (res.kind === 'needs-tiles') {
        header ??= await probeFile(f.path, blob, s);
        route = routeLarge({ ...header, orientation: header.source.orientation }, s);
        if (route.path === 'whole') res = await processWhole(f.path, blob, s, tally.breakdown, Number.POSITIVE_INFINITY);
      }
    }
    if (pageWise) pages = res?.pages ?? header?.pages ?? 1;
    /** The first page written (or skipped): the others, one at a time, then the file is done. */
    const laterPages = async () => {
      if (pages > 1) await writeLaterPages(f.path, blob, pages, name, s, tally, result);
      // The first page's output was there already (`existing: skip`), but later ones were written.
      if (result.status === 'skipped' && result.pages?.some((p) => p.status === 'ok')) result.status = 'ok';
      computed();
    };
    if (route?.path === 'stream' && header && FORMATS[s.output.format].pyramid) {
      result.width = header.width;
      result.height = header.height;
      const out = early ?? (await claim(header));
      if (out === false) return;
      // The pyramid is written as the rows leave the workers; a failure takes its files back.
      const writer = pyramidWriter(out, f.path, s);
      try {
        const streamed = await streamImage(f.path, blob, header, route, { consumer: writer }, s, tally.breakdown);
        computed();
        Object.assign(result, { strips: streamed.strips, bytesOut: streamed.bytes });
      } catch (e) {
        await writer.abort();
        throw e;
      }
      const st = writer.stats;
      result.pyramid = pyramidSummary(out, header.width, header.height, st, s);
      tally.wrote(performance.now(), st.writeMs);
      Object.assign(result, { outputPath: out, status: 'ok' });
      return;
    }
    if (route?.path === 'stream' && header) {
      result.width = header.width;
      result.height = header.height;
      const out = early ?? (await claim(header));
      if (out === false) return laterPages();
      const stream = await openOutputStream(s.sink, out, s.signal);
      let streamed;
      try {
        streamed = await streamImage(f.path, blob, header, route, { stream }, s, tally.breakdown);
        if (pages <= 1) computed();
        // The file was written as it was encoded; what is left is making it visible.
        const w0 = performance.now();
        await stream.commit();
        tally.wrote(w0);
      } catch (e) {
        await stream.abort();
        throw e;
      }
      Object.assign(result, { strips: streamed.strips, outputPath: out, bytesOut: streamed.bytes });
      await laterPages();
      result.status = 'ok';
      return;
    }
    if (!res) throw new Error(`${f.path}: no route`);
    result.width = res.width;
    result.height = res.height;
    const out = early ?? (named ? await claim(res) : '');
    if (out === false) return laterPages();
    let reports: StepReport[] | undefined;
    let w0: number;
    // A pyramid's tiles were written while it was computed: their writing time joins the breakdown's.
    let tileWriteMs = 0;
    if (FORMATS[s.output.format].pyramid && s.output.images) {
      // (Its tiles are encoded on the workers as it is written: it counts as computing until then.)
      const p = await writePyramidImage(res, out, f.path, blob, s, tally.breakdown);
      if (p.processingTiles !== undefined) result.tiles = p.processingTiles;
      Object.assign(result, { pyramid: p.pyramid, bytesOut: p.bytes });
      reports = p.reports;
      tileWriteMs = p.writeMs;
      w0 = performance.now();
    } else {
      const done = await finishImage(res, f.path, blob, s, tally.breakdown);
      if (done.tiles !== undefined) result.tiles = done.tiles;
      if (done.animation) {
        result.animation = done.animation;
        note(result, animationMessage(done.animation, s.output.format));
      }
      if (done.fit) {
        // Shrunk to fit: the size written.
        result.fit = done.fit;
        result.width = done.width;
        result.height = done.height;
      }
      if (pages <= 1) computed();
      w0 = performance.now();
      if (s.output.images) {
        // With metadata kept, the output also keeps the input's modified date where the sink can.
        const lastModified = s.output.metadata !== 'strip' ? (blob as Partial<File>).lastModified : undefined;
        await writeImage(s.sink, out, done.bytes, { signal: s.signal, lastModified });
        result.bytesOut = done.bytes.length;
      }
      reports = done.reports;
    }
    if (reports?.length && s.writeReports)
      await writeReports(s.sink, f.path, reports, (result.reports = []), {
        signal: s.signal,
        onFaces: (report) => {
          result.faces = report.faces.length;
          if (report.reviewed) {
            result.reviewedFaces = sidecarOf(f.path);
            note(result, `the reviewed boxes of ${result.reviewedFaces} were used (${report.faces.length}), no detection`);
          }
          tally.facesRows.push({ path: f.path, report });
        },
      });
    tally.wrote(w0, tileWriteMs + performance.now() - w0);
    // Reports only: no image was written, so there is no output path (the reports are listed).
    if (s.output.images) result.outputPath = out;
    await laterPages();
    result.status = 'ok';
  } catch (e) {
    if (isAbort(e) || s.signal?.aborted) {
      result.status = 'cancelled';
    } else {
      reason = messageOf(e);
      result.error = `${f.path}: ${reason}`;
    }
  } finally {
    name.pass();
    computed();
    result.ms = performance.now() - t;
    tally.finished(result, reason);
  }
}
