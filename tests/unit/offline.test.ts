import { describe, expect, test } from 'vitest';
import { TesseraError } from '../../src/core/errors';
import {
  LazyParts,
  OFFLINE_ADVICE,
  STALE_MODULES,
  cannotBeFetched,
  explainFetchFailure,
  isNotAvailableOffline,
  isStaleModules,
  notAvailableOffline,
  reachable,
  urlInMessage,
  workerScriptFailed,
} from '../../src/core/offline';

const typeError = (message: string) => new TypeError(message);
/** An error as it arrives from a worker through Comlink: a plain Error with the name copied over. */
const crossed = (name: string, message: string) => Object.assign(new Error(message), { name });
const URL_ = 'http://127.0.0.1:4173/assets/opencv-entry-D-cvmzk4.js';

describe('cannotBeFetched', () => {
  test.each([
    ['Chromium fetch', typeError('Failed to fetch')],
    ['Firefox fetch', typeError('NetworkError when attempting to fetch resource.')],
    ['Safari fetch', typeError('Load failed')],
    ['Chromium dynamic import', typeError(`Failed to fetch dynamically imported module: ${URL_}`)],
    ['Firefox dynamic import', typeError(`error loading dynamically imported module: ${URL_}`)],
    ['Safari dynamic import', typeError('Importing a module script failed.')],
    ['a dynamic import failure after Comlink', crossed('TypeError', `Failed to fetch dynamically imported module: ${URL_}`)],
    ['Vite CSS preload', new Error('Unable to preload CSS for /assets/x.css')],
    [
      "Emscripten's wasm, sync XHR fallback (a worker)",
      Object.assign(
        new Error(
          "Aborted(NetworkError: Failed to execute 'send' on 'XMLHttpRequest': Failed to load 'http://127.0.0.1:4173/assets/vips-3-VcN70V.wasm'.). Build with -sASSERTIONS for more info.",
        ),
        { name: 'RuntimeError' },
      ),
    ],
    ["Emscripten's wasm, thrown as a string", 'both async and sync fetching of the wasm failed'],
    [
      "Emscripten's abort quoting a fetch TypeError",
      new Error('Aborted(TypeError: Failed to fetch). Build with -sASSERTIONS for more info.'),
    ],
    ['a fetch failure as the cause', new Error('loading failed', { cause: typeError('Failed to fetch') })],
    ['one already worded', notAvailableOffline('OpenCV')],
    ['one already worded, after Comlink', crossed('TesseraError', `OpenCV ${OFFLINE_ADVICE}`)],
  ])('%s: yes', (_, e) => expect(cannotBeFetched(e)).toBe(true));

  test.each([
    ['a TypeError from a bug', typeError("Cannot read properties of undefined (reading 'Mat')")],
    ['a TypeError that merely mentions fetching', typeError('Failed to fetch the value of x: not a function')],
    [
      'an HTTP error status (the server answered)',
      new Error('face model /models/x.tflite: HTTP 404 (face models are provisioned by `npm install`)'),
    ],
    ["Emscripten's HTTP failure", new Error('404 : http://127.0.0.1/assets/vips.wasm')],
    [
      'a module the server answered with HTML',
      typeError(
        'Failed to load module script: Expected a JavaScript module script but the server responded with a MIME type of "text/html".',
      ),
    ],
    ['a decoding error', new TesseraError('decode-failed', 'x.jpg: not a complete JPEG file')],
    ['a cancellation', new DOMException('The operation was aborted.', 'AbortError')],
    ['a wasm trap', Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' })],
    ['an OpenCV pointer', 1234567],
    ['nothing', undefined],
    ['null', null],
  ])('%s: no', (_, e) => expect(cannotBeFetched(e)).toBe(false));

  test('a cause chain that loops ends', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(cannotBeFetched(a)).toBe(false);
  });
});

