import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'threads',
    // Vitest's CommonJS interop copies module.exports onto the namespace it awaits; OpenCV.js's
    // self-returning `then` would then make every import of it hang.
    deps: { interopDefault: false },
  },
});
