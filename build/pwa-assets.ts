/**
 * Vite plugin: the installable app's files, made at build time so no binary is committed — the
 * icons rendered from public/icon.svg by wasm-vips' SVG loader (resvg) in Node, the install-sheet
 * screenshots copied from docs/, and the manifest from src/core/app-manifest.ts.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { ICONS, SCREENSHOTS, THEME_COLOUR, appManifest } from '../src/core/app-manifest';

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Renders `svg` as PNGs: plain icons keep their transparent corners; maskable and Apple ones are full-bleed. */
async function renderIcons(svg: Uint8Array): Promise<Map<string, Uint8Array>> {
  const { default: Vips } = await import('wasm-vips');
  const vips = await Vips({ dynamicLibraries: ['vips-resvg.wasm'] });
  const out = new Map<string, Uint8Array>();
  const probe = vips.Image.svgloadBuffer(svg);
  const natural = probe.width;
  probe.delete();
  for (const icon of ICONS) {
    // Maskable icons are cropped to a circle of 80 % of their size by the launcher: the artwork
    // goes inside that safe zone, on the icon's own background colour.
    const art = icon.purpose === 'any' ? icon.size : Math.round(icon.size * (icon.purpose === 'maskable' ? 0.8 : 1));
    const img = vips.Image.svgloadBuffer(svg, { scale: art / natural });
    try {
      if (icon.purpose === 'any') out.set(icon.src, img.pngsaveBuffer());
      else {
        const at = Math.floor((icon.size - img.width) / 2);
        const full = img.embed(at, at, icon.size, icon.size, { extend: 'background', background: [0, 0, 0, 0] });
        const flat = full.flatten({ background: rgb(THEME_COLOUR) });
        try {
          out.set(icon.src, flat.pngsaveBuffer());
        } finally {
          flat.delete();
          full.delete();
        }
      }
    } finally {
      img.delete();
    }
  }
  return out;
}

/** The plugin: emits icons/, screenshots/ and manifest.webmanifest into the build. */
export function pwaAssets(root: string): Plugin {
  return {
    name: 'tessera-pwa-assets',
    apply: 'build',
    async generateBundle() {
      const icons = await renderIcons(await readFile(resolve(root, 'public/icon.svg')));
      for (const [fileName, source] of icons) this.emitFile({ type: 'asset', fileName, source });
      for (const s of SCREENSHOTS) this.emitFile({ type: 'asset', fileName: s.src, source: await readFile(resolve(root, s.from)) });
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: JSON.stringify(appManifest(), null, 2) });
    },
    transformIndexHtml: () => [
      { tag: 'link', attrs: { rel: 'manifest', href: './manifest.webmanifest' }, injectTo: 'head' },
      { tag: 'link', attrs: { rel: 'apple-touch-icon', href: './icons/apple-touch-icon.png' }, injectTo: 'head' },
    ],
  };
}
