/** Vitest global setup: tests that start the bundled CLI run the current source, not a stale dist/. */
import { buildBundles } from '../../scripts/build.js';

export default async function setup(): Promise<void> {
  await buildBundles();
}
