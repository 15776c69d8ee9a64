import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Minutes of real processes and the real model: `npm run test:faults` (which .ci/run also runs).
    exclude: ['tests/faults-slow/**', 'node_modules/**'],
    globalSetup: ['tests/support/build-bundles.ts'],
    // Model-backed suites load ONNX sessions; forks keep native memory per file.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