describe('the words', () => {
  test('notAvailableOffline says what and what to do, with a code and the original as cause', () => {
    const cause = typeError('Failed to fetch');
    const e = notAvailableOffline('OpenCV (used by Canny edges)', cause);
    expect(e).toBeInstanceOf(TesseraError);
    expect(e.message).toBe('OpenCV (used by Canny edges) is not available offline yet: open Tessera once online');
    expect(e.code).toBe('unavailable-offline');
    expect(e.cause).toBe(cause);
    expect(isNotAvailableOffline(e)).toBe(true);
    // After Comlink the code is gone; the text still says it.
    expect(isNotAvailableOffline(crossed('TesseraError', e.message))).toBe(true);
    expect(isNotAvailableOffline(new Error('x.jpg: not a JPEG'))).toBe(false);
    expect(isNotAvailableOffline(e.message)).toBe(false); // a string is not an error
  });

  test('explainFetchFailure words fetch failures only, and keeps a more precise wording', () => {
    const worded = explainFetchFailure('The face model x.tflite', typeError('Failed to fetch'));
    expect(messageOf(worded)).toBe(`The face model x.tflite ${OFFLINE_ADVICE}`);
    // An outer layer does not overwrite the inner, more precise one.
    expect(explainFetchFailure('OpenCV (used by Detect faces)', worded)).toBe(worded);
    const other = new Error('x.jpg: not a JPEG');
    expect(explainFetchFailure('wasm-vips', other)).toBe(other);
  });

  test('urlInMessage finds the URL a browser quotes', () => {
    expect(urlInMessage(typeError(`Failed to fetch dynamically imported module: ${URL_}`))).toBe(URL_);
    expect(urlInMessage(new Error("Failed to load 'http://h/assets/vips.wasm'.)"))).toBe('http://h/assets/vips.wasm');
    expect(urlInMessage(typeError('Importing a module script failed.'))).toBeUndefined();
  });

  test('workerScriptFailed: a plain Event is a script that did not load, an ErrorEvent an uncaught error', () => {
    expect(workerScriptFailed({})).toBe(true); // new Event('error') has no message
    expect(workerScriptFailed({ message: 'Uncaught Error: boom' })).toBe(false);
    expect(workerScriptFailed({ message: '' })).toBe(false); // an ErrorEvent without text (out of memory)
  });
});

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

describe('reachable', () => {
  test('any HTTP answer is reachable, a network TypeError is not; the body is not waited for', async () => {
    let signal: AbortSignal | undefined;
    const answered = ((_url: string, init?: RequestInit) => {
      signal = init?.signal ?? undefined;
      return Promise.resolve(new Response('', { status: 404 }));
    }) as typeof fetch;
    expect(await reachable('http://h/x.js', answered)).toBe(true);
    expect(signal?.aborted).toBe(true);
    const offline = (() => Promise.reject(typeError('Failed to fetch'))) as typeof fetch;
    expect(await reachable('http://h/x.js', offline)).toBe(false);
  });
});

