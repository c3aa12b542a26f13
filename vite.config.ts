import { resolve } from 'node:path';
import { build, defineConfig, type Plugin } from 'vite';

/**
 * The batch command's flags and --help come from the app's option specs (src/core/option-flags.ts).
 * Built beside the app as plain ESM (dist/cli/option-flags.mjs), the command imports them in
 * milliseconds; loading the TypeScript through Vite's SSR loader instead cost 0.4–0.8 s a run.
 */
function cliOptionFlags(): Plugin {
  let outDir = 'dist';
  return {
    name: 'tessera-cli-option-flags',
    apply: (_config, env) => env.command === 'build' && !process.env.TESSERA_NESTED_BUILD,
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      process.env.TESSERA_NESTED_BUILD = '1';
      try {
        await build({
          configFile: false,
          logLevel: 'warn',
          publicDir: false,
          build: {
            outDir: resolve(outDir, 'cli'),
            emptyOutDir: true,
            target: 'node20',
            minify: false,
            lib: { entry: resolve(import.meta.dirname, 'src/core/option-flags.ts'), formats: ['es'], fileName: () => 'option-flags.mjs' },
          },
        });
      } finally {
        delete process.env.TESSERA_NESTED_BUILD;
      }
    },
  };
}

// SharedArrayBuffer needs cross-origin isolation; both servers send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [cliOptionFlags()],
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
