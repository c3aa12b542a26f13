/** Types of the operation catalogue (see index.ts for the table and its conventions). */

/**
 * Shown in the editor only while another parameter has one of the given values (as strings:
 * a boolean parameter's are "true" and "false").
 */
export interface ParamCondition {
  param: string;
  in: readonly string[];
}

export interface ParamBase {
  label: string;
  help?: string;
  visibleWhen?: ParamCondition;
}

export type ParamSpec = ParamBase &
  (
    | { type: 'number'; min: number; max: number; default: number; step?: number; unit?: string }
    | { type: 'integer'; min: number; max: number; default: number; unit?: string }
    | { type: 'boolean'; default: boolean }
    /** `optionLabels`: the words the studio shows for some values (the value itself otherwise). */
    | { type: 'enum'; options: readonly string[]; default: string; optionLabels?: Readonly<Record<string, string>> }
    /** "#rrggbb" */
    | { type: 'color'; default: string }
    /**
     * A line of text (a naming template, a watermark's words), at most `maxLength` characters;
     * `valueName` is the word `--help` shows for it ("--name TEMPLATE").
     */
    | {
        type: 'text';
        default: string;
        maxLength: number;
        valueName?: string;
        /** Throws (a TesseraError naming `path`) when a value breaks the text's syntax (regions' JSON); the validator calls it. */
        check?: (value: string, path: string) => void;
      }
    /**
     * An image file the person picks (a watermark's logo). The value is the file's name as the
     * recipe refers to it: in recipe JSON a path relative to the recipe file (`npm run batch`), in
     * the studio the picked file's name; '' = none yet. The bytes never travel in the recipe: the
     * jobs layer shares them with every worker once (pool/assets.ts), and the engine reads them by
     * that name (engine/assets.ts).
     */
    | { type: 'image'; default: ''; valueName?: string }
  );

export type ParamValue = number | boolean | string;
export type Params = Record<string, ParamValue>;

/** The value a spec describes: number/integer → number, boolean → boolean, enum → its options' union, color → string. */
export type ParamValueOf<S> = S extends { type: 'number' | 'integer' }
  ? number
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'enum'; options: readonly (infer O)[] }
      ? O
      : S extends { type: 'color' | 'text' | 'image' }
        ? string
        : never;

/** Validated params of a spec table: every parameter present, typed from its spec. */
export type ParamsOf<P> = { -readonly [K in keyof P]: ParamValueOf<P[K]> };

/** Which runtime computes the op: Tessera's own exact kernels, wasm-vips, or OpenCV.js. */
export type EngineName = 'kernel' | 'vips' | 'opencv';

/**
 * 'point': output pixel depends on the same input pixel (halo 0).
 * 'local': depends on a neighbourhood of radius `halo` — tileable.
 * 'global': depends on the whole image, or changes its size (resize, rotate, equalisation,
 * Canny's hysteresis) — never tiled; the whole image goes to one worker.
 */
export type Locality = 'point' | 'local' | 'global';

/** Groups for the editor's "add step" menu. */
export type Category = 'tone' | 'filter' | 'cv' | 'transform' | 'overlay';

/**
 * One catalogue entry. `P` (the params' specs), `N` (the name) and `E` (the engine) keep their
 * literal types in entries made with defineOp, so the params an engine function or `halo`
 * receives are typed from the specs (ParamsOf<P>); the defaults describe any entry.
 */
export interface OperationSpec<
  P extends Record<string, ParamSpec> = Record<string, ParamSpec>,
  N extends string = string,
  E extends EngineName = EngineName,
> {
  name: N;
  /** What the studio calls it: plain words ("Edge lines", not "Canny"). */
  label: string;
  /** One plain line saying what it does to a picture, shown under the step in the studio. */
  description: string;
  /**
   * The technical name people may know it by ("Canny edge detector (OpenCV)"), shown with the
   * exact definition; absent when the label already is that name.
   */
  aka?: string;
  category: Category;
  /**
   * The kind of report the step hands over besides its pixels (ctx.report: 'faces'), which a batch
   * writes beside the output (`<input path>.<kind>.json`); absent for steps that report nothing.
   */
  reports?: string;
  /**
   * The step only reports: its picture out is its picture in (Find faces). A recipe of such steps
   * alone is run for its reports, so the studio turns "Write images" off for it
   * (core/write-images.ts) rather than write a re-encoded copy of every photo.
   */
  reportOnly?: true;
  /**
   * 'decode': when the step leads the recipe, the decoder performs it (EXIF auto-orient while
   * decoding; thumbnail with shrink-on-load). Elsewhere it runs as an ordinary frame operation.
   */
  stage?: 'decode';
  params: P;
  engine: E;
  locality: Locality;
  /** Kernel radius in pixels for the given (validated, defaulted) params. */
  halo(params: ParamsOf<P>): number;
  /** Channels out for channels in (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). Size changes are the op's own business (global ops only). */
  outChannels(inChannels: number): number;
  /** Exact definition, including kernel radius and rounding, for people checking results. */
  definition: string;
  /**
   * Each colour plane is computed on its own, nothing shared between planes, size unchanged: run
   * on R, G and B as three gray frames it gives the same bytes as on RGB (video frames then skip
   * the RGBA round trip; tests/unit/catalogue-contract.test.ts holds every such entry to it).
   */
  planeWise?: true;
  /**
   * The output also depends on where each pixel lies in the whole image (a watermark's place):
   * the engine function reads `ctx.placement`, so every path that runs the step on a part of an
   * image (a tile, a streamed strip, the preview's region) must pass that part's Placement
   * (runSteps' `placement` option). Without one the frame is taken as the whole image.
   */
  positional?: true;
}

/** A catalogue entry with its name, engine and param specs kept literal (see OperationSpec). */
export function defineOp<const P extends Record<string, ParamSpec>, const N extends string, const E extends EngineName>(
  op: OperationSpec<P, N, E>,
): OperationSpec<P, N, E> {
  return op;
}

export function defaultParams<P extends Record<string, ParamSpec>>(op: OperationSpec<P, string>): ParamsOf<P> {
  const out: Params = {};
  for (const [k, spec] of Object.entries(op.params)) out[k] = spec.default;
  return out as ParamsOf<P>;
}
