/**
 * The soak's judgement (scripts/soak.ts), pure so it is tested on its own:
 * a leaking bot and a stale quote must each fail it.
 *
 * - Memory: RSS and heap may grow at most GROWTH between the baseline minute
 *   (minute 5, or the middle of a shorter soak: the first minutes are the
 *   model and index warming up) and the last.
 * - File descriptors: flat (within FD_SLACK: a generation switch opens a few).
 * - The event loop's delay p99: at most LOOP_DELAY_P99_MS in every minute.
 * - Every question replied to; every quote sent the text its document said
 *   at the time it was answered (by the versions the soak wrote).
 */

export const GROWTH = 0.05;
export const FD_SLACK = 8;
export const LOOP_DELAY_P99_MS = 50;
/** The minute growth is measured from, in a soak long enough to have one after warming up. */
export const BASELINE_MINUTE = 5;

export interface MinuteSample {
  minute: number;
  rssMb: number;
  heapUsedMb: number;
  fds: number | null;
  loopDelayP99Ms: number;
  replyP95Ms: number | null;
  generation: string;
  asked: number;
  replied: number;
}

export interface SentQuote {
  /** The reply's id, for the report. */
  reply: string;
  /** The reply's text as Discord shows it (markdown and all). */
  shown: string;
  doc: string;
  start: number;
  end: number;
  /** When the engine started answering and when the reply was logged: the quote must match a version current in between. */
  from: number;
  to: number;
}

/** A document's versions as the soak wrote them, oldest first; text null while it was removed. */
export type History = ReadonlyMap<string, readonly { at: number; text: string | null }[]>;

/** Markdown escapes, emphasis, quote markers and spacing taken out: what a reader reads. */
export function plain(text: string): string {
  return text.replace(/^> ?/gm, '').replace(/\*\*/g, '').replace(/\\(.)/g, '$1').replace(/\s+/g, ' ').trim();
}

/** The versions of a document current at some moment of [from, to]. */
function versionsDuring(versions: readonly { at: number; text: string | null }[], from: number, to: number): (string | null)[] {
  const current = versions.filter((v) => v.at <= from).at(-1);
  return [...(current ? [current] : []), ...versions.filter((v) => v.at > from && v.at <= to)].map((v) => v.text);
}

/** The quotes whose text no version of their document current while they were answered holds at their offsets, as the reply shows them. */
export function staleQuotes(sent: readonly SentQuote[], history: History): SentQuote[] {
  return sent.filter((q) => {
    const shown = plain(q.shown);
    const texts = versionsDuring(history.get(q.doc) ?? [], q.from, q.to);
    return !texts.some((text) => text !== null && text.length >= q.end && shown.includes(plain(text.slice(q.start, q.end))));
  });
}

export interface Verdict {
  pass: boolean;
  reasons: string[];
  baselineMinute: number;
  rssGrowth: number;
  heapGrowth: number;
  fdGrowth: number | null;
  worstLoopDelayP99Ms: number;
}

export function judge(minutes: readonly MinuteSample[], lostReplies: number, stale: number): Verdict {
  const reasons: string[] = [];
  if (minutes.length < 2) reasons.push(`only ${minutes.length} minute(s) measured: too short to judge`);
  const baseline = minutes.find((m) => m.minute === Math.min(BASELINE_MINUTE, Math.max(1, Math.floor(minutes.length / 2)))) ?? minutes[0];
  const last = minutes.at(-1);
  const growth = (key: 'rssMb' | 'heapUsedMb') => (baseline && last ? (last[key] - baseline[key]) / baseline[key] : 0);
  const rssGrowth = growth('rssMb');
  const heapGrowth = growth('heapUsedMb');
  const fdGrowth = baseline?.fds != null && last?.fds != null ? last.fds - baseline.fds : null;
  const worstLoopDelayP99Ms = Math.max(0, ...minutes.map((m) => m.loopDelayP99Ms));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (rssGrowth > GROWTH) reasons.push(`RSS grew ${pct(rssGrowth)} from minute ${baseline!.minute} to the end (limit ${pct(GROWTH)})`);
  if (heapGrowth > GROWTH) reasons.push(`heap grew ${pct(heapGrowth)} from minute ${baseline!.minute} to the end (limit ${pct(GROWTH)})`);
  if (fdGrowth !== null && fdGrowth > FD_SLACK) reasons.push(`${fdGrowth} more file descriptors open at the end than at minute ${baseline!.minute}`);
  if (worstLoopDelayP99Ms > LOOP_DELAY_P99_MS) reasons.push(`event-loop delay p99 reached ${worstLoopDelayP99Ms} ms (limit ${LOOP_DELAY_P99_MS})`);
  if (lostReplies > 0) reasons.push(`${lostReplies} question(s) never got a reply`);
  if (stale > 0) reasons.push(`${stale} quote(s) did not match their document as it was when they were sent`);
  return { pass: reasons.length === 0, reasons, baselineMinute: baseline?.minute ?? 0, rssGrowth, heapGrowth, fdGrowth, worstLoopDelayP99Ms };
}
