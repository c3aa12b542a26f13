// Functions that run inside the page (passed to page.evaluate). Each one must be self-contained:
// Playwright serialises the function's source, so nothing from this module's scope is visible.

/**
 * What the seed benchmark reports to Node (window.__benchProgress): a run starting, or progress.
 * @typedef {{ event: 'run', workers: number }
 *   | { event: 'progress', workers: number, done: number, failed: number, total: number, totalKnown: boolean, ips: number }} BenchProgress
 */

/**
 * Generates `count` photo-like size×size JPEGs into OPFS folder `dirName` (replaced if present):
 * sky/ground gradients, soft light blobs, blurred far hills, shaded near objects, fine strokes,
 * a vignette and mild sensor noise. Deterministic: a seeded PRNG per image. Optionally PUTs each
 * JPEG to `putBase` as well (the bench server's receiver) so the inputs exist on disk.
 * @param {{ count: number, size: number, dirName: string, quality: number, putBase?: string }} opts
 */
export async function generateImages({ count, size, dirName, quality, putBase }) {
  /** @param {number} a the seed */
  const mulberry32 = (a) => () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** @param {number} h @param {number} s @param {number} l */
  const hsl = (h, s, l, a = 1) => `hsla(${h.toFixed(1)},${s.toFixed(1)}%,${l.toFixed(1)}%,${a.toFixed(3)})`;

  /** @param {number} seed */
  async function draw(seed) {
    const rnd = mulberry32(seed * 7919 + 13);
    /** @param {number} a @param {number} b */
    const r = (a, b) => a + (b - a) * rnd();
    const S = size;
    const canvas = new OffscreenCanvas(S, S);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context');
    const hue = r(0, 360);
    const horizon = r(0.3, 0.65) * S;

    // Sky and ground.
    let g = ctx.createLinearGradient(0, 0, 0, horizon);
    g.addColorStop(0, hsl(hue, r(30, 70), r(25, 55)));
    g.addColorStop(1, hsl(hue + r(-30, 30), r(20, 60), r(60, 85)));
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, S, horizon + 2);
    const gh = (hue + r(90, 200)) % 360;
    g = ctx.createLinearGradient(0, horizon, 0, S);
    g.addColorStop(0, hsl(gh, r(20, 60), r(35, 60)));
    g.addColorStop(1, hsl(gh + r(-20, 20), r(20, 60), r(10, 35)));
    ctx.fillStyle = g;
    ctx.fillRect(0, horizon, S, S - horizon);

    // Soft light blobs (sun, clouds, bokeh).
    for (let i = 0, n = 3 + Math.floor(r(0, 5)); i < n; i++) {
      const x = r(0, S),
        y = r(0, S * 0.8),
        rad = r(0.05, 0.35) * S;
      g = ctx.createRadialGradient(x, y, 0, x, y, rad);
      g.addColorStop(0, hsl(hue + r(-60, 60), r(20, 90), r(70, 95), r(0.3, 0.8)));
      g.addColorStop(1, hsl(hue, 50, 80, 0));
      ctx.fillStyle = g;
      ctx.fillRect(x - rad, y - rad, 2 * rad, 2 * rad);
    }

    // Far hills, out of focus.
    for (let layer = 0; layer < 3; layer++) {
      ctx.filter = `blur(${r(1.5, 4).toFixed(1)}px)`;
      const base = horizon + (layer - 1) * r(0.02, 0.08) * S;
      ctx.beginPath();
      ctx.moveTo(-10, S);
      ctx.lineTo(-10, base);
      for (let x = 0; x <= S + 40; x += S / 6) {
        ctx.quadraticCurveTo(x + S / 12, base - r(0, 0.2) * S, x + S / 6, base - r(-0.05, 0.1) * S);
      }
      ctx.lineTo(S + 10, S);
      ctx.closePath();
      g = ctx.createLinearGradient(0, base - 0.2 * S, 0, S);
      g.addColorStop(0, hsl(gh + r(-40, 40), r(15, 50), r(25, 60), 0.85));
      g.addColorStop(1, hsl(gh, r(15, 50), r(5, 30), 0.95));
      ctx.fillStyle = g;
      ctx.fill();
    }

    // Near objects with light from the top left; a few slightly soft, most sharp.
    for (let i = 0, n = 4 + Math.floor(r(0, 9)); i < n; i++) {
      ctx.filter = rnd() < 0.3 ? `blur(${r(0.5, 2).toFixed(1)}px)` : 'none';
      const x = r(0, S),
        y = r(horizon * 0.7, S),
        w = r(0.04, 0.25) * S,
        h = r(0.04, 0.3) * S;
      const oh = r(0, 360),
        ol = r(25, 70);
      g = ctx.createRadialGradient(x - w * 0.3, y - h * 0.3, 1, x, y, Math.max(w, h));
      g.addColorStop(0, hsl(oh, r(30, 80), Math.min(95, ol + 25)));
      g.addColorStop(1, hsl(oh, r(30, 80), Math.max(5, ol - 25)));
      ctx.fillStyle = g;
      ctx.beginPath();
      const kind = Math.floor(r(0, 3));
      if (kind === 0) ctx.ellipse(x, y, w / 2, h / 2, r(0, Math.PI), 0, 2 * Math.PI);
      else if (kind === 1) ctx.roundRect(x - w / 2, y - h / 2, w, h, r(0, Math.min(w, h) / 2));
      else {
        ctx.moveTo(x, y - h / 2);
        for (let k = 1, m = 3 + Math.floor(r(0, 4)); k < m; k++) {
          const a = (k / m) * 2 * Math.PI - Math.PI / 2;
          ctx.lineTo(x + Math.cos(a) * w * r(0.3, 0.6), y + Math.sin(a) * h * r(0.3, 0.6));
        }
        ctx.closePath();
      }
      ctx.fill();
      // A contact shadow under it.
      ctx.filter = 'blur(3px)';
      ctx.fillStyle = 'rgba(0,0,0,0.25)';
      ctx.beginPath();
      ctx.ellipse(x, y + h / 2, w / 2, h / 10 + 1, 0, 0, 2 * Math.PI);
      ctx.fill();
    }

    // Fine detail: grass blades, twigs.
    ctx.filter = 'none';
    for (let i = 0, n = 40 + Math.floor(r(0, 120)); i < n; i++) {
      const x = r(0, S),
        y = r(horizon, S),
        len = r(4, 30);
      ctx.strokeStyle = hsl(gh + r(-30, 30), r(20, 70), r(10, 70), r(0.3, 0.9));
      ctx.lineWidth = r(0.5, 2);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.quadraticCurveTo(x + r(-6, 6), y - len / 2, x + r(-10, 10), y - len);
      ctx.stroke();
    }

    // Vignette.
    g = ctx.createRadialGradient(S / 2, S / 2, S * 0.3, S / 2, S / 2, S * 0.75);
    g.addColorStop(0, 'rgba(0,0,0,0)');
    g.addColorStop(1, `rgba(0,0,0,${r(0.2, 0.5).toFixed(3)})`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, S, S);

    // Mild sensor noise: mostly luma, a little chroma (triangular distribution, σ ≈ 2–3).
    const img = ctx.getImageData(0, 0, S, S);
    const d = img.data;
    const amp = r(3, 6);
    for (let i = 0; i < d.length; i += 4) {
      const n = (rnd() + rnd() - 1) * amp;
      const c = (rnd() - 0.5) * amp * 0.4;
      d[i] += n + c;
      d[i + 1] += n;
      d[i + 2] += n - c;
    }
    ctx.putImageData(img, 0, 0);
    return canvas.convertToBlob({ type: 'image/jpeg', quality });
  }

  const t0 = performance.now();
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(dirName, { recursive: true }).catch(() => {});
  const dir = await root.getDirectoryHandle(dirName, { create: true });
  const digits = String(count - 1).length;
  let bytes = 0;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < count; i++) {
    const name = `img_${String(i).padStart(Math.max(3, digits), '0')}.jpg`;
    const blob = await draw(i + 1);
    bytes += blob.size;
    min = Math.min(min, blob.size);
    max = Math.max(max, blob.size);
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(blob);
    await w.close();
    if (putBase) {
      const res = await fetch(putBase + encodeURIComponent(name), { method: 'PUT', body: blob });
      if (!res.ok) throw new Error(`PUT ${name}: ${res.status} ${await res.text()}`);
    }
  }
  return { files: count, bytes, minBytes: min, maxBytes: max, ms: performance.now() - t0 };
}

