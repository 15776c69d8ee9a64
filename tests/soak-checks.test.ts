/**
 * The soak's checks (scripts/lib/soak-checks.ts) on their own: what they
 * must catch, a bot that leaks and a quote that went stale, and what they
 * must let through.
 */
import { describe, expect, it } from 'vitest';
import { judge, plain, staleQuotes, type MinuteSample } from '../scripts/lib/soak-checks.js';

const minute = (m: number, over: Partial<MinuteSample> = {}): MinuteSample => ({
  minute: m, rssMb: 400, heapUsedMb: 60, fds: 40, loopDelayP99Ms: 12, replyP95Ms: 30, generation: 'gen-1', asked: 100, replied: 100, ...over,
});
const flat = Array.from({ length: 30 }, (_, i) => minute(i + 1, { rssMb: 400 + (i % 3), heapUsedMb: 60 + (i % 2) }));

describe('the soak\'s verdict', () => {
  it('passes a bot whose memory, descriptors and loop stay flat, with every reply and quote right', () => {
    expect(judge(flat, 0, 0)).toMatchObject({ pass: true, reasons: [], baselineMinute: 5 });
  });

  it('fails a bot that leaks: memory growing a little every minute', () => {
    const leaking = flat.map((m) => ({ ...m, rssMb: 400 * 1.004 ** m.minute, heapUsedMb: 60 * 1.006 ** m.minute }));
    const verdict = judge(leaking, 0, 0);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons.join('; ')).toMatch(/RSS grew .* heap grew/);
  });

  it('fails descriptors that pile up, a loop that stalls, a lost reply and a stale quote', () => {
    expect(judge(flat.map((m) => ({ ...m, fds: 40 + m.minute })), 0, 0).reasons).toEqual(['25 more file descriptors open at the end than at minute 5']);
    expect(judge(flat.map((m) => (m.minute === 17 ? { ...m, loopDelayP99Ms: 80 } : m)), 0, 0).reasons).toEqual(['event-loop delay p99 reached 80 ms (limit 50)']);
    expect(judge(flat, 1, 0).reasons).toEqual(['1 question(s) never got a reply']);
    expect(judge(flat, 0, 2).reasons).toEqual(['2 quote(s) did not match their document as it was when they were sent']);
  });

  it('outvotes one minute whose collection came late: the windows\' medians decide', () => {
    expect(judge(flat.map((m) => (m.minute === 30 ? { ...m, heapUsedMb: 75 } : m)), 0, 0)).toMatchObject({ pass: true, memoryJudged: true });
  });

  it('reports a short soak\'s memory without judging it (warm-up dominates two minutes), and refuses to judge one minute', () => {
    const warming = flat.slice(0, 2).map((m) => ({ ...m, heapUsedMb: 50 + 10 * m.minute }));
    expect(judge(warming, 0, 0)).toMatchObject({ pass: true, memoryJudged: false, baselineMinute: 1 });
    expect(judge(warming, 0, 0).heapGrowth).toBeCloseTo(70 / 60 - 1, 5);
    expect(judge(flat.slice(0, 1), 0, 0).pass).toBe(false);
  });
});

describe('stale quotes', () => {
  const v1 = 'The council met. Caseloads rose to 4,529 children.';
  const v2 = 'The council met. Caseloads rose to 4,530 children.';
  const history = new Map([['a.txt', [{ at: 0, text: v1 }, { at: 1000, text: v2 }, { at: 2000, text: null }]]]);
  const quote = (text: string, from: number, to: number) => ({ reply: 'r', shown: `> ${text.replace('.', '\\.')}\n— A, ¶1`, doc: 'a.txt', start: 17, end: 50, from, to });

  it('accepts a quote its document said while it was answered, as Discord shows it (escaped, quoted)', () => {
    expect(plain('> Caseloads rose to **4,529** children\\.')).toBe('Caseloads rose to 4,529 children.');
    expect(staleQuotes([quote('Caseloads rose to 4,529 children.', 100, 200)], history)).toEqual([]);
    // Answered across the edit: either version is the document as it was.
    expect(staleQuotes([quote('Caseloads rose to 4,529 children.', 900, 1100)], history)).toEqual([]);
  });

  it('catches a quote sent after its document changed, or after it was removed', () => {
    expect(staleQuotes([quote('Caseloads rose to 4,529 children.', 1100, 1200)], history)).toHaveLength(1);
    expect(staleQuotes([quote('Caseloads rose to 4,530 children.', 2100, 2200)], history)).toHaveLength(1);
  });
});
