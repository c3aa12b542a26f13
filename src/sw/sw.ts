/**
 * Tessera's service worker (built by vite-plugin-pwa's injectManifest into dist/sw.js). One worker
 * does three jobs, since only one can control the page:
 * - precache (workbox) the whole app — shell, workers, wasm-vips and its side modules, OpenCV.js,
 *   the video chunk, the face models — so everything works offline after one visit;
 * - add the isolation headers and the Content-Security-Policy (core/web-policy) to every response
 *   it serves, so a static host that sends no headers still gives a cross-origin isolated page;
 * - receive photos shared from other apps (share-target.ts).
 * A new version installs in the background and waits: the page offers "Reload to update" and
 * only then asks it to take over (message SKIP_WAITING), never under a running batch.
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { PrecacheEntry } from 'workbox-precaching';
import { policyHeaders } from '../core/web-policy';
import { SHARE_TARGET_PATH } from '../core/app-manifest';
import { receiveShare } from './share-target';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

/** The response with the isolation and CSP headers for what asked for it. */
function withPolicy(request: Request, response: Response): Response {
  // Opaque and redirected responses cannot be rebuilt; the app makes none to other origins.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(policyHeaders(request.destination))) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

addPlugins([{ handlerWillRespond: ({ request, response }) => Promise.resolve(withPolicy(request, response)) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page of the app is the app: index.html from the precache (so a reload offline works).
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

registerRoute(
  ({ url, request }) => request.method === 'POST' && url.pathname === new URL(SHARE_TARGET_PATH, self.registration.scope).pathname,
  ({ request }) => receiveShare(request, self.registration.scope),
  'POST',
);

// Anything else of this origin that is not precached (the batch command's receiver, a file added
// after the build): the network, with the headers. Offline it fails as a network error, honestly.
registerRoute(
  ({ url }) => url.origin === self.location.origin,
  async ({ request }) => withPolicy(request, await fetch(request)),
);

self.addEventListener('message', (e: ExtendableMessageEvent) => {
  if ((e.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first visit's page is taken over at once (it reloads itself into isolation); updates wait.
clientsClaim();