/**
 * Copies the image files of the folder in the file input `id` (tests/browser/harness.mjs
 * handFiles; relative paths kept, root folder name dropped) into OPFS.
 * @param {{ id: string, dirName: string }} opts
 */
export async function copyInputToOpfs({ id, dirName }) {
  const t0 = performance.now();
  const input = /** @type {HTMLInputElement | null} */ (document.getElementById(id));
  if (!input) throw new Error(`no file input #${id}`);
  const files = Array.from(input.files ?? []);
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(dirName, { recursive: true }).catch(() => {});
  const top = await root.getDirectoryHandle(dirName, { create: true });
  const IMAGE = /\.(jpe?g|jfif|png|webp|avif|gif|tiff?|bmp|heic|heif|jxl)$/i;
  let copied = 0,
    bytes = 0,
    skipped = 0;
  for (const f of files) {
    const rel = (f.webkitRelativePath || f.name).split('/');
    if (rel.length > 1) rel.shift();
    if (rel.some((p) => p.startsWith('.')) || !IMAGE.test(f.name)) {
      skipped++;
      continue;
    }
    let d = top;
    for (const part of rel.slice(0, -1)) d = await d.getDirectoryHandle(part, { create: true });
    const w = await (await d.getFileHandle(rel[rel.length - 1], { create: true })).createWritable();
    await w.write(f);
    await w.close();
    copied++;
    bytes += f.size;
  }
  input.remove();
  return { files: copied, skipped, bytes, ms: performance.now() - t0 };
}

