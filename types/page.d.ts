// Globals of the app's page: the API the page itself exposes (src/main.ts), and what the Node
// scripts, benches and browser tests put on `window` from page.evaluate (and read back later).
// Seen by the whole program (tsconfig.json): src, tests, scripts and bench.

type TesseraApi = typeof import('../src/api');
type EnginePool = import('../src/pool/engine-pool').EnginePool;
type BufferPool = import('../src/core/buffer-pool').BufferPool;

interface Window {
  /** The programmatic API (src/api.ts), set by src/main.ts. */
  tessera: TesseraApi;

  // ---- the batch command (scripts/batch.mjs, scripts/lib/cdp.mjs)
  /** The engine pool, started while the recipe is checked and the folder listed. */
  __tesseraPool?: EnginePool;
  /** Each engine's start-up in seconds, once every engine has started. */
  __tesseraEngines?: Promise<number[]>;
  /** Cancels the running batch (Ctrl-C in the terminal). */
  __tesseraBatchAbort?: () => void;
  /** CDP bindings (Runtime.addBinding): page → command messages, JSON strings. */
  __tesseraBatchProgress?: (payload: string) => void;
  __tesseraBatchFailed?: (payload: string) => void;
  /** Settles when the file input handed files by DOM.setFileInputFiles has them. */
  __tesseraInputDone?: Promise<void>;

  // ---- browser tests and benches
  /** Videos made or loaded in the page, by name (tests/browser/video-fixtures.mjs). */
  __videos?: Record<string, Blob>;
  /** Group photos made in the page (tests/browser/face-fixtures.mjs makeGroupPhoto). */
  groupPhoto?: Blob;
  benchGroup?: Blob;
  /** Engine pools and buffer pools kept between page.evaluate calls. */
  __pool?: EnginePool;
  __buffers?: BufferPool;
  __camPool?: EnginePool;
  __yuvPool?: EnginePool;
  /** The bar-code sampler of tests/browser/video-fixtures.mjs (SAMPLER), defined in the page. */
  __sampler?: (rgba: Uint8Array | Uint8ClampedArray, w: number, h: number) => { index: number; red: number[]; inverted: boolean };
  /** tests/browser/video-preview.test.mjs: SAMPLER's reading plus an FNV hash of the RGB bytes. */
  __hashSampler?: (
    rgba: Uint8Array | Uint8ClampedArray,
    w: number,
    h: number,
  ) => { hash: number; read: { index: number; red: number[]; inverted: boolean } };
  /** The frame maker a video-yuv test defined in the page. */
  __yuvMake?: () => VideoFrame;
  __benchPool?: EnginePool;
  __benchBuffers?: BufferPool;
  __panPool?: EnginePool;
  __panBuffers?: BufferPool;
  /** The remembered-folder test's stubbed permission calls (tests/browser/remember.test.mjs), with the user activation at each. */
  __permissionRequests?: { mode?: string; name: string; active: boolean }[];
  /** What that stub's requestPermission answers (default 'granted'). */
  __permissionAnswer?: PermissionState;
  /** The first-run test's stubbed folder picker: each call's mode and user activation (tests/browser/first-run.test.mjs). */
  __pickerCalls?: { mode?: string; active: boolean }[];
  /** Calls to that test's stubbed navigator.storage.persist. */
  __persistCalls?: number;
  /** Progress of the seed benchmark, exposed by Node (bench/run.mjs, page.exposeFunction). */
  __benchProgress?: (p: import('../bench/page.mjs').BenchProgress) => void;
}

/** The app's elements that the tests look up in the page (tessera-studio is declared in src/ui/studio.ts). */
interface HTMLElementTagNameMap {
  'camera-panel': import('../src/ui/camera-panel').CameraPanel;
  'preview-panel': import('../src/ui/preview-panel').PreviewPanel;
  'recipe-editor': import('../src/ui/recipe-editor').RecipeEditor;
  'compare-view': import('../src/ui/compare-view').CompareView;
  'benchmark-panel': import('../src/ui/benchmark-panel').BenchmarkPanel;
  'output-options': import('../src/ui/output-options').OutputOptionsPanel;
}
