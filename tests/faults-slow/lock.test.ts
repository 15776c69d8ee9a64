/**
 * The index lock against owners that die and waiters that race. The lock is
 * an flock(2) the kernel drops with its holder's process, so these are stated
 * by what happened to the holder, never by the pid or age its file names.
 * Test names read "fault → outcome" (the fault table in docs/reliability.md).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QuotebotError } from '../../src/errors.js';
import { buildIndex } from '../../src/store/write/build.js';
import { loadIndex } from '../../src/store/read/load.js';
import { LOCK_FILE, withIndexLock } from '../../src/store/write/lock.js';
import { fakeEmbedder } from '../support/fake-embedder.js';
import { expectFree, holdInChild, killHolder } from '../support/lock.js';
import { scratch } from '../support/temp.js';

const embedder = fakeEmbedder();
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('the index lock', () => {
  it('held by a live build in another process → a build with --no-wait fails at once with INDEX_LOCKED naming that process', async () => {
    const paths = await scratch();
    const owner = await holdInChild(paths.indexDir);
    const error = await buildIndex({ ...paths, embedder, wait: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotebotError);
    expect((error as QuotebotError).code).toBe('INDEX_LOCKED');
    expect((error as QuotebotError).message).toContain(`process ${owner.pid}`);
    await killHolder(owner);
  });

  it('left by an owner killed with SIGKILL, its file still naming it → taken over at once, with no age to wait out', async () => {
    const paths = await scratch();
    const owner = await holdInChild(paths.indexDir);
    await killHolder(owner);
    expect(await readFile(join(paths.indexDir, LOCK_FILE), 'utf8')).toContain(`"pid":${owner.pid}`);
    expect((await buildIndex({ ...paths, embedder, wait: false })).sentences).toBeGreaterThan(0);
  });

  it('a lock file an older version left, naming a live process (pid 1 after a container restart, or this one) since 2020, or garbled → never blocks a build', async () => {
    const paths = await scratch();
    await mkdir(paths.indexDir, { recursive: true });
    for (const pid of [1, process.pid]) {
      await writeFile(join(paths.indexDir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
      expect((await buildIndex({ ...paths, embedder, wait: false })).sentences).toBeGreaterThan(0);
    }
    await writeFile(join(paths.indexDir, LOCK_FILE), 'garbage from a crash mid-write');
    expect((await buildIndex({ ...paths, embedder, wait: false })).embedded).toBe(0);
  });

  it('two waiters racing for the lock of an owner killed with SIGKILL → exactly one holds it at a time; the other gets it after', async () => {
    const paths = await scratch();
    const owner = await holdInChild(paths.indexDir);
    const spans: [number, number][] = [];
    const waiter = () =>
      withIndexLock(paths.indexDir, {}, async () => {
        const entered = performance.now();
        // While this waiter holds it, nobody else can take it.
        const other = await withIndexLock(paths.indexDir, { wait: false }, async () => 'taken').catch((e: unknown) => (e as QuotebotError).code);
        await settle();
        spans.push([entered, performance.now()]);
        return other;
      });
    const racing = Promise.all([waiter(), waiter()]);
    await settle();
    expect(spans).toEqual([]);
    await killHolder(owner);
    expect(await racing).toEqual(['INDEX_LOCKED', 'INDEX_LOCKED']);
    const [first, second] = spans.sort((x, y) => x[0] - y[0]);
    expect(second![0]).toBeGreaterThanOrEqual(first![1]);
    await expectFree(paths.indexDir);
  });

  it('two builds racing for the lock of an owner killed with SIGKILL → both publish; neither removes the other\'s generation', async () => {
    const paths = await scratch();
    await buildIndex({ ...paths, embedder });
    const owner = await holdInChild(paths.indexDir);
    const builds = Promise.all([buildIndex({ ...paths, embedder, force: true }), buildIndex({ ...paths, embedder, force: true })]);
    await settle();
    await killHolder(owner);
    const [a, b] = await builds;
    expect(a.generation).not.toBe(b.generation);
    // The later build keeps the earlier one's generation as the previous one.
    const kept = (await readdir(paths.indexDir)).filter((e) => e.startsWith('gen-'));
    expect(kept.sort()).toEqual([a.generation, b.generation].map((g) => basename(g)).sort());
    expect((await loadIndex(paths.indexDir)).passages.length).toBe(b.sentences);
  });

  it('callers that fail to take a held lock, then a holder that finishes → the holder keeps it until it finishes; then it is free', async () => {
    const paths = await scratch();
    let release!: () => void;
    const holding = withIndexLock(paths.indexDir, {}, () => new Promise<void>((resolve) => (release = resolve)));
    await settle();
    for (let k = 0; k < 3; k++) {
      const error = await withIndexLock(paths.indexDir, { wait: false }, async () => 'taken').catch((e: unknown) => e);
      expect((error as QuotebotError).code).toBe('INDEX_LOCKED');
      expect((error as QuotebotError).message).toContain(`process ${process.pid}`);
    }
    release();
    await holding;
    await expectFree(paths.indexDir);
  });
});
