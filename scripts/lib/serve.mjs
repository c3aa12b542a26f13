// A static server for the built app with the cross-origin isolation headers, plus an optional
// PUT receiver that writes outputs atomically (temp file + rename) for the headless batch.
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.webmanifest': 'application/manifest+json', '.xml': 'text/xml', '.tflite': 'application/octet-stream',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function inside(root, rel) {
  const p = normalize(join(root, rel));
  if (p !== root && !p.startsWith(root + sep)) throw new Error('path escapes root');
  return p;
}

/**
 * @param {{ root: string, outputDir?: string, isolate?: boolean, port?: number }} opts
 * @returns {Promise<{ url: string, close(): Promise<void>, written: string[] }>}
 */
export async function serve({ root, outputDir, isolate = true, port = 0 }) {
  root = resolve(root);
  const written = [];
  const server = createServer(async (req, res) => {
    const headers = isolate ? { ...ISOLATION_HEADERS } : {};
    try {
      const url = new URL(req.url, 'http://x');
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
          const fh = await fs.open(tmp, 'a+').then((h) => h.close()).then(() => fs.open(tmp, 'r+'));
          try {
            await fh.write(data, 0, data.length, position);
          } finally {
            await fh.close();
          }
          res.writeHead(204, headers).end();
        } else if (req.method === 'POST') {
          const modified = Number(req.headers['x-last-modified']);
          if (req.headers['x-last-modified'] !== undefined && Number.isFinite(modified)) await fs.utimes(tmp, new Date(), new Date(modified));
          await fs.rename(tmp, target);
          written.push(rel);
          res.writeHead(201, headers).end();
        } else if (req.method === 'DELETE') {
          await fs.rm(tmp, { force: true });
          res.writeHead(204, headers).end();
        } else res.writeHead(405, headers).end('method not allowed');
        return;
      }
      if (req.method === 'PUT' && path.startsWith('/__out/') && outputDir) {
        const rel = path.slice('/__out/'.length);
        const target = inside(resolve(outputDir), rel);
        await fs.mkdir(dirname(target), { recursive: true });
        const tmp = `${target}.${randomBytes(4).toString('hex')}.partial`;
        const chunks = [];
        for await (const c of req) chunks.push(c);
        await fs.writeFile(tmp, Buffer.concat(chunks));
        // The input's modified date, when the client sends it (HttpSink, metadata 'keep').
        const modified = Number(req.headers['x-last-modified']);
        if (req.headers['x-last-modified'] !== undefined && Number.isFinite(modified)) {
          await fs.utimes(tmp, new Date(), new Date(modified));
        }
        await fs.rename(tmp, target);
        written.push(rel);
        res.writeHead(201, headers).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, headers).end('method not allowed');
        return;
      }
      let file = inside(root, path === '/' ? '/index.html' : path);
      let stat = await fs.stat(file).catch(() => null);
      if (!stat || stat.isDirectory()) {
        file = join(root, 'index.html');
        stat = await fs.stat(file);
      }
      res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size, 'Cache-Control': 'no-cache' });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(500, headers).end(String(e?.message ?? e));
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    written,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
