/**
 * Discovery: the input is listed ahead of the processing (handles and names only, no bytes), so
 * the total and the ETA are known early, while only a few files are in flight at once (memory does
 * not scale with the folder). Names that are neither images nor videos are skipped, counted and
 * listed with the reason (core/sniff.ts skipReason), so none vanishes unexplained.
 */
import { inputOfSidecar, parseReviewed, sidecarOf, type ReviewedFaces } from '../../core/reviewed-faces';
import { skipReason } from '../../core/sniff';
import type { InputFile, InputSource } from '../../io/sources';
import type { SkippedFile } from '../types';

export class InputListing {
  /** Images and videos listed so far. */
  found = 0;
  skipped = 0;
  /** The skipped files, in listing order, each with why. */
  readonly skippedFiles: SkippedFile[] = [];
  /** The listing ended (input exhausted, failed, or cancelled): `found` is final. */
  complete = false;
  /** The input's own failure (e.g. a folder that went away), raised after the listed files are done. */
  error: unknown;
  /** Resolves when the listing ends; never rejects. */
  readonly done: Promise<void>;
  /**
   * `<input>.faces.json` sidecars seen, by their input's path (core/reviewed-faces.ts): still
   * listed as skipped inputs, and a face step reads its photo's (reviewedFaces).
   */
  readonly sidecars = new Map<string, InputFile>();
  private listed: (InputFile | undefined)[] = [];
  private nextIndex = 0;
  private wake?: () => void;

  /** `onSkip`: called with each skipped file as it is listed. */
  constructor(
    input: InputSource,
    signal?: AbortSignal,
    private readonly onSkip?: (f: SkippedFile) => void,
  ) {
    this.done = this.list(input, signal);
  }

  /** The next listed file not yet taken (its slot is cleared, letting the handle go). */
  take(): InputFile | undefined {
    if (this.nextIndex >= this.listed.length) return undefined;
    const f = this.listed[this.nextIndex];
    this.listed[this.nextIndex++] = undefined;
    return f;
  }

  /** Resolves when another file is listed, or the listing ends. */
  async changed(): Promise<void> {
    await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
  }

  private async list(input: InputSource, signal?: AbortSignal): Promise<void> {
    try {
      for await (const f of input as AsyncIterable<InputFile>) {
        if (signal?.aborted) break;
        const owner = inputOfSidecar(f.path);
        if (owner !== undefined) this.sidecars.set(owner, f);
        const reason =
          owner !== undefined
            ? `the faces sidecar of ${owner} (a face step hides its boxes when it says reviewed: true)`
            : skipReason(f.path);
        if (reason !== undefined) {
          this.skipped++;
          const skipped = { path: f.path, reason };
          this.skippedFiles.push(skipped);
          this.onSkip?.(skipped);
        } else {
          this.listed.push(f);
          this.found++;
        }
        this.wake?.();
      }
    } catch (e) {
      this.error = e;
    } finally {
      this.complete = true;
      this.wake?.();
    }
  }
}

/**
 * The reviewed faces of the photo at `path`, when its `<path>.faces.json` is in the input and
 * says reviewed: true (waits for the listing to end: the sidecar may be listed after the photo).
 * A malformed sidecar fails the photo with a message naming it.
 */
export async function reviewedFaces(listing: InputListing, path: string): Promise<{ faces: ReviewedFaces; file: string } | undefined> {
  await listing.done;
  const f = listing.sidecars.get(path);
  if (!f) return undefined;
  const file = sidecarOf(path);
  const faces = parseReviewed(await (await f.file()).text(), file);
  return faces && { faces, file };
}
