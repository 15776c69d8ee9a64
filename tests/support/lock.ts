/** The index lock from outside: a holder in another process, and a check that nobody holds it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/env.js';
import { withIndexLock } from '../../src/store/write/lock.js';

/** The lock can be taken at once: nobody holds it. */
export async function expectFree(indexDir: string): Promise<void> {
  expect(await withIndexLock(indexDir, { wait: false }, async () => 'taken')).toBe('taken');
}

/** A child process holding the lock through the real module (tests/support/hold-lock.ts), once it says so. */
export async function holdInChild(indexDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'tests/support/hold-lock.ts'), indexDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  afterAll(() => void child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return child;
}

/** Kills a holder with SIGKILL and waits until it is gone. */
export async function killHolder(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
