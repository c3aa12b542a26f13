// The float32 Gaussian (issue 9) against the previous float64 one.
//   node bench/gaussian/run.mjs [reps]           CPU ms per plane, old vs new, interleaved
//   node bench/gaussian/run.mjs photos IN OUT    real photos (JPEG/PNG in IN, decoded by Pillow as
//       seed_reference.py does): float32 vs float64 Gaussian, and the seed pipeline's outputs
//       written to OUT/new and OUT/old (float64 Gaussian), each checked by seed_reference.py.
// Needs npm install (assemblyscript; rolldown comes with vite) and /usr/bin/python3 with Pillow.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = join(root, '.tmp', 'bench-gaussian');
mkdirSync(join(tmp, 'lib'), { recursive: true });
// The float64 kernel as it was before the float32 definition (commit edfe373).
const OLD = 'edfe373';
writeFileSync(join(tmp, 'gauss-f64.ts'), execFileSync('git', ['show', `${OLD}:wasm/src/gauss.ts`], { cwd: root }));
writeFileSync(join(tmp, 'lib', 'memory.ts'), execFileSync('git', ['show', `${OLD}:wasm/src/lib/memory.ts`], { cwd: root }));
// Its TypeScript kernel too, imports pointed back at src/ (only gaussianBlurPlaneJs is used).
writeFileSync(
  join(tmp, 'gaussian-blur-f64.ts'),
  execFileSync('git', ['show', `${OLD}:src/engine/kernels/gaussian-blur.ts`], { cwd: root, encoding: 'utf8' }).replace(
    /from '\.\/([\w-]+)'/g,
    (_, /** @type {string} */ m) => `from '${join(root, 'src', 'engine', 'kernels', m)}'`,
  ),
);
execFileSync(
  join(root, 'node_modules', '.bin', 'asc'),
  [join(tmp, 'gauss-f64.ts'), '-o', join(tmp, 'gauss-f64.wasm'), '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert'],
  { stdio: 'inherit' },
);
execFileSync('node', [join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
/** Bundles bench/gaussian/<name>.ts into .tmp/bench-gaussian/<name>.mjs. @param {string} name */
const bundle = (name) =>
  build({
    input: join(root, 'bench', 'gaussian', name + '.ts'),
    platform: 'node',
    external: ['wasm-vips', '@techstark/opencv-js'],
    // entry.ts imports the old kernel written above by this name (typed in old-kernel.d.ts).
    resolve: { alias: { 'bench-gaussian-f64': join(tmp, 'gaussian-blur-f64.ts') } },
    output: { file: join(tmp, name + '.mjs'), format: 'esm', codeSplitting: false },
    logLevel: 'silent',
  });

if (process.argv[2] === 'photos') {
  const [inDir, outDir] = process.argv.slice(3).map((p) => resolve(p));
  const raw = join(tmp, 'raw');
  mkdirSync(raw, { recursive: true });
  // Decode with Pillow, exactly as the NumPy reference does, so decoders cannot differ.
  execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      `
import json, os, sys
from PIL import Image
inp, out = sys.argv[1], sys.argv[2]; idx = []
for f in sorted(os.listdir(inp)):
    if not f.lower().endswith(('.jpg', '.jpeg', '.png')): continue
    im = Image.open(os.path.join(inp, f)).convert('RGB'); base = os.path.splitext(f)[0]
    open(os.path.join(out, base + '.rgb'), 'wb').write(im.tobytes()); idx.append({'base': base, 'w': im.width, 'h': im.height})
json.dump(idx, open(os.path.join(out, 'index.json'), 'w'))
`,
      inDir,
      raw,
    ],
    { stdio: 'inherit' },
  );
  await bundle('photos');
  execFileSync('node', [join(tmp, 'photos.mjs'), raw, join(outDir, 'new'), join(outDir, 'old')], { stdio: 'inherit' });
  for (const which of ['new', 'old']) {
    const r = spawnSync('/usr/bin/python3', [join(root, '..', 'shared', 'tools', 'seed_reference.py'), inDir, join(outDir, which)], {
      encoding: 'utf8',
    });
    console.log(`seed_reference.py (${which === 'new' ? 'float32' : 'float64'} Gaussian): ${r.stdout.trim()} exit ${r.status}`);
  }
  // seed_reference.py prints the mean to 3 decimals and no maximum: the same comparison, in full.
  const r = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `
import os, sys, json
import numpy as np
from PIL import Image
sys.path.insert(0, sys.argv[1]); import seed_reference as S
inp, out = sys.argv[2], sys.argv[3]; n = 0; tot = 0.0; off = 0; mx = 0
for f in sorted(os.listdir(inp)):
    if not f.lower().endswith(('.jpg', '.jpeg', '.png')): continue
    o = np.asarray(Image.open(os.path.join(out, os.path.splitext(f)[0] + '.png')).convert('L'), np.float64)
    d = np.abs(o - S.reference(os.path.join(inp, f)))[8:-8, 8:-8]
    n += d.size; tot += d.sum(); off += int((d > 0).sum()); mx = max(mx, int(d.max()))
print(json.dumps({'pixels': n, 'mean_abs_diff': tot / n, 'pixels_differing': off, 'max_abs_diff': mx}))
`,
      join(root, '..', 'shared', 'tools'),
      inDir,
      join(outDir, 'new'),
    ],
    { encoding: 'utf8' },
  );
  console.log(`float32 seed vs the NumPy reference, unrounded (8-pixel border ignored): ${r.stdout.trim()}${r.stderr}`);
} else {
  await bundle('entry');
  execFileSync('node', [join(tmp, 'entry.mjs'), join(tmp, 'gauss-f64.wasm'), process.argv[2] ?? '15'], { stdio: 'inherit' });
}
