/**
 * Output formats and their options, validated once so engines can trust them. A recipe may carry
 * its own `output` (presets like "Web export" do); the batch's choice overrides field by field.
 */
import { DZI_OVERLAP, DZI_TILE_SIZE } from './dzi';
import { TesseraError } from './errors';
import { DEFAULT_NAME_TEMPLATE, NAME_TOKENS, parseNameTemplate } from './name-template';
import { checkFields, defineOptions, readOptions, type OptionValues } from './options';

export interface FormatInfo {
  label: string;
  extension: string;
  mime: string;
  lossy: boolean;
  /** Whether the format can store an alpha channel (JPEG cannot: always flattened). */
  alpha: boolean;
  /**
   * A tile pyramid: a descriptor at the output path and a folder of tiles beside it, written by
   * the jobs layer from the result's raw pixels (jobs/dzi-writer.ts), never encoded as one file.
   */
  pyramid?: true;
  /** Stores an animation: an animated input keeps every frame (core/animation.ts); other formats get its first frame. */
  animated?: true;
}

/**
 * The output formats. A new one needs an entry here, its place in the options' `appliesTo`
 * below, and its case in engine/codec.ts encode() (a compile error until added). DZI's tiles
 * are encoded as JPEG or PNG (pyramidTileOptions).
 */
const FORMAT_TABLE = {
  png: { label: 'PNG', extension: '.png', mime: 'image/png', lossy: false, alpha: true },
  jpeg: { label: 'JPEG', extension: '.jpg', mime: 'image/jpeg', lossy: true, alpha: false },
  webp: { label: 'WebP', extension: '.webp', mime: 'image/webp', lossy: true, alpha: true, animated: true },
  avif: { label: 'AVIF', extension: '.avif', mime: 'image/avif', lossy: true, alpha: true },
  tiff: { label: 'TIFF', extension: '.tif', mime: 'image/tiff', lossy: false, alpha: true },
  gif: { label: 'GIF', extension: '.gif', mime: 'image/gif', lossy: true, alpha: true, animated: true },
  dzi: { label: 'Deep Zoom (DZI)', extension: '.dzi', mime: 'application/xml', lossy: true, alpha: true, pyramid: true },
} satisfies Record<string, FormatInfo>;

export type OutputFormat = keyof typeof FORMAT_TABLE;

/** The formats written as one encoded file (all but the pyramids). */
export type FileFormat = { [K in OutputFormat]: (typeof FORMAT_TABLE)[K] extends { pyramid: true } ? never : K }[OutputFormat];

export const FORMATS: Readonly<Record<OutputFormat, FormatInfo>> = FORMAT_TABLE;

const FORMAT_NAMES = Object.keys(FORMAT_TABLE) as OutputFormat[];

const PALETTE = { param: 'palette', in: ['true'] } as const;
const FLATTENED = { param: 'alpha', in: ['flatten'] } as const;
const JPEG_TILES = { param: 'tileFormat', in: ['jpeg'] } as const;
const PNG_TILES = { param: 'tileFormat', in: ['png'] } as const;

/**
 * Every output option, once: its type and range, default (per format where they differ), the
 * formats it applies to, label and help. Encoding honours every field (engine/codec.ts), the
 * validator checks against these, the panel and `npm run batch` flags/--help are built from them.
 */
