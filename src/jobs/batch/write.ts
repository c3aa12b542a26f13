/**
 * Writing: an image's output, and its step reports beside it (detect-faces →
 * `<input path>.faces.json`: the last report of each kind, as JSON); a video's container (already
 * streamed into the sink, or written whole) and its analysis; the batch's faces table.
 */
import { facesCsv, type FacesReport } from '../../core/faces';
import { reportPath, type StepReport } from '../../core/reports';
import { analysisPath } from '../../core/video-options';
import type { OutputSink, OutputStream } from '../../io/sinks';
import { FACES_TABLE } from './naming';

const json = (data: unknown) => new TextEncoder().encode(JSON.stringify(data));

/** Writes an image's output, dated `lastModified` where the sink can. */
export async function writeImage(
  sink: OutputSink,
  out: string,
  bytes: Uint8Array,
  o: { signal?: AbortSignal; lastModified?: number },
): Promise<void> {
  await sink.write(out, bytes, o.signal, o.lastModified !== undefined ? { lastModified: o.lastModified } : undefined);
}

/**
 * Writes the last report of each kind beside the output, at `<input path>.<kind>.json`, adding
 * each path to `written` once it is written; `onFaces` gets the faces report first.
 */
export async function writeReports(
  sink: OutputSink,
  inputPath: string,
  reports: StepReport[],
  written: string[],
  o: { signal?: AbortSignal; onFaces?: (report: FacesReport) => void },
): Promise<void> {
  const byKind = new Map(reports.map((r) => [r.kind, r.data] as const));
  if (byKind.has('faces')) o.onFaces?.(byKind.get('faces') as FacesReport);
  for (const [kind, data] of byKind) {
    const path = reportPath(inputPath, kind);
    await sink.write(path, json(data), o.signal);
    written.push(path);
  }
}

/** Commits a streamed video, or writes the finished file; then its analysis. Returns the output's size. */
export async function writeVideo(
  sink: OutputSink,
  out: string,
  r: { stream?: OutputStream; bytes?: Uint8Array; analysis?: unknown },
  signal?: AbortSignal,
): Promise<number> {
  let size: number;
  if (r.stream) {
    await r.stream.commit();
    size = r.stream.size;
  } else {
    await sink.write(out, r.bytes!, signal);
    size = r.bytes!.length;
  }
  if (r.analysis) await sink.write(analysisPath(out), json(r.analysis), signal);
  return size;
}

/** All the batch's faces in one table beside the outputs (the per-file JSON has the same data); its path, when written. */
export async function writeFacesTable(
  sink: OutputSink,
  rows: { path: string; report: FacesReport }[],
  o: { enabled: boolean; signal?: AbortSignal },
): Promise<string | undefined> {
  if (!rows.length || o.signal?.aborted || !o.enabled) return undefined;
  await sink.write(FACES_TABLE, new TextEncoder().encode(facesCsv(rows)), o.signal);
  return FACES_TABLE;
}
