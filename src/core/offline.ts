/**
 * Parts of the app that load lazily — OpenCV.js, mediabunny's video chunks, wasm-vips' wasm and its
 * HEIF side module, the face models, the worker scripts themselves — and what to say when one
 * cannot be fetched (the network went away after the page loaded, before they were cached):
 * "OpenCV (used by Edge lines) is not available offline yet: open Tessera once online", never the
 * browser's "Failed to fetch dynamically imported module …".
 *
 * Pure: the classification reads only the thrown value's name, message and cause (errors that
 * crossed a worker boundary through Comlink keep only name and message); the one check that needs
 * the network, `reachable`, takes its fetch as a parameter.
 */
import { messageOf, TesseraError } from './errors';

/** The end of every "cannot be fetched" message (also how one is recognised after Comlink dropped its code). */
export const OFFLINE_ADVICE = 'is not available offline yet: open Tessera once online';

/**
 * What a fetch that never reached a server says, as a TypeError: Chromium, Firefox, Safari, and
 * React Native-style polyfills. A TypeError with any other text is a bug, not the network.
 */
const FETCH_TYPE_ERROR =
  /^(?:TypeError: )?(?:Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed|Network request failed|The network connection was lost\.?)$/i;

/**
 * Texts that say a script or module could not be fetched, whatever the error's name: dynamic
 * import (Chromium, Firefox, Safari), Vite's CSS preload, Emscripten's wasm loading (its
 * synchronous XHR fallback, or both attempts), and any of the fetch texts above quoted inside
 * another message (Emscripten's `Aborted(TypeError: Failed to fetch)`).
 */
const FETCH_FAILED_TEXT = new RegExp(
  [
    'Failed to fetch dynamically imported module',
    'error loading dynamically imported module',
    'Importing a module script failed',
    'Unable to preload CSS for',
    'both async and sync fetching of the wasm failed',
    "Failed to execute 'send' on 'XMLHttpRequest': Failed to load",
    'TypeError: (?:Failed to fetch|NetworkError when attempting to fetch resource|Load failed)',
  ].join('|'),
  'i',
);

/** A thrown value's name, message and cause, whatever it is (Error, wasm exception, string). */
function parts(e: unknown): { name: string; message: string; cause: unknown } {
  const o = typeof e === 'object' && e !== null ? (e as { name?: unknown; cause?: unknown }) : {};
  return { name: typeof o.name === 'string' ? o.name : '', message: messageOf(e), cause: o.cause };
}

/**
 * Whether `e` says that something could not be fetched — the network, not the server or the code:
 * a fetch or dynamic import that failed with the browser's network TypeError, a worker script
 * that failed to load, Emscripten failing to fetch its wasm. An HTTP error status (404, 500) is
 * not one: the server answered. Follows `cause` (errors wrapped by toError).
 */
export function cannotBeFetched(e: unknown): boolean {
  for (let cur = e, depth = 0; cur !== undefined && cur !== null && depth < 8; depth++) {
    const { name, message, cause } = parts(cur);
    if (isNotAvailableOffline(cur)) return true;
    if ((name === 'TypeError' || name === 'NetworkError') && FETCH_TYPE_ERROR.test(message)) return true;
    if (FETCH_FAILED_TEXT.test(message)) return true;
    cur = cause;
  }
  return false;
}

/** "`what` is not available offline yet: open Tessera once online", code 'unavailable-offline', the original as its cause. */
export function notAvailableOffline(what: string, cause?: unknown): TesseraError {
  const err = new TesseraError('unavailable-offline', `${what} ${OFFLINE_ADVICE}`);
  if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
  return err;
}

/** Whether `e` is (or, after crossing a worker boundary, reads as) a notAvailableOffline error. */
export function isNotAvailableOffline(e: unknown): boolean {
  if (e instanceof TesseraError && e.code === 'unavailable-offline') return true;
  return typeof e === 'object' && e !== null && messageOf(e).includes(OFFLINE_ADVICE);
}

/**
 * `e` in words when it says `what` could not be fetched (notAvailableOffline), otherwise `e`
 * itself. One already worded (a model file inside OpenCV's step) keeps its own, more precise `what`.
 */
export function explainFetchFailure(what: string, e: unknown): unknown {
  if (isNotAvailableOffline(e) || !cannotBeFetched(e)) return e;
  return notAvailableOffline(what, e);
}

