/**
 * OpenCV.js, loaded lazily — only when a recipe step's engine is 'opencv' — and once per worker.
 * `await import('@techstark/opencv-js')` never settles on its own: the module object has a
 * `then` that returns itself, so awaiting it recurses forever. We import a small entry module
 * instead (whose namespace has no `then`), take the module from it, wait for the runtime, and
 * delete `then` before resolving. It is 10.9 MB, single-threaded, with no
 * finalizers: every Mat must be deleted (tracked in a Scope, core/scope.ts).
 */
import { lazyParts } from './lazy';

type OpenCvModule = typeof import('@techstark/opencv-js');
/**
 * The enum constants used here. They are numbers at run time, but @techstark/opencv-js types
 * their enums (BorderTypes, ColorConversionCodes, InterpolationFlags) as `any`.
 */
type EnumConstant =
  | 'BORDER_CONSTANT'
  | 'BORDER_DEFAULT'
  | 'BORDER_REPLICATE'
  | 'COLOR_RGB2GRAY'
  | 'COLOR_RGB2YCrCb'
  | 'COLOR_RGBA2GRAY'
  | 'COLOR_RGBA2RGB'
  | 'COLOR_YCrCb2RGB'
  | 'INTER_AREA'
  | 'INTER_LINEAR';
export type CV = Omit<OpenCvModule, EnumConstant> & { readonly [K in EnumConstant]: number };

let loading: Promise<{ cv: CV; ms: number }> | undefined;

/**
 * OpenCV.js, started once per thread. `usedBy` names what needs it ("Edge lines") for the message
 * when it cannot be fetched: "OpenCV (used by Edge lines) is not available offline yet: open
 * Tessera once online". A failed load is forgotten, so the next call tries again.
 */
export function loadOpenCV(usedBy?: string, timeoutMs = 60_000): Promise<{ cv: CV; ms: number }> {
  loading ??= (async () => {
    const t0 = performance.now();
    const what = usedBy ? `OpenCV (used by ${usedBy})` : 'OpenCV';
    const { openCvModule } = await lazyParts.load(what, () => import('./opencv-entry'));
    const cv = openCvModule() as CV & { then?: unknown; Mat?: unknown; onRuntimeInitialized?: () => void };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`OpenCV.js did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      if (typeof cv.Mat === 'function') done();
      else cv.onRuntimeInitialized = done;
    });
    delete cv.then;
    return { cv, ms: performance.now() - t0 };
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** OpenCV reports C++ exceptions as numbers (pointers); this turns them into their text. */
export function cvMessage(cv: CV, e: unknown): string {
  if (typeof e === 'number') {
    try {
      return (cv as unknown as { exceptionFromPtr(p: number): { msg: string } }).exceptionFromPtr(e).msg;
    } catch {
      return `OpenCV error ${e}`;
    }
  }
  return e instanceof Error ? e.message : String(e);
}