/** Starts one engine to learn the libvips version (and that workers are isolated). */
export async function engineInfo() {
  const pool = window.tessera.createEnginePool(1);
  try {
    const [info] = await pool.broadcast((api) => api.start());
    return info;
  } finally {
    pool.dispose();
  }
}

/**
 * runBenchmark over the OPFS folder; progress goes to window.__benchProgress (exposed by Node).
 * @param {{ dirName: string, format: Partial<import('../src/core/formats').OutputOptions>, workers: number }} opts
 * @returns {Promise<import('../src/jobs/benchmark').BenchmarkResult>} (through JSON)
 */
export async function seedBenchmark({ dirName, format, workers }) {
  const t = window.tessera;
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(dirName);
  let currentWorkers = 0;
  let last = 0;
  const result = await t.runBenchmark({
    input: () => t.walkDirectory(dir),
    recipe: t.SEED_RECIPE,
    format,
    workers,
    onRun: (w) => {
      currentWorkers = w;
      window.__benchProgress?.({ event: 'run', workers: w });
    },
    onProgress: (p) => {
      const now = performance.now();
      if (now - last < 500 && !(p.totalKnown && p.done + p.failed === p.total)) return;
      last = now;
      window.__benchProgress?.({
        event: 'progress',
        workers: currentWorkers,
        done: p.done,
        failed: p.failed,
        total: p.total,
        totalKnown: p.totalKnown,
        ips: p.imagesPerSecond,
      });
    },
  });
  /** @type {unknown} plain data, for the trip to Node */
  const plain = JSON.parse(JSON.stringify(result));
  return /** @type {import('../src/jobs/benchmark').BenchmarkResult} */ (plain);
}

/**
 * One N-worker batch writing real outputs through the bench server's PUT receiver.
 * @param {{ dirName: string, format: Partial<import('../src/core/formats').OutputOptions>, workers: number, outBase: string }} opts
 * @returns {Promise<import('../src/jobs/types').BatchSummary>} (through JSON)
 */
export async function keepOutputsBatch({ dirName, format, workers, outBase }) {
  const t = window.tessera;
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(dirName);
  const summary = await t.runBatch({
    input: t.walkDirectory(dir),
    output: new t.HttpSink(outBase),
    recipe: t.SEED_RECIPE,
    format,
    workers,
  });
  /** @type {unknown} plain data, for the trip to Node */
  const plain = JSON.parse(JSON.stringify(summary));
  return /** @type {import('../src/jobs/types').BatchSummary} */ (plain);
}

/** @param {string} dirName */
export async function removeOpfsDir(dirName) {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(dirName, { recursive: true }).catch(() => {});
}
