/**
 * `npm run test:faults`: every fault-injection suite, the slow process-level
 * one included, with the fault table (test name = "fault → outcome") printed
 * for docs/reliability.md.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['tests/faults.test.ts', 'tests/disk-full.test.ts', 'tests/faults-slow/**/*.test.ts'],
      exclude: [],
      reporters: ['default', './tests/support/fault-table-reporter.ts', './tests/support/summary-reporter.ts'],
      testTimeout: 900_000,
      // One heavy process-level suite at a time: the machine has 2 cores.
      fileParallelism: false,
    },
  }),
);
