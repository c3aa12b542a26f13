/**
 * Errors that reach a person. Every message names what failed and why in words a user can act
 * on; `code` lets programs branch without parsing text.
 */
export type ErrorCode =
  | 'invalid-recipe'
  | 'unknown-op'
  | 'bad-param'
  | 'bad-input'
  | 'too-large'
  | 'decode-failed'
  | 'encode-failed'
  | 'worker-crashed'
  | 'cancelled'
  | 'not-isolated'
  | 'io-failed'
  /** A lazily loaded part (OpenCV.js, a model, a worker script…) could not be fetched: core/offline.ts. */
  | 'unavailable-offline'
  /** The page remembers a part that failed to load while offline; only a reload loads it now. */
  | 'reload-needed';

export class TesseraError extends Error {
  readonly code: ErrorCode;
  /** JSON-pointer-like path to the offending value, for recipe errors ("/steps/2/params/sigma"). */
  readonly path?: string;
  constructor(code: ErrorCode, message: string, path?: string) {
    super(message);
    this.name = 'TesseraError';
    this.code = code;
    this.path = path;
  }
}

export function isAbort(e: unknown): boolean {
  return (
    (e instanceof TesseraError && e.code === 'cancelled') ||
    (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError')
  );
}

export function cancelled(): TesseraError {
  return new TesseraError('cancelled', 'cancelled');
}

/**
 * A recorded failure (any thrown value, as caught) as an Error to throw again: an Error as it is
 * (the same object); anything else (a wasm exception, an OpenCV pointer) wrapped, with its text as
 * the message and the value itself as the cause.
 */
export function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(messageOf(e), { cause: e });
}

/** Text of any thrown value, without stack noise, for tables and summaries. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  // A C++ exception from wasm (a WebAssembly.Exception): Emscripten puts [type, what()] here.
  const m = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  if (typeof m === 'string') return m;
  if (Array.isArray(m) && typeof m[1] === 'string') return m[1].trim();
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** Thousands separators without locale surprises: 1204 -> "1,204". */
export function formatInt(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