export const OUTPUT_OPTIONS = defineOptions<OutputFormat>()({
  format: {
    type: 'enum',
    label: 'Format',
    options: FORMAT_NAMES,
    default: 'png',
    noun: 'output format',
    optionLabels: Object.fromEntries(FORMAT_NAMES.map((f) => [f, FORMATS[f].label])),
    aliases: { jpg: 'jpeg', tif: 'tiff' },
    help: 'Image output format (and file extension). Deep Zoom writes <name>.dzi and a <name>_files folder of tiles for zoomable viewers.',
  },
  /**
   * Off for a recipe run for its reports alone (Find faces' boxes): the engine then encodes nothing
   * and the batch writes only the reports (core/recipe.ts checkWritesSomething refuses a recipe
   * that has none). Videos are outputs of their own and are still written.
   */
  images: {
    type: 'boolean',
    label: 'Write images',
    default: true,
    help: "Off: no image files are written, only the steps' reports (Find faces: <photo>.faces.json and faces.csv), when you want the face boxes rather than copies of the photos. Videos are still written.",
  },
  /**
   * Photos whose camera stored them sideways (EXIF orientation 2–8) are turned upright as they are
   * decoded, before every step, in the preview and the batch alike (core/output-geometry.ts
   * orientedSteps). 'keep' writes the pixels as stored (a recipe's own Turn upright step still turns them).
   */
  orientation: {
    type: 'enum',
    label: 'Orientation',
    options: ['upright', 'keep'],
    default: 'upright',
    optionLabels: { upright: 'Upright, as shot', keep: 'As stored in the file' },
    help: "upright: photos a camera or phone stored sideways (EXIF orientation) are turned the way they were taken, before the recipe's steps, and their EXIF then says upright. keep: the pixels as stored in the file, sideways or not.",
  },
  /**
   * Multi-page TIFF inputs (scans, faxes, exported documents): the first page, as every other
   * reader shows it, or each page through the recipe as its own output, named with {page}
   * (core/name-template.ts: "-{page}" before the extension when the template has none). Pages
   * are decoded one at a time (jobs/batch/pages.ts), never all at once.
   */
  pages: {
    type: 'enum',
    label: 'Pages',
    options: ['first', 'all'],
    default: 'first',
    optionLabels: { first: 'First page', all: 'Every page, one file each' },
    // A Deep Zoom pyramid is a folder of its own per input: its first page.
    appliesTo: { png: true, jpeg: true, webp: true, avif: true, tiff: true, gif: true },
    help: 'Multi-page TIFF inputs: first writes the first page; all writes every page through the recipe as its own file, name-1, name-2 … (or where the name template puts {page}). Other inputs have one page.',
  },
  tileFormat: {
    type: 'enum',
    label: 'Tile format',
    options: ['jpeg', 'png'],
    default: 'jpeg',
    optionLabels: { jpeg: 'JPEG', png: 'PNG' },
    aliases: { jpg: 'jpeg' },
    appliesTo: { dzi: true },
    help: "The pyramid's tiles: JPEG (at the Quality) or PNG (lossless, keeps alpha).",
  },
  tileSize: {
    type: 'integer',
    label: 'Tile size',
    min: 64,
    max: 4096,
    default: DZI_TILE_SIZE,
    unit: 'px',
    appliesTo: { dzi: true },
    help: "Pixels per tile side before the overlap (Deep Zoom's default 254: 256-pixel tiles with overlap 1).",
  },
  /** At most 32 < the smallest tile size, so no cross-field rule is needed: a tile always has pixels of its own. */
  overlap: {
    type: 'integer',
    label: 'Tile overlap',
    min: 0,
    max: 32,
    default: DZI_OVERLAP,
    unit: 'px',
    appliesTo: { dzi: true },
    help: 'Pixels each tile repeats of its neighbours on every inner side (so viewers can blend seams).',
  },
  quality: {
    type: 'integer',
    label: 'Quality',
    min: 1,
    max: 100,
    default: 85,
    formatDefaults: { png: 100, webp: 80, avif: 60, tiff: 90, gif: 100 },
    appliesTo: { jpeg: true, webp: true, avif: true, png: PALETTE, tiff: { param: 'tiffCompression', in: ['jpeg'] }, dzi: JPEG_TILES },
    help: 'Lossy quality 1–100 (PNG: of the palette quantisation; TIFF: of its JPEG compression; DZI: of JPEG tiles).',
  },
  compression: {
    type: 'integer',
    label: 'Compression',
    min: 0,
    max: 9,
    default: 6,
    formatDefaults: { png: 1, dzi: 1 },
    appliesTo: { png: true, tiff: { param: 'tiffCompression', in: ['deflate'] }, dzi: PNG_TILES },
    help: "PNG (and DZI's PNG tiles): 1 is Tessera's fast encoder (run-length deflate, several times faster than zlib 6 and smaller on photographs), 0 and 2–9 zlib levels (0 stored, 9 smallest). TIFF deflate: 0 uncompressed, 1–9 the level.",
  },
  tiffCompression: {
    type: 'enum',
    label: 'TIFF compression',
    options: ['deflate', 'lzw', 'jpeg'],
    default: 'deflate',
    appliesTo: { tiff: true },
    help: 'deflate (at the Compression level; 0 stores uncompressed), LZW, or lossy JPEG (at the Quality). TIFFs of 16 MP or more are tiled 256×256, and BigTIFF above 3.5 GB.',
  },
  progressive: {
    type: 'boolean',
    label: 'Progressive / interlaced',
    default: false,
    appliesTo: { jpeg: true, png: true, gif: true },
    help: 'Progressive JPEG, interlaced PNG or GIF.',
  },
  subsampling: {
    type: 'enum',
    label: 'Chroma subsampling',
    options: ['auto', '4:2:0', '4:4:4'],
    default: 'auto',
    appliesTo: { jpeg: true, avif: { param: 'lossless', in: ['false'] }, dzi: JPEG_TILES },
    help: 'auto lets the encoder choose by quality.',
  },
  palette: {
    type: 'boolean',
    label: '8-bit palette',
    default: false,
    appliesTo: { png: true },
    help: 'Quantise to an 8-bit palette: smaller files, lossy. (GIF is always palettised.)',
  },
  lossless: {
    type: 'boolean',
    label: 'Lossless',
    default: false,
    appliesTo: { webp: true, avif: true },
    help: 'Lossless WebP or AVIF.',
  },
  /**
   * Defaults differ by format because the encoders' costs differ by orders of magnitude in wasm:
   * AVIF at effort 4 took 2.7 s per 0.75 MP (effort 2: 0.46 s), palette quantisation 1.3–2.6 s at
   * libimagequant's default; WebP's 6 maps to libwebp's own default method 4.
   */
  effort: {
    type: 'integer',
    label: 'Effort',
    min: 0,
    max: 9,
    default: 4,
    formatDefaults: { png: 2, webp: 6, avif: 2, gif: 2 },
    appliesTo: { webp: true, avif: true, gif: true, png: PALETTE },
    help: "Encoder effort 0 (fastest) – 9 (smallest), scaled to each encoder's own range (PNG: of the palette quantisation).",
  },
  metadata: {
    type: 'enum',
    label: 'Metadata',
    options: ['keep', 'no-location', 'strip'],
    default: 'keep',
    optionLabels: { keep: 'Keep', 'no-location': 'Keep, without location', strip: 'Strip' },
    appliesTo: { png: true, jpeg: true, webp: true, avif: true, tiff: true },
    help: "keep: the input's EXIF, ICC profile and XMP (TIFF: ICC, XMP and the orientation); no-location: the same without GPS (EXIF) and place names (XMP), keeping capture date, camera and copyright; strip: none. GIF stores none.",
  },
  colour: {
    type: 'enum',
    label: 'Colour',
    options: ['srgb', 'keep'],
    default: 'srgb',
    optionLabels: { srgb: 'Convert to sRGB', keep: "Keep the input's profile" },
    help: 'srgb: a photo tagged with another RGB profile (Adobe RGB, Display P3, ProPhoto…) is converted to sRGB with an ICC transform and tagged sRGB, so it looks the same everywhere, profile or not (metadata strip included); keep: its values and profile as they are (stripping metadata then loses the profile: colours shift). CMYK and 16-bit inputs become 8-bit sRGB either way.',
  },
  copyright: {
    type: 'text',
    label: 'Copyright',
    default: '',
    maxLength: 200,
    appliesTo: { png: true, jpeg: true, webp: true, avif: true },
    help: 'Written as the EXIF Copyright of every output (with any metadata setting, strip included). EXIF text is ASCII: "©" is written "(C)".',
  },
  artist: {
    type: 'text',
    label: 'Artist',
    default: '',
    maxLength: 200,
    appliesTo: { png: true, jpeg: true, webp: true, avif: true },
    help: 'Written as the EXIF Artist (the photographer) of every output, with any metadata setting.',
  },
  alpha: {
    type: 'enum',
    label: 'Alpha',
    options: ['keep', 'flatten'],
    default: 'keep',
    appliesTo: { png: true, webp: true, avif: true, tiff: true, gif: true, dzi: PNG_TILES },
    help: 'Keep an alpha channel (GIF: as 1-bit transparency) or flatten it onto the background. JPEG (and JPEG tiles) always flattens.',
  },
  background: {
    type: 'color',
    label: 'Background',
    default: '#ffffff',
    // DZI: JPEG tiles always flatten; one condition cannot also say "or PNG tiles flattened".
    appliesTo: { jpeg: true, png: FLATTENED, webp: FLATTENED, avif: FLATTENED, tiff: FLATTENED, gif: FLATTENED, dzi: true },
    help: 'The colour transparent pixels are flattened onto.',
  },
  maxBytes: {
    type: 'integer',
    label: 'At most',
    min: 1000,
    max: 2_000_000_000,
    optional: true,
    unset: 'no limit',
    unit: 'bytes',
    display: { scale: 1000, unit: 'KB' },
    appliesTo: { jpeg: true, webp: true, avif: true, png: true, tiff: true, gif: true },
    help: 'Each file at most this size: the best quality that fits is found by a few trial encodes (JPEG, lossy WebP and AVIF); a file that cannot fit fails with its smallest size, unless Shrink to fit allows a smaller image.',
  },
  shrinkToFit: {
    type: 'boolean',
    label: 'Shrink to fit',
    default: false,
    appliesTo: { jpeg: true, webp: true, avif: true, png: true, tiff: true, gif: true },
    help: 'With a size limit: when even the lowest quality is too big, write a smaller image (scaled down until it fits) instead of failing the file.',
  },
  name: {
    type: 'text',
    label: 'File names',
    default: DEFAULT_NAME_TEMPLATE,
    maxLength: 200,
    valueName: 'TEMPLATE',
    check: (v, path) => void parseNameTemplate(v, path),
    help: `Where each output goes and what it is called, from tokens: ${Object.keys(NAME_TOKENS)
      .map((t) => `{${t}}`)
      .join(' ')}. For example {dir}/{name}-{width}w.{ext} or {date:YYYY-MM-DD}/{n:4}.{ext}. Without {ext}, the extension is added.`,
  },
  existing: {
    type: 'enum',
    label: 'If a file exists',
    options: ['rename', 'skip', 'overwrite'],
    default: 'rename',
    optionLabels: { rename: 'Keep it, add _1 to the new name', skip: 'Keep it, skip this file', overwrite: 'Replace it' },
    help: 'What happens when the output folder already has a file of that name: rename writes the new one as name_1 (reported), skip leaves it and does not process the input again (so a rerun finishes an interrupted batch), overwrite replaces it.',
  },
});

