/**
 * The soak's judgement (scripts/soak.ts), pure so it is tested on its own:
 * a leaking bot and a stale quote must each fail it.
 *
 * - Memory: RSS and heap may grow at most GROWTH from the baseline window
 *   (WINDOW minutes from minute BASELINE_MINUTE: the first minutes are the
 *   model and index warming up) to the last WINDOW minutes, each window's
 *   median taken so one minute's collection timing cannot decide it. A soak
 *   too short to hold both windows reports its growth without judging it.
 * - File descriptors: flat (within FD_SLACK: a generation switch opens a few).
 * - The event loop's delay p99: at most LOOP_DELAY_P99_MS in every minute.
 * - Every question replied to; every quote sent the text its document said
 *   at the time it was answered (by the versions the soak wrote).
 */

export const GROWTH = 0.05;
export const FD_SLACK = 8;
export const LOOP_DELAY_P99_MS = 50;
/** The first minute of the baseline window: the model and index have warmed up by then. */
export const BASELINE_MINUTE = 5;
/** Minutes per window compared: a median of five outvotes one minute's collection timing. */
export const WINDOW = 5;
/** The shortest soak whose memory is judged: both windows whole and apart. */
export const JUDGED_FROM_MINUTES = BASELINE_MINUTE + 2 * WINDOW - 1;

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
  /** The first minute of the window growth is measured from. */
  baselineMinute: number;
  rssGrowth: number;
  heapGrowth: number;
  /** False when the soak is shorter than JUDGED_FROM_MINUTES: the growth is reported, not judged. */
  memoryJudged: boolean;
  fdGrowth: number | null;
  worstLoopDelayP99Ms: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function judge(minutes: readonly MinuteSample[], lostReplies: number, stale: number): Verdict {
  const reasons: string[] = [];
  if (minutes.length < 2) reasons.push(`only ${minutes.length} minute(s) measured: too short to judge`);
  const memoryJudged = minutes.length >= JUDGED_FROM_MINUTES;
  // A short soak still reports its growth, from its first minute on.
  const from = memoryJudged ? minutes.findIndex((m) => m.minute >= BASELINE_MINUTE) : 0;
  const baseline = minutes.slice(from, from + (memoryJudged ? WINDOW : 1));
  const end = minutes.slice(-(memoryJudged ? WINDOW : 1));
  const growth = (key: 'rssMb' | 'heapUsedMb') => (baseline.length > 0 ? median(end.map((m) => m[key])) / median(baseline.map((m) => m[key])) - 1 : 0);
  const rssGrowth = growth('rssMb');
  const heapGrowth = growth('heapUsedMb');
  const baselineMinute = baseline[0]?.minute ?? 0;
  const first = baseline[0];
  const last = minutes.at(-1);
  const fdGrowth = first?.fds != null && last?.fds != null ? last.fds - first.fds : null;
  const worstLoopDelayP99Ms = Math.max(0, ...minutes.map((m) => m.loopDelayP99Ms));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const span = `from minutes ${baselineMinute}-${baselineMinute + WINDOW - 1} to the last ${WINDOW}`;
  if (memoryJudged && rssGrowth > GROWTH) reasons.push(`RSS grew ${pct(rssGrowth)} ${span} (limit ${pct(GROWTH)})`);
  if (memoryJudged && heapGrowth > GROWTH) reasons.push(`heap grew ${pct(heapGrowth)} ${span} (limit ${pct(GROWTH)})`);
  if (fdGrowth !== null && fdGrowth > FD_SLACK) reasons.push(`${fdGrowth} more file descriptors open at the end than at minute ${baselineMinute}`);
  if (worstLoopDelayP99Ms > LOOP_DELAY_P99_MS) reasons.push(`event-loop delay p99 reached ${worstLoopDelayP99Ms} ms (limit ${LOOP_DELAY_P99_MS})`);
  if (lostReplies > 0) reasons.push(`${lostReplies} question(s) never got a reply`);
  if (stale > 0) reasons.push(`${stale} quote(s) did not match their document as it was when they were sent`);
  return { pass: reasons.length === 0, reasons, baselineMinute, rssGrowth, heapGrowth, memoryJudged, fdGrowth, worstLoopDelayP99Ms };
}
