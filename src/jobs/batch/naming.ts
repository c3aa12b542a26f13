/**
 * Output names: each input's output path from the naming template (core/name-template.ts), kept
 * distinct within the batch, and checked against what is already in the output (the `existing`
 * policy: rename, skip or overwrite). Names are given in listing order whatever order the files
 * finish in, so a rerun of the same batch names every output the same way.
 */
import { FORMATS, type OutputFormat } from '../../core/formats';
import { nameParts, renderName, withSuffix, type NameTemplate, type NameValues } from '../../core/name-template';
import { isVideoName } from '../../core/sniff';
import { VIDEO_CONTAINERS, type VideoContainer } from '../../core/video-options';
import { outputExists, type OutputSink } from '../../io/sinks';
import { captureDate } from './capture-date';

/** The batch-wide faces table, at the root of the output. */
export const FACES_TABLE = 'faces.csv';

/** The batch's outputs never take these names (its own table). */
const RESERVED = new Set([FACES_TABLE]);

/** What the output at a claimed name does. */
export type NameClaim =
  | { action: 'write'; path: string; /** The name the template gave, taken by a file already there. */ renamedFrom?: string }
  | { action: 'skip'; path: string };

export type ExistingPolicy = 'rename' | 'skip' | 'overwrite';

/** How one output is named: its template, format and variant (a recipe's variants each have their own). */
export interface NameStyle {
  template: NameTemplate;
  format: OutputFormat;
  variant?: string;
}

export interface NamerOptions {
  template: NameTemplate;
  existing: ExistingPolicy;
  /**
   * Asked at the first output that already exists (the studio's question); its answer replaces
   * `existing` for the rest of the batch. Without it, `existing` applies as it is.
   */
  ask?: (path: string) => Promise<ExistingPolicy>;
  format: OutputFormat;
  container: VideoContainer;
  /** A video written as an animated GIF or WebP (VideoOptions.animation) takes that extension. */
  animation?: 'off' | 'gif' | 'webp';
  sink: OutputSink;
  recipe?: string;
  variant?: string;
}

/**
 * What the file adds to the name once known: its output size and capture date, for one page of
 * a multi-page input written page by page which page of how many, and `ext` overriding the
 * extension (an animation written as a video).
 */
export type LateValues = Pick<NameValues, 'width' | 'height' | 'date' | 'page' | 'pages'> & { ext?: string };

/**
 * Gives every listed file its output name. `claim(index, …)` for the file listed `index`-th
 * (0-based) waits until every earlier file has claimed or passed, so collisions resolve in
 * listing order; every file must call `claim` or `pass` exactly once.
 */
export class OutputNamer {
  private used = new Set<string>();
  private next = 0;
  private waiting = new Map<number, () => void>();
  private finished = new Set<number>();
  private policy: ExistingPolicy | Promise<ExistingPolicy>;
  private asked = false;

  constructor(private readonly o: NamerOptions) {
    this.policy = o.existing;
  }

  /** The policy for a name that exists: the option, or the answer to the one question. */
  private async decide(path: string): Promise<ExistingPolicy> {
    if (this.o.ask && typeof this.policy === 'string' && !this.asked) {
      this.asked = true;
      this.policy = this.o.ask(path);
    }
    return this.policy;
  }

  /** The batch's one style (no variants). */
  get style(): NameStyle {
    return { template: this.o.template, format: this.o.format, variant: this.o.variant };
  }

  /** The extension the output gets, without its dot: the format's, the container's for videos. */
  private extension(inputPath: string, format: OutputFormat): string {
    if (!isVideoName(inputPath)) return FORMATS[format].extension.slice(1);
    const a = this.o.animation;
    return (a && a !== 'off' ? FORMATS[a].extension : VIDEO_CONTAINERS[this.o.container].extension).slice(1);
  }

  /**
   * The template's name for the file, before collisions. `n`: the file's place in the listing
   * from 1 ({n}), by default `index + 1` (with variants, an input claims several indices).
   */
  render(index: number, inputPath: string, late: LateValues = {}, style = this.style, n = index + 1): string {
    const { name, dir } = nameParts(inputPath);
    const { ext, ...rest } = late;
    return renderName(style.template, {
      name,
      dir,
      ext: ext ?? this.extension(inputPath, style.format),
      n,
      recipe: this.o.recipe,
      variant: style.variant,
      ...rest,
    });
  }

