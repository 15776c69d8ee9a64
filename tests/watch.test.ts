/**
 * `index --watch`: the debounce on a fake clock, the folder watch with a fake
 * build on a real folder, and the real CLI (fake embedder) adding, editing and
 * deleting files while it runs.
 */
import { watch } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { corpusSnapshot, debounce, watchCorpus, type Clock, type WatchFolder } from '../src/cli/watch-corpus.js';
import type { BuildReport } from '../src/store/write/build-options.js';
import { cli, eventually, startCli } from './support/cli.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Timers that fire only when the test advances time. */
function fakeClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.set(++nextId, { at: now + ms, run });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const [id, due] = [...timers].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
        if (id === undefined || !due) break;
        timers.delete(id);
        now = due.at;
        due.run();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('debounce', () => {
  const timing = { quietMs: 700, maxWaitMs: 5000 };

  it('makes one run of a burst (an editor saving twice, a 50-file copy) once it has been quiet', async () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const updates = debounce(async () => void runs.push(clock.now()), timing, clock);
    updates.changed();
    await clock.advance(5);
    updates.changed();
    for (let i = 0; i < 50; i++) {
      await clock.advance(10);
      updates.changed();
    }
    await clock.advance(699);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([505 + 700]);
    await clock.advance(10_000);
    expect(runs).toHaveLength(1);
  });

  it('still runs every maxWait while changes keep coming', async () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const updates = debounce(async () => void runs.push(clock.now()), timing, clock);
    for (let t = 0; t < 12_000; t += 300) {
      updates.changed();
      await clock.advance(300);
    }
    await clock.advance(1000);
    // First change at 0 → 5000; the next one after that (5100) → 10100; the last (11700) + quiet → 12400.
    expect(runs).toEqual([5000, 10_100, 12_400]);
  });

  it('never runs twice at once: changes during a run make one more run; stop cancels what waits and lets a run finish', async () => {
    const clock = fakeClock();
    const gates: ReturnType<typeof deferred>[] = [];
    const updates = debounce(
      () => {
        gates.push(deferred());
        return gates.at(-1)!.promise;
      },
      timing,
      clock,
    );
    updates.changed();
    await clock.advance(700);
    expect(gates).toHaveLength(1);
    for (let i = 0; i < 3; i++) updates.changed();
    await clock.advance(5000);
    expect(gates).toHaveLength(1);
    gates[0]!.resolve();
    await settle();
    await clock.advance(0);
    expect(gates).toHaveLength(2);

    let stopped = false;
    const stopping = updates.stop().then(() => (stopped = true));
    updates.changed();
    await clock.advance(10_000);
    expect(stopped).toBe(false);
    gates[1]!.resolve();
    await stopping;
    expect(gates).toHaveLength(2);
  });
});

function report(added: string[] = []): BuildReport {
  return { added, changed: [], removed: [], unchanged: [], sentences: 1234, embedded: 0, graph: 'patched', warnings: [], seconds: 0.84, generation: 'g' };
}

/** watchCorpus over a scratch folder with a fake update that records each call. */
async function watching(options: { watchFolder?: WatchFolder; pollMs?: number; update?: () => Promise<BuildReport> } = {}) {
  const { corpusDir } = await scratch();
  const lines: string[] = [];
  let updates = 0;
  const controller = new AbortController();
  const done = watchCorpus({
    corpusDir,
    seen: await corpusSnapshot(corpusDir),
    signal: controller.signal,
    say: (line) => lines.push(line),
    update: async () => {
      updates++;
      return options.update ? options.update() : report();
    },
    timing: { quietMs: 150, maxWaitMs: 2000, pollMs: options.pollMs ?? 60_000 },
    ...(options.watchFolder ? { watchFolder: options.watchFolder } : {}),
  });
  await eventually(() => lines.some((l) => l.startsWith('Watching')), 'the watch to start');
  return { corpusDir, lines, updates: () => updates, stop: () => controller.abort(), done };
}

