// Provisions face-detection models and test photos (run by `npm install` after build-wasm;
// nothing here is committed):
// - Haar/LBP cascades from the opencv4nodejs@5.6.0 npm tarball (`npm pack`, then `tar`), CRLF
//   stripped, into public/models/ (Vite serves public/ at / and copies it into dist/);
// - BlazeFace full-range and short-range .tflite from node_modules/@mediapipe/face_detection
//   into public/models/;
// - MediaPipe's face landmark model, cut out of @mediapipe/face_mesh's packed assets;
// - the sample photos demo/sample*.jpg of @vladmandic/face-api into .tmp/face-samples/.
// Idempotent: does nothing when every file is already there (`--force` redoes it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(root, 'public', 'models');
const samplesDir = join(root, '.tmp', 'face-samples');
const force = process.argv.includes('--force');

const OPENCV_PACKAGE = 'opencv4nodejs@5.6.0';
/** Path inside the tarball → file name in public/models/. */
const CASCADES = {
  'package/lib/haarcascades/haarcascade_frontalface_default.xml': 'haarcascade_frontalface_default.xml',
  'package/lib/haarcascades/haarcascade_frontalface_alt2.xml': 'haarcascade_frontalface_alt2.xml',
  'package/lib/haarcascades/haarcascade_eye.xml': 'haarcascade_eye.xml',
  'package/lib/lbpcascades/lbpcascade_frontalface_improved.xml': 'lbpcascade_frontalface_improved.xml',
};
const TFLITE = ['face_detection_full_range.tflite', 'face_detection_short_range.tflite'];

/** @param {string} msg @returns {never} */
function fail(msg) {
  console.error(`setup-models: ${msg}`);
  process.exit(1);
}

mkdirSync(modelsDir, { recursive: true });
mkdirSync(samplesDir, { recursive: true });

// 1. Cascades.
const missingCascades = Object.values(CASCADES).filter((n) => force || !existsSync(join(modelsDir, n)));
if (missingCascades.length) {
  const tmp = mkdtempSync(join(tmpdir(), 'tessera-cascades-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(npm, ['pack', OPENCV_PACKAGE, '--pack-destination', tmp, '--silent'], { encoding: 'utf8' });
    const tgz = readdirSync(tmp).find((n) => n.endsWith('.tgz'));
    if (pack.status !== 0 || !tgz)
      fail(
        `could not download ${OPENCV_PACKAGE} with npm pack (needed for the Haar cascades): ${pack.stderr || pack.error?.message || 'no tarball'}`,
      );
    const members = Object.keys(CASCADES);
    const tar = spawnSync('tar', ['-xzf', join(tmp, tgz), '-C', tmp, ...members], { encoding: 'utf8' });
    if (tar.status !== 0) fail(`could not extract the cascades from ${tgz} with tar: ${tar.stderr || tar.error?.message}`);
    for (const [member, name] of Object.entries(CASCADES)) {
      const p = join(tmp, member);
      if (!existsSync(p)) fail(`${member} is missing from ${tgz}`);
      const text = readFileSync(p, 'utf8').replace(/\r\n?/g, '\n');
      if (!text.includes('<opencv_storage>')) fail(`${member} is not an OpenCV cascade`);
      writeFileSync(join(modelsDir, name), text);
    }
    console.log(`setup-models: ${Object.keys(CASCADES).length} cascades from ${OPENCV_PACKAGE} -> public/models/`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// 2. BlazeFace models.
const mediapipe = join(root, 'node_modules', '@mediapipe', 'face_detection');
for (const name of TFLITE) {
  const dst = join(modelsDir, name);
  if (!force && existsSync(dst)) continue;
  const src = join(mediapipe, name);
  if (!existsSync(src)) fail(`${src} not found: is @mediapipe/face_detection installed?`);
  copyFileSync(src, dst);
  console.log(`setup-models: ${name} -> public/models/`);
}

// 2b. MediaPipe's face landmark model, whose face flag checks every face candidate
// (src/engine/faces/detect.ts). @mediapipe/face_mesh ships it inside one packed file; the loader
// script beside it lists each file's byte range.
const LANDMARK = 'face_landmark.tflite';
if (force || !existsSync(join(modelsDir, LANDMARK))) {
  const mesh = join(root, 'node_modules', '@mediapipe', 'face_mesh');
  const loader = join(mesh, 'face_mesh_solution_packed_assets_loader.js');
  const packed = join(mesh, 'face_mesh_solution_packed_assets.data');
  if (!existsSync(loader) || !existsSync(packed)) fail(`${mesh} has no packed assets: is @mediapipe/face_mesh installed?`);
  const at = new RegExp(`"filename":\\s*"[^"]*/${LANDMARK.replace('.', '\\.')}",\\s*"start":\\s*(\\d+),\\s*"end":\\s*(\\d+)`).exec(
    readFileSync(loader, 'utf8'),
  );
  if (!at) fail(`${loader} does not list ${LANDMARK}`);
  const bytes = readFileSync(packed).subarray(Number(at[1]), Number(at[2]));
  // A TensorFlow Lite flatbuffer names its format at bytes 4–7.
  if (bytes.length < 8 || bytes.toString('latin1', 4, 8) !== 'TFL3') fail(`${LANDMARK} in ${packed} is not a TensorFlow Lite model`);
  writeFileSync(join(modelsDir, LANDMARK), bytes);
  console.log(`setup-models: ${LANDMARK} from @mediapipe/face_mesh -> public/models/`);
}

// 3. Sample photos for the tests (not part of the app).
const demo = join(root, 'node_modules', '@vladmandic', 'face-api', 'demo');
if (existsSync(demo)) {
  let n = 0;
  for (const name of readdirSync(demo).filter((f) => /^sample\d+\.jpg$/.test(f))) {
    const dst = join(samplesDir, name);
    if (!force && existsSync(dst)) continue;
    copyFileSync(join(demo, name), dst);
    n++;
  }
  if (n) console.log(`setup-models: ${n} sample photos -> .tmp/face-samples/`);
} else {
  // A production install (--omit=dev) has no test photos; only the face tests need them.
  console.log('setup-models: @vladmandic/face-api (devDependency) not installed; no sample photos');
}