/**
 * A worker's `error` event: a plain Event (no `message`) when its script, or a module it imports,
 * could not be loaded; an ErrorEvent (a `message`, possibly empty) for an uncaught error while it
 * ran. Takes the event as a plain object so it is testable without a DOM.
 */
export function workerScriptFailed(event: { readonly message?: unknown }): boolean {
  return typeof event.message !== 'string';
}

/** The name of the error a worker throws when its module map keeps a failed import (see LazyParts). */
export const STALE_MODULES = 'StaleModulesError';

/** Whether `e` (by name: Comlink keeps it) asks for the worker to be replaced, see LazyParts. */
export function isStaleModules(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === STALE_MODULES;
}

/** The first URL quoted in an error's text ("… module: http://…/opencv-entry-X.js"), if any. */
export function urlInMessage(e: unknown): string | undefined {
  return /\b(?:https?|file):\/\/[^\s'"`)]+[^\s'"`).,;]/.exec(messageOf(e))?.[0];
}

/**
 * Whether `url` can be fetched now (any HTTP answer counts: the server was reached). Only the
 * headers are waited for; the body is abandoned.
 */
export async function reachable(url: string, fetchFn: typeof fetch = globalThis.fetch): Promise<boolean> {
  const ac = new AbortController();
  try {
    await fetchFn(url, { signal: ac.signal });
    return true;
  } catch {
    return false;
  } finally {
    ac.abort();
  }
}

export interface LazyPartsOptions {
  /**
   * 'worker': a worker can be replaced, so a module failure it remembers throws a STALE_MODULES
   * error (the pool replaces the worker and runs the task again on a fresh one). 'page': the
   * page cannot, so the message says to reload.
   */
  realm: 'worker' | 'page';
  /** Whether a URL can be fetched now (default: `reachable`). */
  reachable?: (url: string) => Promise<boolean>;
  /** What to probe when the failure quoted no URL (default: this script's location). */
  fallbackUrl?: () => string | undefined;
}

/**
 * The lazily loaded parts of one realm (a worker or the page), and their failures.
 *
 * Browsers remember a module that failed to fetch for the life of the realm (Chromium 156 here:
 * importing it again fails at once, without a request, even once the network is back; modules
 * it would have imported, preloaded beside it, likewise). Resetting a memoized promise is not
 * enough, so after a first failure every later one is checked against the network: still
 * unreachable — not available offline; reachable — the realm's memory, and then a worker asks to
 * be replaced while the page asks to be reloaded. The first failure needs no check: nothing was
 * remembered before it. The failures are the realm's, not one part's: a chunk that failed while
 * one part loaded poisons another part that shares it.
 */
export class LazyParts {
  private failedUrls: string[] = [];
  private failedBefore = false;

  constructor(private readonly opts: LazyPartsOptions) {}

  /**
   * Runs `load` (a dynamic import); if it cannot be fetched, throws notAvailableOffline(what)
   * or, when the realm remembers an earlier failure while the network is back, a STALE_MODULES
   * error (worker) or a "reload Tessera" TesseraError (page). Other failures pass unchanged.
   */
  async load<T>(what: string, load: () => Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (e) {
      if (!cannotBeFetched(e)) throw e;
      const url = urlInMessage(e);
      if (this.failedBefore) {
        const probe = url ?? this.failedUrls[0] ?? this.opts.fallbackUrl?.() ?? globalThis.location?.href;
        if (probe && (await (this.opts.reachable ?? reachable)(probe))) throw this.remembered(what);
      }
      this.failedBefore = true;
      if (url && !this.failedUrls.includes(url)) this.failedUrls.push(url);
      throw explainFetchFailure(what, e);
    }
  }

  private remembered(what: string): Error {
    if (this.opts.realm === 'page') {
      return new TesseraError(
        'reload-needed',
        `${what} could not be loaded while the network was away, and this page keeps that failure: reload Tessera to load it`,
      );
    }
    // No cause: its text would read as "cannot be fetched" again (cannotBeFetched follows causes).
    const err = new Error(`${what} failed to load earlier in this worker, which keeps that failure: the worker is to be replaced`);
    err.name = STALE_MODULES;
    return err;
  }
}