/** Validated output options: every field present, typed from OUTPUT_OPTIONS. */
export type OutputOptions = OptionValues<typeof OUTPUT_OPTIONS>;

function bad(path: string, message: string): never {
  throw new TesseraError('invalid-recipe', `${path}: ${message}`, path);
}

/**
 * Validates output options (from a recipe's "output", the UI or the command line); unknown
 * fields and bad values are rejected with their path. Missing fields take defaults, per format
 * where they differ.
 */
export function validateOutput(raw: unknown, path = '/output'): OutputOptions {
  if (raw === undefined) raw = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad(path, 'must be an object like {"format": "webp", "quality": 82}');
  const r = raw as Record<string, unknown>;
  checkFields(OUTPUT_OPTIONS, r, path, 'output has');
  // The format first: the other defaults depend on it.
  const { format } = readOptions({ format: OUTPUT_OPTIONS.format }, r, path);
  return readOptions(OUTPUT_OPTIONS, r, path, format);
}

/**
 * The options for another format: fields whose defaults differ by format (quality, effort,
 * compression) take the new format's, the rest are kept (the panel's format menu).
 */
export function withFormat(o: OutputOptions, format: OutputFormat): OutputOptions {
  const next: Record<string, unknown> = { ...o, format };
  for (const [k, spec] of Object.entries(OUTPUT_OPTIONS)) if ('formatDefaults' in spec) delete next[k];
  return validateOutput(next);
}

