// The installable app's declarations (issue 12): the web policy every server and the service
// worker send, and the manifest built from the batch's own format tables.
import { describe, expect, test } from 'vitest';
import { ISOLATION_HEADERS, PAGE_CSP, WORKER_CSP, policyHeaders } from '../../src/core/web-policy';
import { ICONS, SHARE_FIELD, SHARE_TARGET_PATH, appManifest } from '../../src/core/app-manifest';
import { isImageName, isVideoName, mediaTypes } from '../../src/core/sniff';

/** A policy as directive → sources. */
const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );

describe('web policy', () => {
  test('the page: scripts from the origin and WebAssembly only, no eval, nothing sent elsewhere', () => {
    const d = directives(PAGE_CSP);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'blob:']);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(PAGE_CSP).not.toMatch(/'unsafe-eval'|https?:|\*/);
  });

  test("workers may evaluate (embind's wrappers) but still send nothing off the origin", () => {
    const d = directives(WORKER_CSP);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'blob:']);
    expect(WORKER_CSP).not.toMatch(/https?:|\*/);
  });

  test('every response is isolated; a worker script gets the worker policy, anything else the page one', () => {
    for (const dest of ['document', 'script', 'worker', 'image', '']) {
      const h = policyHeaders(dest);
      for (const [k, v] of Object.entries(ISOLATION_HEADERS)) expect(h[k]).toBe(v);
    }
    expect(policyHeaders('worker')['Content-Security-Policy']).toBe(WORKER_CSP);
    expect(policyHeaders('document')['Content-Security-Policy']).toBe(PAGE_CSP);
    expect(policyHeaders('script')['Content-Security-Policy']).toBe(PAGE_CSP);
    expect(ISOLATION_HEADERS['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(ISOLATION_HEADERS['Cross-Origin-Opener-Policy']).toBe('same-origin');
  });
});

describe('manifest', () => {
  const m = appManifest() as {
    display: string;
    start_url: string;
    scope: string;
    icons: { src: string; sizes: string; purpose: string }[];
    file_handlers: { action: string; accept: Record<string, string[]> }[];
    share_target: { action: string; method: string; enctype: string; params: { files: { name: string; accept: string[] }[] } };
  };

  test('installable: standalone, relative scope, 192 and 512 px icons and a maskable one', () => {
    expect(m.display).toBe('standalone');
    expect(m.start_url).toBe('./');
    expect(m.scope).toBe('./');
    expect(m.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    expect(m.icons.every((i) => ICONS.some((f) => f.src === i.src))).toBe(true);
  });

  test('"Open with" and "Share to" take exactly what a folder walk picks up', () => {
    const extensions = Object.values(m.file_handlers[0].accept).flat();
    expect(extensions.length).toBeGreaterThan(10);
    for (const ext of extensions) expect(isImageName(`x${ext}`) || isVideoName(`x${ext}`), ext).toBe(true);
    for (const name of ['a.jpg', 'a.JPEG', 'b.png', 'c.tif', 'd.webp', 'e.avif', 'f.heic', 'g.mp4', 'h.mov', 'i.webm', 'j.mkv']) {
      expect(extensions, name).toContain(name.slice(name.lastIndexOf('.')).toLowerCase());
    }
    expect(m.file_handlers[0].accept).toEqual(mediaTypes());
    expect(Object.keys(mediaTypes()).every((t) => /^(image|video)\/[\w.+-]+$/.test(t))).toBe(true);
    const files = m.share_target.params.files[0];
    expect(files.name).toBe(SHARE_FIELD);
    expect(files.accept).toEqual(expect.arrayContaining(['image/jpeg', 'video/mp4', '.jpg', '.mp4']));
    expect(m.share_target).toMatchObject({ action: `./${SHARE_TARGET_PATH}`, method: 'POST', enctype: 'multipart/form-data' });
  });
});