describe('watchCorpus', () => {
  it('updates once per burst, not for files that are not documents, and keeps going after a failed update', async () => {
    let failNext = false;
    const w = await watching({
      update: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        return report(['a.md']);
      },
    });
    for (let i = 0; i < 50; i++) await writeFile(join(w.corpusDir, `burst-${i}.txt`), `File ${i} has a sentence.\n`);
    await eventually(() => w.updates() === 1, 'one update');
    await sleep(500);
    expect(w.updates()).toBe(1);
    expect(w.lines.at(-1)).toBe('updated: +1 added (a.md), 0 changed, 0 removed · 1,234 sentences · 0.8 s');

    // An editor's swap file and the probe file vim writes are not documents: nothing to build.
    await writeFile(join(w.corpusDir, '.article.txt.swp'), 'x');
    await writeFile(join(w.corpusDir, '4913'), '');
    await sleep(500);
    expect(w.updates()).toBe(1);

    failNext = true;
    await writeFile(join(w.corpusDir, 'burst-0.txt'), 'Changed once.\n');
    await eventually(() => w.lines.at(-1) === 'update failed: disk full (retrying at the next change)', 'the failure line');
    await writeFile(join(w.corpusDir, 'burst-1.txt'), 'Changed twice.\n');
    await eventually(() => w.updates() === 3, 'the retry at the next change');
    w.stop();
    await w.done;
  });

  it('notices changes by polling the stamps when fs.watch reports nothing', async () => {
    const w = await watching({ watchFolder: () => () => undefined, pollMs: 200 });
    await writeFile(join(w.corpusDir, 'quiet.txt'), 'Nobody told the watcher about this file.\n');
    await eventually(() => w.updates() === 1, 'the poll to notice', 3000);
    await rm(join(w.corpusDir, 'quiet.txt'));
    await eventually(() => w.updates() === 2, 'the poll to notice the removal', 3000);
    w.stop();
    await w.done;
  });

  it('watches the new folder when the corpus folder is replaced (the old watch goes silent)', async () => {
    const watched: string[] = [];
    const w = await watching({
      pollMs: 200,
      watchFolder: (dir, onChange) => {
        watched.push(dir);
        const watcher = watch(dir, onChange).on('error', onChange);
        return () => watcher.close();
      },
    });
    await rename(w.corpusDir, `${w.corpusDir}-old`);
    await mkdir(w.corpusDir);
    await writeFile(join(w.corpusDir, 'fresh.txt'), 'A fresh folder with one article in it.\n');
    await eventually(() => w.updates() === 1, 'the update after the folder was replaced', 3000);
    await eventually(() => watched.length === 2, 'the new folder to be watched', 3000);
    expect(watched).toEqual([w.corpusDir, w.corpusDir]);
    await writeFile(join(w.corpusDir, 'later.txt'), 'A later article in the new folder.\n');
    await eventually(() => w.updates() === 2, 'the update after a write in the new folder', 3000);
    w.stop();
    await w.done;
  });

  it('stops when the signal aborts, after the update in progress finishes', async () => {
    const gate = deferred();
    let started = false;
    const w = await watching({
      update: async () => {
        started = true;
        await gate.promise;
        return report(['slow.txt']);
      },
    });
    await writeFile(join(w.corpusDir, 'slow.txt'), 'A slow build.\n');
    await eventually(() => started, 'the update to start');
    let stopped = false;
    void w.done.then(() => (stopped = true));
    w.stop();
    await sleep(100);
    expect(stopped).toBe(false);
    expect(w.lines.at(-1)).toBe('Finishing the update in progress, then stopping.');
    gate.resolve();
    await w.done;
    expect(w.lines.at(-1)).toMatch(/^updated: \+1 added \(slow\.txt\)/);
  });
});