  /**
   * Waits for the file's turn, then gives it a name nobody in this batch has, and applies the
   * `existing` policy. `keepTurn`: the file has more names to claim (the next pages of a
   * multi-page input); later files wait until its last claim, or its `pass`.
   */
  async claim(
    index: number,
    inputPath: string,
    late?: LateValues,
    style = this.style,
    n = index + 1,
    keepTurn = false,
  ): Promise<NameClaim> {
    await this.turn(index);
    let ok = false;
    try {
      const wanted = this.render(index, inputPath, late, style, n);
      let path = this.distinct(inputPath, wanted);
      let renamedFrom: string | undefined;
      const check = this.o.ask !== undefined || this.o.existing !== 'overwrite';
      const policy = check && (await outputExists(this.o.sink, path)) ? await this.decide(path) : 'overwrite';
      if (policy !== 'overwrite') {
        if (policy === 'skip') {
          this.used.add(path.toLowerCase());
          ok = true;
          return { action: 'skip', path };
        }
        renamedFrom = path;
        let i = 1;
        do path = withSuffix(renamedFrom, `_${i++}`);
        while (this.used.has(path.toLowerCase()) || (await outputExists(this.o.sink, path)));
      }
      this.used.add(path.toLowerCase());
      ok = true;
      return renamedFrom ? { action: 'write', path, renamedFrom } : { action: 'write', path };
    } finally {
      if (!keepTurn || !ok) this.done(index);
    }
  }

  /** The file will not claim a name (it failed, or was cancelled, first): later files need not wait for it. */
  pass(index: number): void {
    if (index >= this.next && !this.finished.has(index)) this.done(index);
  }

  /**
   * "a.jpg" and "a.png" both becoming "a.webp": the second is "a_png.webp" (then "_2"…),
   * compared case-insensitively as some file systems do.
   */
  private distinct(inputPath: string, wanted: string): string {
    const taken = (p: string) => this.used.has(p.toLowerCase()) || RESERVED.has(p.toLowerCase());
    if (!taken(wanted)) return wanted;
    const srcExt = inputPath.slice(inputPath.lastIndexOf('.') + 1);
    let name = withSuffix(wanted, `_${srcExt}`);
    for (let i = 2; taken(name); i++) name = withSuffix(wanted, `_${srcExt}_${i}`);
    return name;
  }

  private turn(index: number): Promise<void> {
    if (index <= this.next) return Promise.resolve();
    return new Promise((resolve) => this.waiting.set(index, resolve));
  }

  private done(index: number): void {
    this.finished.add(index);
    while (this.finished.has(this.next)) {
      this.finished.delete(this.next);
      this.next++;
    }
    const wake = this.waiting.get(this.next);
    if (wake) {
      this.waiting.delete(this.next);
      wake();
    }
  }
}

/** "a.webp exists: written as a_1.webp" — what a file's result says about its name, if anything. */
export function claimMessage(c: NameClaim): string | undefined {
  if (c.action === 'skip') return `${c.path} already exists: left as it is, this file skipped (if a file exists: skip)`;
  return c.renamedFrom ? `${c.renamedFrom} already exists: written as ${c.path}` : undefined;
}

/**
 * One file's name: claimed once (before processing when the template can say it then, else
 * with the output's size), or passed so later files need not wait. Reads the capture date when
 * the template has {date}.
 */
export class FileName {
  private claimed?: Promise<NameClaim>;
  private readonly style: NameStyle;
  private date?: Promise<number | undefined>;
  /** Claimed some pages' names and holds the turn for the rest. */
  private holding = false;

  /**
   * `style` and `n` for a variant's output (an input with k variants claims k indices, one per
   * variant, and keeps its own place `n` in the listing); by default the batch's one style.
   */
  constructor(
    private readonly namer: OutputNamer,
    readonly index: number,
    private readonly inputPath: string,
    private readonly blob: () => Promise<Blob>,
    style?: NameStyle,
    private readonly n = index + 1,
  ) {
    this.style = style ?? namer.style;
  }

  /** The name needs the output's size ({width}, {height}). */
  get late(): boolean {
    return this.style.template.late;
  }

  claim(size: Pick<LateValues, 'width' | 'height' | 'ext'> = {}): Promise<NameClaim> {
    return (this.claimed ??= (async () =>
      this.namer.claim(this.index, this.inputPath, { ...size, date: await this.captureDate() }, this.style, this.n))());
  }

  /**
   * The name of page `page` (1-based) of `pages` of a multi-page input written page by page: call
   * in page order, once per page (or `pass` to give up the rest). The file keeps its turn from
   * the first page's claim to the last one's, so its pages' names come together in listing order.
   */
  async claimPage(page: number, pages: number, size: Pick<LateValues, 'width' | 'height'> = {}): Promise<NameClaim> {
    const date = await this.captureDate();
    const last = page >= pages;
    const c = await this.namer.claim(this.index, this.inputPath, { ...size, date, page, pages }, this.style, this.n, !last);
    this.holding = !last;
    this.claimed ??= Promise.resolve(c);
    return c;
  }

  /** The capture date when the template has {date} (read once). */
  private captureDate(): Promise<number | undefined> {
    return (this.date ??= (async () => {
      try {
        return this.style.template.usesDate ? await captureDate(await this.blob()) : undefined;
      } catch (e) {
        this.namer.pass(this.index); // the file fails with the reason; later files go on
        throw e;
      }
    })());
  }

  /** No name after all (failed, cancelled, nothing to write): a no-op once claimed, except to give up the pages left. */
  pass(): void {
    if (!this.claimed || this.holding) this.namer.pass(this.index);
    this.holding = false;
  }
}
