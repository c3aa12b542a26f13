// A recipe's variants through the headless command, on real photos: several outputs per input
// from one decode (named {name}-{variant}.{ext}, each with its own steps and format), byte for
// byte what the same steps give alone, resumable with --existing skip, and bad variants refused
// before any work with the JSON path of the problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vips } from './fixtures.mjs';
import { batchCommand, commandSummary, listOpfs, requireBuilt, samplePhoto, startApp } from './harness.mjs';

/** @type {string} */
let work;
/** @type {string} */
let input;

const SHARED = [{ op: 'unsharp-mask', params: { sigma: 0.8, amount: 0.5 } }];
/** @param {number} px */
const fit = (px) => ({ op: 'resize', params: { mode: 'fit', width: px, height: px } });
const RECIPE = {
  name: 'Website',
  steps: SHARED,
  output: { metadata: 'strip' },
  variants: [
    { name: 'small', steps: [fit(320)], output: { format: 'webp', quality: 80 } },
    { name: 'large', steps: [fit(1200)], output: { format: 'jpeg', quality: 85 } },
    { name: 'full', output: { format: 'png' } },
  ],
};
const ARGS = ['--workers', '2', '--no-build'];

/** @param {string} name @param {unknown} recipe */
async function recipeFile(name, recipe) {
  const path = join(work, `${name}.json`);
  await fs.writeFile(path, JSON.stringify(recipe));
  return path;
}

/** Width and height of an image file, read back with wasm-vips. @param {string} path */
async function sizeOf(path) {
  const v = await vips();
  const img = v.Image.newFromBuffer(await fs.readFile(path));
  try {
    return { width: img.width, height: img.height };
  } finally {
    img.delete();
  }
}

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-variants-'));
  input = join(work, 'in');
  await fs.mkdir(input);
  await fs.copyFile(samplePhoto('sample1.jpg'), join(input, 'one.jpg'));
  await fs.copyFile(samplePhoto('sample2.jpg'), join(input, 'two.jpg'));
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('three variants: one decode per photo, three files each, named {name}-{variant}.{ext}, each its own size and format', async () => {
  const out = join(work, 'out');
  const r = await batchCommand([input, out, '--recipe', await recipeFile('site', RECIPE), ...ARGS]);
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 6);
  assert.deepEqual((await fs.readdir(out)).sort(), [
    'one-full.png',
    'one-large.jpg',
    'one-small.webp',
    'two-full.png',
    'two-large.jpg',
    'two-small.webp',
  ]);
  assert.equal(s.variants?.length, 6);
  for (const v of s.variants ?? []) {
    assert.equal(v.status, 'ok', JSON.stringify(v));
    // Every output was finished from its photo's one decode and one run of the shared steps.
    assert.equal(v.sharedDecode, true, JSON.stringify(v));
    const size = await sizeOf(join(out, v.output ?? ''));
    assert.deepEqual(size, { width: v.width, height: v.height }, v.output);
    const long = Math.max(size.width, size.height);
    const source = await sizeOf(join(input, v.file));
    if (v.variant === 'small') assert.equal(long, 320, v.output);
    if (v.variant === 'large') assert.equal(long, 1200, v.output);
    if (v.variant === 'full') assert.equal(long, Math.max(source.width, source.height), v.output);
  }
  // The breakdown counts the shared step once per photo and each variant's resize once per variant.
  assert.ok((s.breakdown?.steps['unsharp-mask'] ?? 0) > 0);
  assert.ok((s.breakdown?.steps.resize ?? 0) > 0);
});

test("each variant's file is byte for byte what its steps and output give without variants", async () => {
  const shared = join(work, 'out');
  for (const v of RECIPE.variants) {
    const alone = join(work, `alone-${v.name}`);
    const recipe = { name: v.name, steps: [...SHARED, ...(v.steps ?? [])], output: { metadata: 'strip', ...v.output } };
    const r = await batchCommand([input, alone, '--recipe', await recipeFile(`alone-${v.name}`, recipe), ...ARGS]);
    assert.equal(r.code, 0, r.stderr);
    for (const photo of ['one', 'two']) {
      const ext = { webp: 'webp', jpeg: 'jpg', png: 'png' }[v.output.format];
      const a = await fs.readFile(join(alone, `${photo}.${ext}`));
      const b = await fs.readFile(join(shared, `${photo}-${v.name}.${ext}`));
      assert.ok(a.equals(b), `${photo}-${v.name}.${ext}: ${b.length} bytes with variants, ${a.length} alone`);
    }
  }
});

test('a rerun with --existing skip does no work and leaves every file as it was; a deleted one is made again', async () => {
  const out = join(work, 'out');
  const before = await fs.stat(join(out, 'one-large.jpg'));
  await fs.rm(join(out, 'two-small.webp'));
  const r = await batchCommand([input, out, '--recipe', await recipeFile('site', RECIPE), '--existing', 'skip', ...ARGS]);
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 1, JSON.stringify(s.variants));
  assert.equal(s.skipped, 5);
  assert.deepEqual(
    (s.variants ?? []).filter((v) => v.status === 'ok').map((v) => v.output),
    ['two-small.webp'],
  );
  assert.equal((await fs.stat(join(out, 'one-large.jpg'))).mtimeMs, before.mtimeMs);
  assert.equal((await fs.readdir(out)).length, 6);
});

