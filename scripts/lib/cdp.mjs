// A small Chrome DevTools Protocol driver for the headless batch command: it launches Debian's
// Chromium (or $CHROMIUM_PATH) with a DevTools pipe and speaks only the few domains the command
// needs (Target, Page, Runtime, DOM). Playwright, which the tests and benches use, enables the
// Network domain on every page, and Chromium then mirrors every WebSocket frame's payload to it:
// with the outputs travelling over a WebSocket that cost ~4 ms of Node CPU per output plus the
// browser's serialisation (bench: 100 outputs of 130 KB → 13 MB of payload text). Nothing here
// enables Network, so the outputs cross no debugger.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { parseJson } from './json.mjs';

/**
 * The protocol's commands and events, as Playwright's bundled types describe them.
 * @typedef {import('playwright-core/types/protocol').Protocol.CommandParameters} Commands
 * @typedef {import('playwright-core/types/protocol').Protocol.CommandReturnValues} Results
 * @typedef {import('playwright-core/types/protocol').Protocol.Events} Events
 */

/**
 * A connection to the browser or to one of its tabs.
 * @typedef {{
 *   send<M extends keyof Commands>(method: M, params?: Commands[M]): Promise<Results[M]>,
 *   on<E extends keyof Events>(event: E, cb: (params: Events[E]) => void): void,
 * }} Session
 */

/**
 * What the browser sends down the pipe: a reply to command `id` (its result or error), or an event
 * (method, params; sessionId when a tab's).
 * @typedef {{ id?: number, result?: unknown, error?: { message: string }, method?: string, params?: unknown, sessionId?: string }} Message
 */

/**
 * Chromium with a DevTools pipe (fds 3 and 4: commands in, replies and events out, NUL-separated).
 * @param {{ extraArgs?: string[] }} [opts]
 */