describe('index --watch through the CLI', () => {
  const embedder = fakeEmbedder();

  async function watchingCli() {
    const paths = await scratch();
    const env = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir };
    const controller = new AbortController();
    const running = startCli(['index', '--watch'], env, { embedder, signal: controller.signal });
    await eventually(() => running.stderr().includes('Watching'), () => `the watch to start:\n${running.stderr()}`, 30_000);
    const updates = () => running.stderr().split('\n').filter((l) => l.startsWith('updated: '));
    /** Waits for the next update line, returning it and the seconds since `since`. */
    const nextUpdate = async (since: number) => {
      const seen = updates().length;
      await eventually(() => updates().length > seen, () => `an update line:\n${running.stderr()}`, 15_000);
      return { line: updates().at(-1)!, seconds: (performance.now() - since) / 1000 };
    };
    const ask = async (question: string) => {
      const result = await cli(['ask', '--json', question], env, '', embedder);
      // The watcher did the work: the ask found the index current.
      expect(result.stderr).not.toMatch(/updating|building/i);
      const answer = JSON.parse(result.stdout) as { quotes: { text: string; doc: string }[]; related: { text: string; doc: string }[] };
      return [...answer.quotes, ...answer.related];
    };
    return { ...paths, env, running, updates, nextUpdate, ask, stop: () => controller.abort() };
  }

  it('keeps the index current: an added, edited or deleted file is answerable or gone within seconds of the last write', async () => {
    const w = await watchingCli();
    const file = join(w.corpusDir, 'library.md');
    await writeFile(file, 'The Foleshill library will reopen in June with a robotics club for teenagers, the council said.\n');
    let update = await w.nextUpdate(performance.now());
    expect(update.line).toMatch(/^updated: \+1 added \(library\.md\), 0 changed, 0 removed · \d+ sentences · \d+\.\d s$/);
    expect(update.seconds).toBeLessThan(5);
    expect((await w.ask('When will the Foleshill library reopen?')).some((q) => q.doc === 'library.md' && q.text.includes('June'))).toBe(true);

    // An editor saving twice in quick succession: one update.
    await writeFile(file, 'The Foleshill library will reopen in August.\n');
    await writeFile(file, 'The Foleshill library will reopen in September with a robotics club for teenagers, the council said.\n');
    update = await w.nextUpdate(performance.now());
    expect(update.line).toMatch(/^updated: \+0 added, 1 changed \(library\.md\), 0 removed/);
    expect(update.seconds).toBeLessThan(5);
    const edited = await w.ask('When will the Foleshill library reopen?');
    expect(edited.some((q) => q.doc === 'library.md' && q.text.includes('September'))).toBe(true);

    await rm(file);
    update = await w.nextUpdate(performance.now());
    expect(update.line).toMatch(/^updated: \+0 added, 0 changed, 1 removed \(library\.md\)/);
    expect((await w.ask('When will the Foleshill library reopen?')).some((q) => q.doc === 'library.md')).toBe(false);
    expect(w.updates()).toHaveLength(3);

    w.stop();
    const result = await w.running.done;
    expect(result.code).toBe(0);
  });

  it('makes one or two updates of a burst of 50 files', async () => {
    const w = await watchingCli();
    const started = performance.now();
    for (let i = 0; i < 50; i++) {
      await writeFile(join(w.corpusDir, `brief-${i}.txt`), `Briefing ${i}: the ward ${i} councillors met on Tuesday to discuss the budget.\n`);
    }
    await eventually(() => w.updates().some((l) => /\+\d+ added/.test(l)), 'the update');
    await sleep(2000);
    const added = w.updates().reduce((sum, l) => sum + Number(/\+(\d+) added/.exec(l)![1]), 0);
    expect(w.updates().length).toBeGreaterThanOrEqual(1);
    expect(w.updates().length).toBeLessThanOrEqual(2);
    expect(added).toBe(50);
    expect((performance.now() - started) / 1000).toBeLessThan(15);
    w.stop();
    expect((await w.running.done).code).toBe(0);
  });

  it('keeps running through a bad file (a warning) and a failed update (one line), and updates at the next change', async () => {
    const w = await watchingCli();
    await writeFile(join(w.corpusDir, 'scan.txt'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0xff]));
    await w.nextUpdate(performance.now());
    expect(w.running.stderr()).toContain('Skipped "scan.txt": it looks binary (contains NUL bytes).');

    // Every document gone: the build fails (empty corpus); the watcher says so and waits for the next change.
    await rm(w.corpusDir, { recursive: true });
    await mkdir(w.corpusDir);
    await eventually(() => /update failed: No readable documents/.test(w.running.stderr()), () => `the failure line:\n${w.running.stderr()}`, 15_000);
    await writeFile(join(w.corpusDir, 'back.md'), 'The council published its improvement plan on Friday, officials confirmed.\n');
    const update = await w.nextUpdate(performance.now());
    expect(update.line).toMatch(/\+1 added \(back\.md\)/);
    w.stop();
    expect((await w.running.done).code).toBe(0);
  });

  it('stops on SIGTERM or SIGINT when Io has no signal, with exit code 0', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const paths = await scratch();
      const stderr = new PassThrough();
      const err: string[] = [];
      stderr.on('data', (c: Buffer) => err.push(c.toString()));
      const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir } };
      const done = run(['index', '--watch'], io, async () => embedder);
      await eventually(() => err.join('').includes('Watching'), 'the watch to start', 30_000);
      process.emit(signal);
      expect(await done).toBe(0);
      // The handlers are gone with the command: Node's default applies again.
      expect(process.listenerCount(signal)).toBe(0);
    }
  });
});
