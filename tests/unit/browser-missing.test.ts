/**
 * A machine whose Chromium cannot start must get a clear message and a non-zero exit in seconds,
 * from the browser-test preflight, the browser-test harness and the batch command alike (the
 * harness once left its server open, so `npm test` hung forever). A file that exists but cannot be
 * executed stands in for a broken Chromium.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tessera-nochromium-'));
const broken = join(dir, 'chromium'); // not executable: spawn fails with EACCES
writeFileSync(broken, 'not a browser\n');
const dist = join(dir, 'dist');
mkdirSync(dist);
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>stand-in</title>');
// The server sends the built app's web policy (dist/cli/web-policy.mjs); the stand-in has its own.
mkdirSync(join(dist, 'cli'));
writeFileSync(join(dist, 'cli', 'web-policy.mjs'), 'export const policyHeaders = () => ({});\n');
const env = { ...process.env, CHROMIUM_PATH: broken, TESSERA_DIST: dist };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 30_000 });
  // status null means the timeout killed it: the hang this test exists for.
  return { status: r.status, stderr: r.stderr };
}

describe('when Chromium cannot start', () => {
  it('the browser-test preflight stops at once with one message', () => {
    const r = run(['scripts/check-browser.mjs']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`browser tests cannot run: Chromium at ${broken} could not start`);
    expect(r.stderr).toContain('CHROMIUM_PATH');
  });

  it('the harness rejects and lets the process exit (no server left open)', () => {
    const script =
      "import('./tests/browser/harness.mjs').then((h) => h.startApp()).then(() => console.log('started'), (e) => { console.error(e.message); process.exitCode = 3; });";
    const r = run(['--input-type=module', '-e', script]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('could not start');
  });

  it('the batch command says so in words, without a stack trace', () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    writeFileSync(join(input, 'a.png'), 'x');
    const r = run(['scripts/batch.mjs', input, join(dir, 'out'), '--no-build']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Chromium at ${broken} could not run`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
