/**
 * A graceful stop, proven (issue 30): the real bot (dist/bot.js, its own
 * process) against the fake Discord gets SIGTERM in the middle of a burst.
 * Every question that reached it before the signal is answered, the
 * question log and the votes end in whole lines, and it exits 0 within
 * STOP_WITHIN_MS. Test names read "fault → outcome".
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/env.js';
import { BOT_ID, FakeDiscord, TOKEN, replyTo, type RecordedRequest } from '../support/fake-discord.js';
import { callbackOf } from '../support/bot.js';
import { scratch } from '../support/temp.js';

/** SIGTERM to exit: the replies in flight (the bot's line drains at 4 at a time) and the flush. */
const STOP_WITHIN_MS = 15_000;
const BURST = 24;

describe('stopping the bot', () => {
  it('SIGTERM in the middle of a burst → every question already taken is answered, whole log lines, exit 0 in time', async () => {
    const paths = await scratch();
    const files = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir, QUESTION_LOG_FILE: join(paths.dir, 'questions.jsonl'), FEEDBACK_FILE: join(paths.dir, 'feedback.jsonl') };
    const cli = join(PROJECT_ROOT, 'dist', 'cli.js');
    expect(spawnSync(process.execPath, [cli, 'index'], { env: { ...process.env, ...files } }).status).toBe(0);
    const fake = new FakeDiscord();
    await fake.start();
    const bot = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'bot.js')], {
      env: { ...process.env, ...files, DISCORD_TOKEN: TOKEN, DISCORD_API_BASE: fake.apiBase, LOG_LEVEL: 'info', RATE_LIMIT_USER_PER_MIN: '1000', RATE_LIMIT_CHANNEL_PER_MIN: '1000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const logged: { msg?: string }[] = [];
    createInterface({ input: bot.stderr! }).on('line', (line) => {
      try {
        logged.push(JSON.parse(line) as { msg?: string });
      } catch {
        // pino-pretty is never used here (stderr is not a terminal): a line that is not JSON says nothing.
      }
    });
    const exited = new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
    try {
      const until = async (check: () => boolean, what: string) => {
        const deadline = Date.now() + 60_000;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await until(() => logged.some((l) => l.msg?.startsWith('ready as')), 'the bot to be ready');
      const voted = fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`, { id: '500000000000040000' });
      const first = await fake.waitFor(replyTo(voted));
      await fake.waitFor(callbackOf(fake.click('vote:down', first).id));
      const ids = Array.from({ length: BURST }, (_, i) => fake.mention(`<@${BOT_ID}> Question ${i}: what did the council say about caseloads?`, { id: String(500000000000040001n + BigInt(i)) }));
      // Every question of the burst has reached the bot: then the signal, while most are still in its line.
      await until(() => logged.filter((l) => l.msg === 'question').length >= BURST + 1, 'the burst to reach the bot');
      const signalled = Date.now();
      bot.kill('SIGTERM');
      expect(await exited).toBe(0);
      const tookMs = Date.now() - signalled;
      expect(tookMs).toBeLessThan(STOP_WITHIN_MS);
      const answered = ids.filter((id) => fake.requests.some((r: RecordedRequest) => replyTo(id)(r) && r.status === 200));
      expect(answered).toHaveLength(BURST);
      const text = await readFile(files.QUESTION_LOG_FILE, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { asked: string; outcome: string; replyId: string | null });
      expect(lines).toHaveLength(BURST + 1);
      // Each one read and replied to (the verdict is the engine's: "Question 18: …" may only be related), none dropped as busy or failed.
      expect(lines.filter((l) => ['busy', 'slowed', 'error'].includes(l.outcome) || l.replyId === null)).toEqual([]);
      const votes = (await readFile(files.FEEDBACK_FILE, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { verdict: string });
      expect(votes.map((v) => v.verdict)).toEqual(['down']);
    } finally {
      bot.kill('SIGKILL');
      await fake.stop();
    }
  });
});
