/**
 * Weeks of running in two minutes (issue 30): `npm run soak -- --minutes 2`,
 * the real bot and index watcher as processes against the fake Discord,
 * documents changing under them, reconnects and 429s. The soak's own verdict
 * must pass (scripts/lib/soak-checks.ts; its checks are tested on their own
 * in tests/soak-checks.test.ts). Two minutes are all warm-up for memory, so
 * the verdict reports growth without judging it here; `npm run soak` (30
 * minutes, docs/reliability.md) judges it. Test name reads "fault → outcome".
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/env.js';

describe('the soak', () => {
  it('two minutes of questions, bursts, edits, re-indexing, reconnects and 429s → no reply lost, no stale quote, descriptors flat, the loop responsive, exit 0 (memory is judged by the 30-minute soak)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/soak.ts', '--minutes', '2', '--json'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const result = JSON.parse(out) as { questions: number; lostReplies: number; quotesChecked: number; staleQuotes: unknown[]; generations: number; botExit: number; verdict: { pass: boolean; reasons: string[] } };
    expect(result.verdict.reasons).toEqual([]);
    expect(result).toMatchObject({ lostReplies: 0, staleQuotes: [], botExit: 0 });
    // It did what it says: many questions, quotes checked against the versions written, the index rebuilt under the bot.
    expect(result.questions).toBeGreaterThan(200);
    expect(result.quotesChecked).toBeGreaterThan(100);
    expect(result.generations).toBeGreaterThan(1);
    expect(code).toBe(0);
  });
});
