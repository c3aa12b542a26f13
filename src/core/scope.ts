/**
 * The one way Tessera frees what the garbage collector cannot: wasm objects (vips images, OpenCV
 * Mats, embind handles: `delete()`) and browser media objects (VideoFrame, ImageDecoder:
 * `close()`). Everything made in a block is tracked in a Scope, and the scope frees it all when
 * the block ends, however it ends:
 *
 * ```ts
 * return withScope((scope) => {
 *   const im = scope.track(vips.Image.newFromBuffer(bytes));
 *   return im.width;
 * });
 * ```
 *
 * Not `using` declarations: Vitest and the production build lower them for ES2022, but Vite's SSR
 * loader (scripts/eval-faces.mjs, the faces bench) hands them to Node 20/22 as they are, and
 * neither parses them.
 */

/** Anything with a manual lifetime. */
export type Freeable = { delete(): void } | { close(): void };

function free(x: Freeable): void {
  if ('delete' in x) x.delete();
  else x.close();
}

export class Scope {
  private owned: Freeable[] = [];

  /**
   * Registers `x` to be freed with the scope, and returns it. Tracking an object twice frees it
   * once (e.g. a conversion that returns its input unchanged). A plain function: pass it around
   * as `keep`.
   */
  readonly track = <T extends Freeable>(x: T): T => {
    if (!this.owned.includes(x)) this.owned.push(x);
    return x;
  };

  /** Frees `x` now, ahead of the rest (it must not be used again), e.g. to lower peak memory. */
  free(x: Freeable): void {
    const i = this.owned.indexOf(x);
    if (i >= 0) this.owned.splice(i, 1);
    free(x);
  }

  /**
   * Frees everything tracked, newest first. Every object is freed even if freeing another
   * throws; the first such error is rethrown afterwards. The scope can be used again after.
   */
  dispose(): void {
    const owned = this.owned;
    this.owned = [];
    let failed = false;
    let error: unknown;
    for (let i = owned.length - 1; i >= 0; i--) {
      try {
        free(owned[i]);
      } catch (e) {
        if (!failed) error = e;
        failed = true;
      }
    }
    if (failed) throw error;
  }
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';

/**
 * Runs `body` with a fresh Scope and frees everything it tracked when `body` ends — returns or
 * throws; for an async body, when its promise settles (not at its first await). If `body` failed,
 * its error is the one thrown, not a failure to free.
 */
export function withScope<T>(body: (scope: Scope) => T): T {
  const scope = new Scope();
  const quietly = () => {
    try {
      scope.dispose();
    } catch {
      // the body's own error says more
    }
  };
  let result: T;
  try {
    result = body(scope);
  } catch (e) {
    quietly();
    throw e;
  }
  if (!isThenable(result)) {
    scope.dispose();
    return result;
  }
  return result.then(
    (v) => {
      scope.dispose();
      return v;
    },
    (e: unknown) => {
      quietly();
      throw e;
    },
  ) as T;
}