test('bad variants are refused before any work, naming the JSON path', async () => {
  const cases = [
    [
      { ...RECIPE, variants: [RECIPE.variants[0], { ...RECIPE.variants[1], name: 'Small' }] },
      /\/variants\/1\/name: "Small" is also the name of variant 0/,
    ],
    [
      { ...RECIPE, variants: [{ name: 'faces', steps: [{ op: 'detect-faces' }] }] },
      /\/variants\/0\/steps\/0\/op: "detect-faces" writes a report per input/,
    ],
    [{ ...RECIPE, variants: [{ name: 'a/b' }] }, /\/variants\/0\/name: must be a short name/],
    [{ ...RECIPE, variants: [{ name: 'x', output: { quality: 500 } }] }, /\/variants\/0\/output\/quality/],
    [
      { ...RECIPE, output: { name: '{name}.{ext}' }, variants: [{ name: 'a' }, { name: 'b' }] },
      /\/variants\/1\/output\/name: variants "a" and "b" would give every input the same output name/,
    ],
  ];
  for (const [i, [recipe, message]] of cases.entries()) {
    const out = join(work, `bad-${i}`);
    const r = await batchCommand([input, out, '--recipe', await recipeFile(`bad-${i}`, recipe), ...ARGS]);
    assert.equal(r.code, 2, `${i}: ${r.stderr}`);
    assert.match(r.stderr, /** @type {RegExp} */ (message));
    await assert.rejects(fs.readdir(out), 'no output folder made');
  }
});

test('variants that disagree on orientation each run alone (decoding again), and still write every output', async () => {
  const out = join(work, 'out-alone');
  const recipe = {
    ...RECIPE,
    variants: [RECIPE.variants[0], { ...RECIPE.variants[1], output: { ...RECIPE.variants[1].output, orientation: 'keep' } }],
  };
  const r = await batchCommand([input, out, '--recipe', await recipeFile('alone', recipe), ...ARGS]);
  assert.equal(r.code, 0, r.stderr);
  const s = commandSummary(r.stdout, r.stderr);
  assert.equal(s.ok, 4);
  assert.deepEqual((s.variants ?? []).map((v) => [v.output, v.sharedDecode]).sort(), [
    ['one-large.jpg', false],
    ['one-small.webp', false],
    ['two-large.jpg', false],
    ['two-small.webp', false],
  ]);
  // The same bytes as the shared way (these photos are upright: orientation changes nothing).
  for (const f of ['one-small.webp', 'two-large.jpg'])
    assert.ok((await fs.readFile(join(out, f))).equals(await fs.readFile(join(work, 'out', f))), f);
});

test('in the studio: a recipe file with variants lists them, writes every output, and the results tell them apart', async () => {
  const app = await startApp();
  try {
    const { page } = app;
    await page.setInputFiles('tessera-studio #folder-input', input);
    await page.waitForSelector('tessera-studio #input-label b');
    await page.setInputFiles('tessera-studio #recipe-input', {
      name: 'site.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(RECIPE)),
    });
    await page.waitForSelector('tessera-studio #variants li[data-variant="full"]', { timeout: 10_000 });
    assert.match((await page.textContent('tessera-studio #variants-heading')) ?? '', /3 outputs per input/);
    assert.match((await page.textContent('tessera-studio #variants li[data-variant="small"]')) ?? '', /small\s+WEBP · Resize/);
    // Removed by keyboard: two variants left.
    await page.focus('tessera-studio #variants li[data-variant="full"] .remove-variant');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        document.querySelector('tessera-studio')?.shadowRoot?.querySelector('recipe-editor')?.shadowRoot?.querySelectorAll('#variants li')
          .length === 2,
      null,
      { timeout: 10_000 },
    );
    await page.evaluate(async () => {
      const studio = document.querySelector('tessera-studio');
      if (!studio) throw new Error('no <tessera-studio>');
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('variants-out', { recursive: true }).catch(() => {});
      studio.useOutputFolder(await root.getDirectoryHandle('variants-out', { create: true }));
    });
    await page.click('tessera-studio #start');
    await page.waitForSelector('tessera-studio #summary', { timeout: 90_000 });
    assert.match((await page.textContent('tessera-studio #summary')) ?? '', /^4 written, 0 failed/);
    const files = (await listOpfs(page, 'variants-out')).map((f) => f.path).sort();
    assert.deepEqual(files, ['one-large.jpg', 'one-small.webp', 'two-large.jpg', 'two-small.webp']);
    // The same files as the command wrote (same decode, steps and encoder): the same sizes.
    for (const f of await listOpfs(page, 'variants-out')) assert.equal(f.size, (await fs.stat(join(work, 'out', f.path))).size, f.path);
    assert.equal(await page.locator('tessera-studio tr.row[data-path="one.jpg"]').count(), 2);
    assert.match(
      (await page.textContent('tessera-studio tr.row[data-variant="large"][data-path="two.jpg"]')) ?? '',
      /two\.jpg\s*\(large\)[\s\S]*two-large\.jpg/,
    );
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
