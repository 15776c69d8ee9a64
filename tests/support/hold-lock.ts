/**
 * A separate process that takes the index lock through the real module and
 * holds it until it is killed: the owner a test kills with SIGKILL.
 * Usage: node --import tsx tests/support/hold-lock.ts INDEX_DIR
 */
import { withIndexLock } from '../../src/store/write/lock.js';

await withIndexLock(process.argv[2]!, { wait: false }, async () => {
  process.stdout.write('held\n');
  // A pending promise alone does not keep a process alive: a timer does.
  await new Promise(() => setInterval(() => undefined, 60_000));
});
