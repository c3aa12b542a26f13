// Lint: typescript-eslint's type-checked recommended rules over all code, floating promises as
// errors, and the layer rule (docs/ARCHITECTURE.md "Layers") as import restrictions.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layer rule as no-restricted-imports: for a file `depth` folders below src/<layer>/, a
 * relative import reaches src/ with exactly depth + 1 "../"; what it names next is the layer.
 * @param {string} name the layer's folder under src/
 * @param {string[]} forbidden folders (and top-level modules) of src/ it may not import
 * @param {string[]} packages npm packages it may not import
 * @param {string} why the message
 * @returns {import('eslint').Linter.Config[]}
 */
function layer(name, forbidden, packages, why) {
  return [0, 1, 2, 3].map((depth) => ({
    files: [`src/${name}/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^(?:\\.\\./){${depth + 1}}(?:${forbidden.join('|')})(?:[/.]|$)`, message: why },
            ...(packages.length ? [{ group: packages, message: why }] : []),
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      'wasm/build/**',
      'bench/results/**',
      'test-results/**',
      '.tmp/**',
      'public/**',
      'wasm/src/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // The service worker is its own program (WebWorker types): the project service only looks at
  // the root tsconfig, so its files name their own.
  {
    files: ['src/sw/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: ['./src/sw/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.serviceworker },
    },
  },
  // The layers: ui → jobs → pool/io → engine → core. Core has no DOM and no wasm.
  ...layer(
    'core',
    ['engine', 'pool', 'io', 'jobs', 'ui', 'api', 'main'],
    ['wasm-vips', '@techstark/opencv-js', 'lit', 'lit/*', 'comlink', 'mediabunny', 'fflate'],
    'core imports nothing of ours outside core, and no wasm, DOM or UI library',
  ),
  ...layer('engine', ['pool', 'io', 'jobs', 'ui', 'api', 'main'], ['lit', 'lit/*'], 'engine imports only core'),
  ...layer('pool', ['io', 'jobs', 'ui', 'api', 'main'], ['lit', 'lit/*'], 'pool imports only engine and core'),
  ...layer('io', ['pool', 'jobs', 'ui', 'api', 'main'], ['lit', 'lit/*'], 'io imports only engine and core'),
  ...layer('jobs', ['ui', 'main'], ['lit', 'lit/*'], 'jobs do not import the UI'),
);
