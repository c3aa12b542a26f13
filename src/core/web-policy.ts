/**
 * The headers that make Tessera what it promises, in one place: cross-origin isolation (so pixels
 * can be shared between workers) and a Content-Security-Policy that keeps every byte on the
 * device. The service worker adds them to what it serves (so any static host works), and the dev
 * and test servers send the same ones.
 */

/** COOP + COEP make the page cross-origin isolated; CORP lets its own workers load each file. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const common = [
  "default-src 'self'",
  // Pictures and videos are shown from blob: URLs made on the device; data: for tiny inline icons.
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  // Lit templates set style attributes; styles cannot send data anywhere under connect-src 'self'.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  // Nothing leaves the origin: no fetch, XHR, WebSocket or beacon to anywhere else. blob: URLs
  // are objects made on this device (a recording, a zip) that page code may read back.
  "connect-src 'self' blob:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

/**
 * The page's policy: scripts from the origin only, WebAssembly allowed, no eval. Also in
 * index.html as a meta tag, so it holds on a host that serves no headers before the service
 * worker takes over.
 */
export const PAGE_CSP = [...common, "script-src 'self' 'wasm-unsafe-eval'", "manifest-src 'self'"].join('; ');

/**
 * Workers carry their own policy (their script's response, not the page's meta tag). wasm-vips and
 * OpenCV.js are Emscripten builds whose embind bindings compile their call wrappers with
 * `new Function`, and wasm-vips loads its HEIF side module's EM_ASM snippets with `eval`: the
 * workers need 'unsafe-eval' or no image decodes. connect-src stays 'self', so even evaluated code
 * cannot send anything off the device.
 */
export const WORKER_CSP = [...common, "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'"].join('; ');

/** What a response for a request of this `destination` (Fetch's `Request.destination`) carries. */
export function policyHeaders(destination: string): Record<string, string> {
  const csp = destination === 'worker' || destination === 'sharedworker' || destination === 'serviceworker' ? WORKER_CSP : PAGE_CSP;
  return { ...ISOLATION_HEADERS, 'Content-Security-Policy': csp };
}
