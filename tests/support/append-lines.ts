/**
 * A separate process appending numbered lines to a log through the real
 * module, as fast as it can: two of them race, or one is killed mid-burst.
 * Usage: node --import tsx tests/support/append-lines.ts FILE NAME COUNT [MAX_BYTES]
 * COUNT 0 appends until killed. Prints "started" once the first line is written.
 */
import { appendLog } from '../../src/journal/append-log.js';

const [file, name, count, maxBytes] = process.argv.slice(2);
const log = appendLog({ file: file!, maxBytes: Number(maxBytes ?? Number.MAX_SAFE_INTEGER), days: 30 });
const padding = 'x'.repeat(2000);
for (let i = 0; Number(count) === 0 || i < Number(count); i++) {
  await log.append({ writer: name, i, padding });
  if (i === 0) process.stdout.write('started\n');
}
await log.flush();
