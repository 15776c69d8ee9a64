/**
 * `npm run test:faults`: every fault-injection suite, the slow process-level
 * one included, with the fault table (test name = "fault → outcome") printed
 * for docs/reliability.md. Not mergeConfig: it would append these lists to
 * the base config's instead of replacing them.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    include: ['tests/faults.test.ts', 'tests/disk-full.test.ts', 'tests/faults-slow/**/*.test.ts'],
    exclude: ['node_modules/**'],
    reporters: ['default', './tests/support/fault-table-reporter.ts', './tests/support/summary-reporter.ts'],
    testTimeout: 900_000,
    // One heavy process-level suite at a time: the machine has 2 cores.
    fileParallelism: false,
  },
});