describe('LazyParts', () => {
  /** A dynamic import as the browser does it: fails while offline, and for good once it failed (the module map). */
  function browserImport() {
    const state = { online: true, remembered: false, fetches: 0 };
    const load = () => {
      if (state.remembered) return Promise.reject(typeError(`Failed to fetch dynamically imported module: ${URL_}`));
      state.fetches++;
      if (!state.online) {
        state.remembered = true;
        return Promise.reject(typeError(`Failed to fetch dynamically imported module: ${URL_}`));
      }
      return Promise.resolve({ module: 'opencv' });
    };
    const probes: string[] = [];
    const probe = (url: string) => {
      probes.push(url);
      return Promise.resolve(state.online);
    };
    return { state, load, probe, probes };
  }

  test('online: the module, no probe', async () => {
    const b = browserImport();
    const parts = new LazyParts({ realm: 'worker', reachable: b.probe });
    await expect(parts.load('OpenCV', b.load)).resolves.toEqual({ module: 'opencv' });
    expect(b.probes).toEqual([]);
  });

  test('a worker: offline says so; once back online, the remembered failure asks for a fresh worker', async () => {
    const b = browserImport();
    const parts = new LazyParts({ realm: 'worker', reachable: b.probe });
    b.state.online = false;
    const first = parts.load('OpenCV (used by Canny edges)', b.load);
    await expect(first).rejects.toMatchObject({
      code: 'unavailable-offline',
      message: 'OpenCV (used by Canny edges) is not available offline yet: open Tessera once online',
    });
    expect(b.probes).toEqual([]); // nothing was remembered before the first failure: no need to ask
    // Still offline: the probe fails, the same words.
    await expect(parts.load('OpenCV (used by Canny edges)', b.load)).rejects.toMatchObject({ code: 'unavailable-offline' });
    expect(b.probes).toEqual([URL_]);
    // Back online: the import still fails (remembered), the probe gets through: replace the worker.
    b.state.online = true;
    const stale = await parts.load('OpenCV (used by Canny edges)', b.load).catch((e: unknown) => e);
    expect(isStaleModules(stale)).toBe(true);
    expect((stale as Error).name).toBe(STALE_MODULES);
    expect(messageOf(stale)).toMatch(/^OpenCV \(used by Canny edges\) failed to load earlier in this worker/);
    // Neither a fetch failure nor worded as offline: nothing rewords it on the way.
    expect(cannotBeFetched(stale)).toBe(false);
    expect(explainFetchFailure('OpenCV', stale)).toBe(stale);
    // A fresh worker (a new realm) loads it.
    const fresh = browserImport();
    await expect(new LazyParts({ realm: 'worker', reachable: fresh.probe }).load('OpenCV', fresh.load)).resolves.toEqual({
      module: 'opencv',
    });
  });

  test('the page: once back online, the remembered failure says to reload', async () => {
    const b = browserImport();
    const parts = new LazyParts({ realm: 'page', reachable: b.probe });
    b.state.online = false;
    await expect(parts.load('Video support (mediabunny)', b.load)).rejects.toMatchObject({ code: 'unavailable-offline' });
    b.state.online = true;
    await expect(parts.load('Video support (mediabunny)', b.load)).rejects.toMatchObject({
      code: 'reload-needed',
      message:
        'Video support (mediabunny) could not be loaded while the network was away, and this page keeps that failure: reload Tessera to load it',
    });
  });

  test('a browser that does not remember failures: the retry simply works', async () => {
    let online = false;
    const load = () =>
      online ? Promise.resolve(42) : Promise.reject(typeError('Failed to fetch dynamically imported module: http://h/a.js'));
    const parts = new LazyParts({ realm: 'worker', reachable: () => Promise.resolve(online) });
    await expect(parts.load('A', load)).rejects.toMatchObject({ code: 'unavailable-offline' });
    online = true;
    await expect(parts.load('A', load)).resolves.toBe(42);
  });

  test('failures are the realm’s: a second part failing after the first is checked too, against its own URL or the first’s', async () => {
    const probes: string[] = [];
    const parts = new LazyParts({
      realm: 'worker',
      reachable: (url) => {
        probes.push(url);
        return Promise.resolve(false);
      },
      fallbackUrl: () => 'http://h/worker.js',
    });
    await expect(
      parts.load('A', () => Promise.reject(typeError('Failed to fetch dynamically imported module: http://h/a.js'))),
    ).rejects.toThrow(OFFLINE_ADVICE);
    await expect(parts.load('B', () => Promise.reject(typeError('Importing a module script failed.')))).rejects.toThrow(
      `B ${OFFLINE_ADVICE}`,
    );
    expect(probes).toEqual(['http://h/a.js']);
  });

  test('other failures pass through unchanged and do not count', async () => {
    const probes: string[] = [];
    const parts = new LazyParts({ realm: 'worker', reachable: (u) => Promise.resolve(probes.push(u) > 0) });
    const bug = new TypeError('x is not a function');
    await expect(parts.load('A', () => Promise.reject(bug))).rejects.toBe(bug);
    await expect(parts.load('A', () => Promise.reject(typeError('Failed to fetch')))).rejects.toMatchObject({
      code: 'unavailable-offline',
    });
    expect(probes).toEqual([]);
  });
});