/** Shorthand used by the command line and tests: format, quality, PNG compression. */
export function outputOptions(format: string = 'png', quality?: number, compression?: number): OutputOptions {
  const raw: Record<string, unknown> = { format };
  if (compression !== undefined) raw.compression = compression;
  if (quality !== undefined) raw.quality = quality;
  return validateOutput(raw, '/output');
}

/**
 * The options every tile of a pyramid output is encoded with: its tile format at the output's
 * quality (JPEG) or compression (PNG), alpha kept or flattened as chosen, and no metadata — a
 * thousand tiles each carrying the photo's EXIF would only be larger.
 */
export function pyramidTileOptions(o: OutputOptions): OutputOptions {
  const { quality, compression, subsampling, alpha, background } = o;
  return validateOutput({ format: o.tileFormat, quality, compression, subsampling, alpha, background, metadata: 'strip' });
}

/** "holiday/IMG_001.JPG" + webp -> "holiday/IMG_001.webp": same folder, same base name. */
export function outputPath(inputPath: string, format: OutputFormat): string {
  const slash = inputPath.lastIndexOf('/');
  const dot = inputPath.lastIndexOf('.');
  const base = dot > slash + 1 ? inputPath.slice(0, dot) : inputPath;
  return base + FORMATS[format].extension;
}
