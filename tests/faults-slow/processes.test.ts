/**
 * Faults that need real processes and the real model: a build killed with
 * SIGKILL at points spread over its run, and two or three `npm run index`
 * started at once, twenty rounds. Slow (minutes), so `npm run test:faults`
 * runs it and `npm test` does not. Test names read "fault → outcome".
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/env.js';
import { copySotu } from '../../scripts/bench.js';
import { currentGeneration } from '../../src/store/files/layout.js';
import { loadIndex } from '../../src/store/read/load.js';
import { verifyIndex } from '../../src/store/read/verify.js';
import { expectFree } from '../support/lock.js';
import { scratch } from '../support/temp.js';

const CLI = join(PROJECT_ROOT, 'dist/cli.js');
let env: Record<string, string>;
let corpusDir: string;
let indexDir: string;

/** Runs the CLI to completion. */
function quotebot(...args: string[]): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  return { code: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

/** Starts a build and resolves with its exit code and stderr. */
function startBuild(...args: string[]) {
  const child = spawn(process.execPath, [CLI, 'index', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

async function expectIntact(): Promise<void> {
  const [current] = await verifyIndex(indexDir);
  expect(current!.files.filter((f) => f.problem)).toEqual([]);
}

function expectAnswers(): void {
  const ask = quotebot('ask', '--json', 'What did Ofsted find?');
  expect(ask.code, ask.stderr).toBe(0);
  expect(JSON.parse(ask.stdout)).toHaveProperty('verdict');
}

/**
 * Starts `index` 8 times, killing each with SIGKILL at a point spread over a
 * run of `runMs` (`before` prepares each round); after each kill the
 * published index is whole and answers.
 */
async function killEightTimes(runMs: number, args: string[], before?: (k: number) => Promise<void>): Promise<void> {
  for (let k = 0; k < 8; k++) {
    await before?.(k);
    const previous = await currentGeneration(indexDir);
    const build = startBuild(...args);
    await new Promise((resolve) => setTimeout(resolve, ((k + 0.5) / 8) * runMs));
    build.child.kill('SIGKILL');
    const { signal } = await build.done;
    // A kill that came too late finds the build done; either way the index must be whole.
    const published = await currentGeneration(indexDir);
    if (signal === 'SIGKILL') expect([previous, published]).toContain(published);
    await expectIntact();
    expectAnswers();
  }
}

beforeAll(async () => {
  const paths = await scratch();
  ({ corpusDir, indexDir } = paths);
  // Enough text that embedding takes seconds, so kills land in every phase.
  await copySotu(corpusDir, 6);
  env = { ...(process.env as Record<string, string>), CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: 'error' };
  const first = quotebot('index');
  expect(first.code, first.stderr).toBe(0);
}, 300_000);

describe('a build killed with SIGKILL', () => {
  it('at 8 points from model start-up to publishing → the published index stays whole and answers; the next build takes over the lock, cleans up and completes', async () => {
    const started = performance.now();
    expect(quotebot('index', '--force').code).toBe(0);
    await killEightTimes(performance.now() - started, ['--force']);
    const next = quotebot('index');
    expect(next.code, next.stderr).toBe(0);
    await expectFree(indexDir);
    const entries = await readdir(indexDir);
    expect(entries.filter((e) => e.endsWith('.tmp'))).toEqual([]);
    expect(entries.filter((e) => e.startsWith('gen-')).length).toBeLessThanOrEqual(2);
    await expectIntact();
  }, 900_000);
});

describe('an overlay update killed with SIGKILL', () => {
  it('at 8 points of its run → the published index stays whole and answers; the next update completes as an overlay holding every added file', async () => {
    /** A one-sentence article: a change small enough to be written as an overlay (store/write/overlay). */
    const add = (k: number) => writeFile(join(corpusDir, `late-${k}.txt`), `A late report number ${k} was filed about the harbour.\n`);
    await add(-1);
    const started = performance.now();
    const first = quotebot('index');
    expect(first.stderr).toMatch(/written beside the last full build/);
    await killEightTimes(performance.now() - started, [], add);
    const next = quotebot('index');
    expect(next.code, next.stderr).toBe(0);
    const index = await loadIndex(indexDir);
    expect(index.overlay?.passages.documents.map((d) => d.name).sort()).toEqual(Array.from({ length: 9 }, (_, k) => `late-${k - 1}.txt`).sort());
    await expectIntact();
  }, 900_000);
});

describe('concurrent builders as processes', () => {
  for (const builders of [2, 3]) {
    it(`${builders} "npm run index" at once, 10 rounds, each after an edit → all exit 0 (the lock makes the others wait); the index is whole and answers; a further build finds nothing changed`, async () => {
      for (let round = 0; round < 10; round++) {
        await appendFile(join(corpusDir, 'desk.txt'), `Round ${round} of ${builders} builders added this sentence.\n\n`);
        const results = await Promise.all(Array.from({ length: builders }, () => startBuild().done));
        for (const r of results) expect(r.code, r.stderr).toBe(0);
        await expectIntact();
      }
      expectAnswers();
      const again = quotebot('index');
      expect(again.stderr).toMatch(/added 0, changed 0, removed 0/);
    }, 900_000);
  }
});
