import { defineConfig } from 'vite';

// SharedArrayBuffer needs cross-origin isolation; both servers send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  // 'es' workers share chunks; iife would fold OpenCV.js into every worker bundle.
  worker: { format: 'es' },
  optimizeDeps: {
    // wasm-vips locates vips.wasm relative to its own module: pre-bundling breaks that.
    exclude: ['wasm-vips'],
    include: ['comlink', 'lit', 'fflate'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 12_000 },
});
