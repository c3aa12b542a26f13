// A static server for the built app with the cross-origin isolation headers, plus an optional
// PUT receiver that writes outputs atomically (temp file + rename) for the headless batch.
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import { parseJson } from './json.mjs';

/** @type {Record<string, string>} */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'text/xml',
  '.tflite': 'application/octet-stream',
};

/**
 * The headers the app's service worker adds (src/core/web-policy.ts, built beside the app as
 * dist/cli/web-policy.mjs): isolation, and the page's or a worker's Content-Security-Policy.
 * @param {string} root the built app
 * @returns {Promise<(destination: string) => Record<string, string>>}
 */
async function loadPolicy(root) {
  const file = join(root, 'cli', 'web-policy.mjs');
  const st = await fs.stat(file).catch(() => null);
  if (!st) throw new Error(`${file} is missing: rebuild the app (npx vite build)`);
  /** @type {unknown} the built module: this one */
  const module = await import(pathToFileURL(file).href);
  return /** @type {typeof import('../../src/core/web-policy.ts')} */ (module).policyHeaders;
}

/** `rel` under `root`, refusing a path that leaves it. @param {string} root @param {string} rel */
function inside(root, rel) {
  const p = normalize(join(root, rel));
  if (p !== root && !p.startsWith(root + sep)) throw new Error('path escapes root');
  return p;
}

/**
 * @param {{ root: string, outputDir?: string, isolate?: boolean, serviceWorker?: boolean, port?: number, onRequest?: (method: string, path: string) => void }} opts
 *   isolate: false serves like a plain static host — no isolation or CSP headers at all (the
 *   service worker must add them). serviceWorker: serve the app's offline service worker
 *   (sw.js); off by default, as the batch command, the benches and most tests load a fresh
 *   profile each run, where precaching the whole app (24 MB) would only cost time — the app then
 *   runs online, as without service workers. onRequest: told of every request that reaches the server.
 * @returns {Promise<{ url: string, socketUrl?: string, close(): Promise<void>, written: string[] }>}
 */
