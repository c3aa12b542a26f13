/**
 * Discovery: the input is listed ahead of the processing (handles and names only, no bytes), so
 * the total and the ETA are known early, while only a few files are in flight at once (memory does
 * not scale with the folder). Names that are neither images nor videos are skipped, counted and
 * listed with the reason (core/sniff.ts skipReason), so none vanishes unexplained.
 */
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
        const reason = skipReason(f.path);
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