export async function launchChromium({ extraArgs = [] } = {}) {
  const executable = chromiumPath();
  if (!executable) throw new Error("No Chromium found: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.");
  const dir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  // Its own process group (like Playwright's launcher), so a Ctrl-C in the terminal reaches only the
  // command, which then cancels the batch and closes Chromium itself. Chromium also exits when the
  // pipe closes, should the command die.
  const child = spawn(
    executable,
    ['--headless', ...CHROMIUM_ARGS, `--user-data-dir=${dir}`, '--remote-debugging-pipe', ...extraArgs, 'about:blank'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  // stderr and fds 3 and 4 are pipes (stdio above); Node's types cannot tell from the array.
  const errors = /** @type {import('node:stream').Readable} */ (child.stderr);
  let stderr = '';
  errors.on('data', (d) => {
    if (stderr.length < 4000) stderr += d;
  });
  const toBrowser = /** @type {import('node:stream').Writable} */ (child.stdio[3]);
  const fromBrowser = /** @type {import('node:stream').Readable} */ (child.stdio[4]);
  let nextId = 1;
  /** @type {Map<number, { resolve(result: unknown): void, reject(e: Error): void, method: string, sessionId: string | undefined }>} */
  const pending = new Map();
  /** @type {Map<string, ((params: unknown) => void)[]>} `${sessionId}|${method}` -> callbacks */
  const listeners = new Map();
  let buffered = '';
  const utf8 = new StringDecoder('utf8'); // a character may be split across chunks
  let closed = false;
  /** @param {string} message @param {string} [sessionId] only that tab's calls */
  const failAll = (message, sessionId) => {
    for (const [id, p] of pending) {
      if (sessionId !== undefined && p.sessionId !== sessionId) continue;
      pending.delete(id);
      p.reject(new Error(message));
    }
  };
  /** @type {Promise<void>} */
  const exited = new Promise((res) => {
    /** @param {string} why */
    const done = (why) => {
      if (closed) return;
      closed = true;
      failAll(`Chromium ${why}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      res();
    };
    child.once('exit', (code, signal) => done(`exited (${signal ?? code})`));
    child.once('error', (e) =>
      done(
        `at ${executable} could not run (${e.message}): reinstall it (apt-get install -y chromium) or point CHROMIUM_PATH at a working one`,
      ),
    );
  });
  toBrowser.on('error', () => failAll('the connection to Chromium broke'));
  fromBrowser.on('error', () => failAll('the connection to Chromium broke'));
  fromBrowser.on('data', (/** @type {Buffer} no encoding set: Buffers */ chunk) => {
    buffered += utf8.write(chunk);
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const msg = /** @type {Message} */ (parseJson(buffered.slice(0, end)));
      buffered = buffered.slice(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p?.resolve(msg.result);
      } else {
        for (const cb of listeners.get(`${msg.sessionId ?? ''}|${msg.method}`) ?? []) cb(msg.params);
      }
    }
  });
  /**
   * @param {string} method @param {object} [params] @param {string} [sessionId] a tab's, else the browser's
   * @returns {Promise<unknown>} the command's result, as the protocol defines it
   */
  const send = (method, params = {}, sessionId) => {
    if (closed) return Promise.reject(new Error('Chromium is not running'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, method, sessionId });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  };
  /** @param {string | undefined} sessionId @param {string} method @param {(params: unknown) => void} cb */
  const on = (sessionId, method, cb) => {
    const key = `${sessionId ?? ''}|${method}`;
    const list = listeners.get(key) ?? [];
    list.push(cb);
    listeners.set(key, list);
  };
  /**
   * A Session over `send` and `on`. Results and event parameters are taken to be what the protocol
   * says they are: Chromium's JSON, not checked here.
   * @param {string} [sessionId]
   * @returns {Session}
   */
  const session = (sessionId) => ({
    /** @template {keyof Commands} M @param {M} m @param {Commands[M]} [p] */
    send: (m, p) => /** @type {Promise<Results[M]>} */ (send(m, p, sessionId)),
    /** @template {keyof Events} E @param {E} m @param {(params: Events[E]) => void} cb */
    on: (m, cb) => on(sessionId, m, /** @type {(params: unknown) => void} */ (cb)),
  });
  const browser = session();
  // A crashed or detached tab never answers its pending calls: fail them instead of waiting forever.
  browser.on('Target.detachedFromTarget', ({ sessionId }) => failAll('the browser tab went away (it crashed or closed)', sessionId));
  try {
    await Promise.race([
      browser.send('Browser.getVersion'),
      exited.then(() => {
        throw new Error(`Chromium did not start${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    browser,
    /** A new page (tab), attached with its own session. */
    async newPage() {
      const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
      const page = session(sessionId);
      page.on('Inspector.targetCrashed', () => failAll('the browser tab crashed (out of memory?)', sessionId));
      await page.send('Inspector.enable');
      return page;
    },
    async close() {
      if (!closed) {
        // Browser.close answers before the process has exited (and removed its temporary files):
        // wait for the exit, and only then force it.
        send('Browser.close').catch(() => {});
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
        if (!closed) child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Evaluates an async function's source with JSON arguments in the page; returns its JSON result.
 * The function runs in the page: it sees none of this module's scope.
 * @template A, R
 * @param {Session} session
 * @param {(arg: A) => R} fn
 * @param {A} [arg]
 * @returns {Promise<Awaited<R>>}
 */
export async function evaluate(session, fn, arg) {
  const r = await session.send('Runtime.evaluate', {
    expression: `(${fn.toString()})(${JSON.stringify(arg ?? null)})`,
    awaitPromise: true,
    returnByValue: true,
  });
  if (r.exceptionDetails) {
    const d = r.exceptionDetails;
    throw new Error(d.exception?.description?.split('\n')[0] ?? d.text ?? 'evaluation failed');
  }
  /** @type {unknown} returnByValue: the function's result, through JSON */
  const value = r.result.value;
  return /** @type {Awaited<R>} */ (value);
}

/**
 * Navigates and waits until `ready` (a page function returning true) holds.
 * @param {Session} session
 * @param {string} url
 * @param {() => boolean} ready
 */
export async function openPage(session, url, ready) {
  await session.send('Page.enable');
  await session.send('Runtime.enable');
  const loaded = new Promise((res) => session.on('Page.loadEventFired', res));
  await session.send('Page.navigate', { url });
  await loaded;
  for (let i = 0; i < 600; i++) {
    if (await evaluate(session, ready)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the app at ${url} did not become ready`);
}

/**
 * Sets the files of the <input> matching `selector` to a folder (webkitdirectory) or files, and
 * waits for its 'input' event: Chromium lists a folder asynchronously.
 * @param {Session} session
 * @param {string} selector
 * @param {string[]} paths
 */
export async function setInputFiles(session, selector, paths) {
  await evaluate(
    session,
    (sel) => {
      const el = document.querySelector(sel);
      if (!el) throw new Error(`no element ${sel}`);
      // An unchanged selection (an empty folder) fires 'cancel' instead of 'input'.
      window.__tesseraInputDone = new Promise((res) => {
        for (const type of ['input', 'change', 'cancel']) el.addEventListener(type, () => res(), { once: true });
      });
    },
    selector,
  );
  const { root } = await session.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await session.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  if (!nodeId) throw new Error(`no element ${selector}`);
  await session.send('DOM.setFileInputFiles', { nodeId, files: paths });
  await evaluate(session, () => window.__tesseraInputDone);
}
