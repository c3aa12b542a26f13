// Hide faces with a picture (an emoji, a logo), through the command a user runs: a recipe file
// naming its picture relative to itself. Each face found is covered by the picture stretched over
// its box: opaque parts take the picture's colour exactly, transparent parts and everything
// outside the boxes keep the photo's pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt, samplePhoto } from './harness.mjs';
import { rgbPixels, vips } from './fixtures.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';

/** @type {string} */
let work;

/** A 64×64 RGBA picture: opaque magenta, but its right quarter fully transparent. */
async function picturePng() {
  const v = await vips();
  const px = new Uint8Array(64 * 64 * 4);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) px.set(x < 48 ? [255, 0, 255, 255] : [0, 0, 0, 0], (y * 64 + x) * 4);
  const im = v.Image.newFromMemory(px, 64, 64, 4, v.BandFormat.uchar);
  try {
    return im.pngsaveBuffer();
  } finally {
    im.delete();
  }
}

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-redact-picture-'));
  const v = await vips();
  // The real group photo as a PNG, so the test decodes exactly what the command decodes.
  const im = v.Image.newFromFile(samplePhoto('sample1.jpg'));
  try {
    await fs.mkdir(join(work, 'in'));
    await fs.writeFile(join(work, 'in', 'group.png'), im.pngsaveBuffer({ compression: 1 }));
  } finally {
    im.delete();
  }
  await fs.mkdir(join(work, 'recipes', 'emoji'), { recursive: true });
  await fs.writeFile(join(work, 'recipes', 'emoji', 'cover.png'), await picturePng());
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('npm run batch: faces covered by the picture the recipe names; its transparent part and the rest of the photo untouched', async () => {
  const recipe = join(work, 'recipes', 'cover.json');
  const step = {
    op: 'redact-faces',
    params: { effect: 'picture', picture: 'emoji/cover.png', shape: 'rectangle', feather: 0, margin: 0 },
  };
  await fs.writeFile(recipe, JSON.stringify({ name: 'Cover', steps: [step], output: { format: 'png' } }));
  const out = join(work, 'out');
  const r = await batchCommand([join(work, 'in'), out, '--recipe', recipe, '--no-build']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(commandSummary(r.stdout, r.stderr).ok, 1);
  const report = /** @type {import('../../src/core/faces').FacesReport} */ (
    parseJson(await fs.readFile(join(out, 'group.png.faces.json'), 'utf8'))
  );
  const boxes = report.faces.map((f) => f.box);
  assert.ok(boxes.length >= 3, `faces found: ${boxes.length}`);
  const src = await rgbPixels(await fs.readFile(join(work, 'in', 'group.png')));
  const got = await rgbPixels(await fs.readFile(join(out, 'group.png')));
  const W = src.width;
  /** Which box (integer region, as redactRegion with margin 0) holds pixel x, y, and where in it. */
  const regions = boxes.map(([x, y, w, h]) => [Math.floor(x), Math.floor(y), Math.ceil(x + w), Math.ceil(y + h)]);
  let covered = 0,
    kept = 0;
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      const inBox = regions.find((q) => x >= q[0] && x < q[2] && y >= q[1] && y < q[3]);
      const g = [got.data[o], got.data[o + 1], got.data[o + 2]];
      const s = [src.data[o], src.data[o + 1], src.data[o + 2]];
      if (!inBox) {
        assert.deepEqual(g, s, `${x},${y} outside every face changed`);
        kept++;
        continue;
      }
      // Away from the picture's opaque/transparent edge (area resampling blends one column there).
      const u = (x - inBox[0] + 0.5) / (inBox[2] - inBox[0]);
      if (u < 0.74) {
        assert.deepEqual(g, [255, 0, 255], `${x},${y} in a face is the picture`);
        covered++;
      } else if (u > 0.76 && regions.filter((q) => x >= q[0] && x < q[2] && y >= q[1] && y < q[3]).length === 1) {
        assert.deepEqual(g, s, `${x},${y} under the transparent part changed`);
      }
    }
  assert.ok(covered > 1000 && kept > 1000, `covered ${covered}, kept ${kept}`);
});

test('npm run batch: the Picture effect without a picture fails the file with a message, not a visible face', async () => {
  const recipe = join(work, 'recipes', 'none.json');
  await fs.writeFile(recipe, JSON.stringify({ name: 'None', steps: [{ op: 'redact-faces', params: { effect: 'picture' } }] }));
  const out = join(work, 'out-none');
  const r = await batchCommand([join(work, 'in'), out, '--recipe', recipe, '--no-build']);
  assert.notEqual(r.code, 0);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 0);
  assert.match(r.stderr, /group\.png.*the Picture effect needs a picture/);
  await assert.rejects(fs.stat(join(out, 'group.png')), 'no output written');
});