export async function serve({ root, outputDir, isolate = true, serviceWorker = false, port = 0, onRequest }) {
  root = resolve(root);
  const policy = isolate ? await loadPolicy(root) : undefined;
  /** @type {string[]} */
  const written = [];
  /** @type {import('node:http').RequestListener} */
  const handle = async (req, res) => {
    const dest = req.headers['sec-fetch-dest'];
    /** @type {Record<string, string>} */
    const headers = policy ? policy(typeof dest === 'string' ? dest : 'document') : {};
    onRequest?.(req.method ?? 'GET', req.url ?? '/');
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = decodeURIComponent(url.pathname);
      // Streamed outputs (HttpSink.openStream): pieces written at positions into a .partial file
      // named by the stream id, then renamed into place on commit or deleted on abort.
      const streamId = url.searchParams.get('stream');
      if (streamId !== null && path.startsWith('/__out/') && outputDir) {
        if (!/^[A-Za-z0-9-]{8,64}$/.test(streamId)) throw new Error('bad stream id');
        const rel = path.slice('/__out/'.length);
        const target = inside(resolve(outputDir), rel);
        const tmp = `${target}.${streamId}.partial`;
        if (req.method === 'PUT') {
          const position = Number(req.headers['x-write-position']);
          if (!Number.isSafeInteger(position) || position < 0) throw new Error('bad X-Write-Position');
          const chunks = [];
          for await (const c of req) chunks.push(c);
          const data = Buffer.concat(chunks);
          await fs.mkdir(dirname(target), { recursive: true });
          const fh = await fs
            .open(tmp, 'a+')
            .then((h) => h.close())
            .then(() => fs.open(tmp, 'r+'));
          try {
            await fh.write(data, 0, data.length, position);
          } finally {
            await fh.close();
          }
          res.writeHead(204, headers).end();
        } else if (req.method === 'POST') {
          await dateFile(tmp, Number(req.headers['x-last-modified']));
          await fs.rename(tmp, target);
          written.push(rel);
          res.writeHead(201, headers).end();
        } else if (req.method === 'DELETE') {
          await fs.rm(tmp, { force: true });
          res.writeHead(204, headers).end();
        } else res.writeHead(405, headers).end('method not allowed');
        return;
      }
      if (req.method === 'DELETE' && path.startsWith('/__out/') && outputDir) {
        // HttpSink.remove: a file the batch wrote, or a folder once empty.
        const rel = path.slice('/__out/'.length);
        await removeOutput(inside(resolve(outputDir), rel));
        forget(written, rel);
        res.writeHead(204, headers).end();
        return;
      }
      if (req.method === 'HEAD' && path.startsWith('/__out/') && outputDir) {
        // HttpSink.exists: is something already there (output policy rename / skip / overwrite)?
        const found = await present(inside(resolve(outputDir), path.slice('/__out/'.length)));
        res.writeHead(found ? 200 : 404, headers).end();
        return;
      }
      if (req.method === 'PUT' && path.startsWith('/__out/') && outputDir) {
        const rel = path.slice('/__out/'.length);
        const target = inside(resolve(outputDir), rel);
        const chunks = [];
        for await (const c of req) chunks.push(c);
        // The input's modified date, when the client sends it (HttpSink, metadata 'keep').
        await landFile(target, Buffer.concat(chunks), Number(req.headers['x-last-modified']));
        written.push(rel);
        res.writeHead(201, headers).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, headers).end('method not allowed');
        return;
      }
      if (!serviceWorker && path === '/sw.js') {
        res.writeHead(404, headers).end('no service worker on this server');
        return;
      }
      let file = inside(root, path === '/' ? '/index.html' : path);
      let stat = await fs.stat(file).catch(() => null);
      if (!stat || stat.isDirectory()) {
        file = join(root, 'index.html');
        stat = await fs.stat(file);
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': stat.size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(500, headers).end(e instanceof Error ? e.message : String(e));
    }
  };
  // handle answers every failure itself (500, above).
  const server = createServer((req, res) => void handle(req, res));
  const wss = outputDir ? attachSocketReceiver(server, resolve(outputDir), written) : undefined;
  await new Promise((r) => server.listen(port, '127.0.0.1', () => r(undefined)));
  // Listening on a TCP port: address() is an AddressInfo (a string only for a pipe or socket file).
  const { port: actual } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${actual}/`,
    written,
    /** The output socket's URL (SocketSink.open), when there is an output folder. */
    socketUrl: wss ? `ws://127.0.0.1:${actual}/__out-ws` : undefined,
    close: () =>
      new Promise((r) => {
        for (const c of wss?.clients ?? []) c.terminate();
        wss?.close();
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** Sets a file's modified date (ms since 1970) when one was sent. @param {string} file @param {number | undefined} modified */
async function dateFile(file, modified) {
  if (modified !== undefined && Number.isFinite(modified)) await fs.utimes(file, new Date(), new Date(modified));
}

/**
 * Takes back an output (a failed or cancelled DZI pyramid's tiles and folders): the file at
 * `target`, or the folder there once it is empty — never a folder's contents.
 * @param {string} target
 */
async function removeOutput(target) {
  const st = await fs.lstat(target).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) return fs.rm(target, { force: true });
  await fs.rmdir(target).catch((/** @type {unknown} */ e) => {
    const code = /** @type {{ code?: string }} */ (e).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw e;
  });
}

/** Drops `rel` from the list of landed files (it was removed again). @param {string[]} written @param {string} rel */
function forget(written, rel) {
  const i = written.lastIndexOf(rel);
  if (i >= 0) written.splice(i, 1);
}

/**
 * Writes `data` beside `target` as a temporary file and renames it into place: whole or not at all.
 * @param {string} target @param {Uint8Array} data @param {number | undefined} modified
 */
async function landFile(target, data, modified) {
  await fs.mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await fs.writeFile(tmp, data);
    await dateFile(tmp, modified);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/**
 * Whether a file or folder is at `target`.
 * @param {string} target
 */
async function present(target) {
  return fs.lstat(target).then(
    () => true,
    () => false,
  );
}

/**
 * The receiver of SocketSink (src/io/socket-sink.ts) at ws://host/__out-ws: one binary message per
 * output (or positioned piece of a streamed one), each acknowledged once its file has landed: a
 * temporary `<target>.<8 hex>.partial` renamed into place, so nothing is half-written.
 * @param {import('node:http').Server} server
 * @param {string} outputDir
 * @param {string[]} written paths of the files landed, pushed as they land
 */
function attachSocketReceiver(server, outputDir, written) {
  const wss = new WebSocketServer({
    server,
    path: '/__out-ws',
    maxPayload: 2 ** 31 - 1,
    perMessageDeflate: false,
    // Only the app this server serves may write: another site open in a browser could otherwise
    // connect to 127.0.0.1 and write into the output folder.
    verifyClient: /** @param {{ origin: string, req: import('node:http').IncomingMessage }} info */ ({ origin, req }) =>
      origin === `http://${req.headers.host}`,
  });
  wss.on('connection', (socket) => {
    /** @type {Map<string | undefined, { target: string, tmp: string, handle: import('node:fs/promises').FileHandle, path: string }>} stream id -> its temporary file */
    const streams = new Map();
    let gone = false;
    /** @param {import('ws').RawData} data @param {boolean} isBinary */
    const receive = async (data, isBinary) => {
      let id;
      try {
        if (!isBinary) throw new Error('expected a binary message');
        const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
        const headLen = buf.readUInt32LE(0);
        const head = /** @type {{ id: number, op: string, path?: string, stream?: string, position?: number, lastModified?: number }} */ (
          parseJson(buf.toString('utf8', 4, 4 + headLen))
        );
        id = head.id;
        const payload = buf.subarray(4 + headLen);
        // Every message names its output (SocketSink's header).
        if (typeof head.path !== 'string') throw new Error('the message names no path');
        const target = inside(outputDir, head.path);
        switch (head.op) {
          case 'write': {
            await landFile(target, payload, head.lastModified);
            written.push(head.path);
            break;
          }
          case 'open': {
            await fs.mkdir(dirname(target), { recursive: true });
            const tmp = `${target}.${randomBytes(4).toString('hex')}.partial`;
            const handle = await fs.open(tmp, 'w+');
            if (gone) {
              // The connection closed while this was opening: nothing will commit it.
              await handle.close().catch(() => {});
              await fs.rm(tmp, { force: true }).catch(() => {});
              return;
            }
            streams.set(head.stream, { target, tmp, handle, path: head.path });
            break;
          }
          case 'put': {
            const st = streams.get(head.stream);
            if (!st) throw new Error('unknown stream');
            await st.handle.write(payload, 0, payload.length, head.position);
            break;
          }
          case 'commit': {
            const st = streams.get(head.stream);
            if (!st) throw new Error('unknown stream');
            streams.delete(head.stream);
            await st.handle.close();
            await dateFile(st.tmp, head.lastModified);
            await fs.rename(st.tmp, st.target);
            written.push(st.path);
            break;
          }
          case 'exists': {
            socket.send(JSON.stringify({ id, ok: true, exists: await present(target) }));
            return;
          }
          case 'remove': {
            await removeOutput(target);
            forget(written, head.path);
            break;
          }
          case 'abort': {
            const st = streams.get(head.stream);
            streams.delete(head.stream);
            if (st) {
              await st.handle.close().catch(() => {});
              await fs.rm(st.tmp, { force: true });
            }
            break;
          }
          default:
            throw new Error(`unknown operation ${JSON.stringify(head.op)}`);
        }
        socket.send(JSON.stringify({ id, ok: true }));
      } catch (e) {
        socket.send(JSON.stringify({ id, ok: false, error: e instanceof Error ? e.message : String(e) }));
      }
    };
    // receive answers every failure itself (an ok: false acknowledgement).
    socket.on('message', (data, isBinary) => void receive(data, isBinary));
    // A connection that ends mid-stream leaves nothing behind (nothing here rejects).
    const discardStreams = async () => {
      for (const st of streams.values()) {
        await st.handle.close().catch(() => {});
        await fs.rm(st.tmp, { force: true }).catch(() => {});
      }
      streams.clear();
    };
    socket.on('close', () => {
      gone = true;
      void discardStreams();
    });
  });
  return wss;
}
