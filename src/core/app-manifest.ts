/**
 * The web app manifest: what the browser needs to install Tessera, open files with it and receive
 * photos shared from a phone's gallery. Built into dist/manifest.webmanifest at build time
 * (vite.config.ts); the accepted types come from the batch's own format tables (core/sniff).
 */
import { mediaTypes } from './sniff';

/** Where the service worker receives shares (POST multipart, see src/sw/share-target.ts). */
export const SHARE_TARGET_PATH = 'share-target';
/** The form field the shared files arrive in. */
export const SHARE_FIELD = 'media';
/** The query parameter the service worker redirects a share to: the id of the stored files. */
export const SHARE_QUERY = 'share';

/** Colours of the icon (public/icon.svg) and of the page. */
export const THEME_COLOUR = '#1d2433';
export const BACKGROUND_COLOUR = '#f4f5f7';

/** Icon files rendered from public/icon.svg at build time: name → size (px) and purpose. */
export const ICONS = [
  { src: 'icons/icon-192.png', size: 192, purpose: 'any' },
  { src: 'icons/icon-512.png', size: 512, purpose: 'any' },
  { src: 'icons/maskable-512.png', size: 512, purpose: 'maskable' },
  { src: 'icons/apple-touch-icon.png', size: 180, purpose: 'apple' },
] as const;

/** Install-sheet screenshots (docs/, copied into the build). */
export const SCREENSHOTS = [
  {
    src: 'screenshots/wide.png',
    from: 'docs/install-wide.png',
    sizes: '1280x800',
    form_factor: 'wide',
    label: 'The studio after a batch: input, recipe with per-step timings, output and progress',
  },
  { src: 'screenshots/narrow.png', from: 'docs/install-narrow.png', sizes: '390x844', form_factor: 'narrow', label: 'Tessera on a phone' },
] as const;

/**
 * The manifest. Paths are relative to the manifest (which sits at the app's root), so the same
 * build works at a site's root or under any sub-path (a GitHub-Pages-style /project/).
 */
export function appManifest(): Record<string, unknown> {
  const types = mediaTypes();
  const accepted = Object.keys(types).concat(Object.values(types).flat());
  return {
    id: './',
    name: 'Tessera — batch image and video studio',
    short_name: 'Tessera',
    description: 'Batch image and video processing in your browser, in parallel, offline. Nothing is uploaded.',
    lang: 'en',
    start_url: './',
    scope: './',
    display: 'standalone',
    display_override: ['window-controls-overlay', 'standalone'],
    orientation: 'any',
    theme_color: THEME_COLOUR,
    background_color: BACKGROUND_COLOUR,
    categories: ['photo', 'productivity', 'utilities'],
    icons: ICONS.filter((i) => i.purpose !== 'apple').map((i) => ({
      src: i.src,
      sizes: `${i.size}x${i.size}`,
      type: 'image/png',
      purpose: i.purpose,
    })),
    screenshots: SCREENSHOTS.map(({ src, sizes, form_factor, label }) => ({ src, sizes, type: 'image/png', form_factor, label })),
    file_handlers: [{ action: './', accept: types }],
    launch_handler: { client_mode: 'focus-existing' },
    share_target: {
      action: `./${SHARE_TARGET_PATH}`,
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { title: 'title', text: 'text', url: 'url', files: [{ name: SHARE_FIELD, accept: accepted }] },
    },
  };
}
