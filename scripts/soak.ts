/**
 * `npm run soak -- --minutes N [--json]`: weeks of running, in minutes. The
 * real bot (node dist/bot.js, its own process) against the fake Discord on
 * 127.0.0.1, and `index --watch` (another process) rebuilding under it,
 * while this process
 *   - asks a mix of questions (answerable, near-topic, off-topic), follows
 *     answers up by reply, pages with More, votes, and every minute sends a
 *     burst as big as the bot's line;
 *   - edits, adds and removes documents every few seconds, keeping the corpus
 *     about the same size, and keeps every version it wrote;
 *   - now and then drops the gateway connection and answers sends with 429.
 * Each minute: the bot's RSS, heap, open descriptors and event-loop delay
 * (its health lines), reply p95 and the index generation; at the end a
 * verdict (scripts/lib/soak-checks.ts): memory flat, descriptors flat, the
 * loop responsive, no reply lost, and every quote sent matching its document
 * as it was when it was answered. Exit 0 when it passes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../src/config/env.js';
import { buildBundles } from './build.js';
import { seeded } from './lib/random.js';
import { JUDGED_FROM_MINUTES, judge, staleQuotes, type History, type MinuteSample, type SentQuote } from './lib/soak-checks.js';
import { sotuDataDir } from './lib/sotu.js';
import { percentile } from '../src/percentile.js';
import { BOT_ID, FakeDiscord, TOKEN, type Place, type RecordedRequest } from '../tests/support/fake-discord.js';

const args = process.argv.slice(2);
const minutes = Number(args.find((a) => a.startsWith('--minutes='))?.slice(10) ?? args[args.indexOf('--minutes') + 1] ?? 30);
const json = args.includes('--json');
if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('usage: npm run soak -- --minutes N [--json]');
const say = (line: string) => process.stderr.write(`${line}\n`);

/** The bot's line: answered at once plus waiting. A burst fills it. */
const MAX_CONCURRENT = 4;
const MAX_QUEUED = 40;
const HEALTH_SECONDS = 10;
/** A reply later than this after the end counts as lost. */
const REPLY_TIMEOUT_MS = 30_000;
const QUESTIONS = [
  'How many children were social workers working with?',
  'Who chairs the safeguarding board?',
  'What did Ofsted say about leadership?',
  'How much extra money is being invested in children\'s services?',
  'When did Daniel Pelka die?',
  'What did the President say about taxes?',
  'What did the address say about the army?',
  'How old is the council leader?',
  'What is the weather in Coventry this weekend?',
  'Who won the football last night?',
];
const FOLLOW_UPS = ['and in March 2013?', 'when was that?', 'what did he say next?', 'who is amy weir'];
const PLACES: Place[] = Array.from({ length: 5 }, (_, i) => ({ guildId: String(200000000000002000n + BigInt(i)), channelId: String(300000000000002000n + BigInt(i)) }));

const random = seeded(30);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the corpus, and every version of every document written to it ---
const dir = await mkdtemp(join(tmpdir(), 'quotebot-soak-'));
const corpusDir = join(dir, 'corpus');
const indexDir = join(dir, 'index');
await cp(join(PROJECT_ROOT, 'corpus'), corpusDir, { recursive: true });
const addresses = (await readdir(sotuDataDir())).filter((f) => f.endsWith('.txt')).sort().slice(-12);
const history = new Map<string, { at: number; text: string | null }[]>();
async function put(name: string, text: string | null): Promise<void> {
  const path = join(corpusDir, name);
  // Whole files, renamed into place: every version the bot can read is one the history holds.
  if (text === null) await rm(path, { force: true });
  else {
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
  }
  history.set(name, [...(history.get(name) ?? []), { at: Date.now(), text }]);
}
for (const name of await readdir(corpusDir)) history.set(name, [{ at: 0, text: await readFile(join(corpusDir, name), 'utf8') }]);
for (const file of addresses.slice(0, 6)) await put(file, await readFile(join(sotuDataDir(), file), 'utf8'));

await buildBundles();
const node = (script: string, argv: string[], env: Record<string, string>) =>
  // --expose-gc: the health lines then give the live heap (src/discord/health.ts), what a leak grows.
  spawn(process.execPath, ['--expose-gc', join(PROJECT_ROOT, 'dist', script), ...argv], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
const files = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, QUESTION_LOG_FILE: join(dir, 'questions.jsonl'), FEEDBACK_FILE: join(dir, 'feedback.jsonl') };
await new Promise<void>((resolve, reject) => node('cli.js', ['index'], files).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`index exited ${code}`)))));

// --- Discord, the bot and the watcher ---
const fake = new FakeDiscord();
await fake.start();
fake.guilds.push(...PLACES);
const health: { at: number; rssMb: number; heapUsedMb: number; fds: number | null; loopDelayP99Ms: number; generation: string }[] = [];
const bot = node('bot.js', [], {
  ...files,
  DISCORD_TOKEN: TOKEN,
  DISCORD_API_BASE: fake.apiBase,
  HEALTH_LOG_SECONDS: String(HEALTH_SECONDS),
  LOG_LEVEL: 'info',
  RATE_LIMIT_USER_PER_MIN: '1000',
  RATE_LIMIT_CHANNEL_PER_MIN: '1000',
  MAX_CONCURRENT_QUESTIONS: String(MAX_CONCURRENT),
  MAX_QUEUED_QUESTIONS: String(MAX_QUEUED),
});
let ready!: () => void;
const started = new Promise<void>((resolve) => (ready = resolve));
createInterface({ input: bot.stderr! }).on('line', (line) => {
  try {
    const entry = JSON.parse(line) as { msg?: string; health?: (typeof health)[number] };
    if (entry.health) health.push({ ...entry.health, at: Date.now() });
    if (entry.msg?.startsWith('ready as')) ready();
  } catch {
    // Not a log line: nothing to read.
  }
});
await started;
const watcher: ChildProcess = node('cli.js', ['index', '--watch'], files);
watcher.stdout?.resume();
watcher.stderr?.resume();
say(`soak: ${minutes} min in ${dir}; bot pid ${bot.pid}, watcher pid ${watcher.pid}`);

// --- the questions ---
interface Asked {
  id: string;
  at: number;
}
const asked: Asked[] = [];
function ask(text: string, replyToMessage?: string): void {
  const user = { id: String(500000000000020000n + BigInt(Math.floor(random() * 500))) };
  asked.push({ id: fake.mention(`<@${BOT_ID}> ${text}`, user, true, pick(PLACES), replyToMessage), at: Date.now() });
}
/** The bot's reply to each question, by the question's id: the first send that landed referring to it. */
const replies = new Map<string, RecordedRequest>();
let scanned = 0;
function replyOf(id: string): RecordedRequest | undefined {
  for (; scanned < fake.requests.length; scanned++) {
    const r = fake.requests[scanned]!;
    const ref = (r.body?.message_reference as { message_id?: string } | undefined)?.message_id;
    if (r.method === 'POST' && r.status === 200 && ref && !replies.has(ref)) replies.set(ref, r);
  }
  return replies.get(id);
}

const end = Date.now() + minutes * 60_000;
const loops: Promise<void>[] = [];
// Questions, follow-ups, pages and votes, a few a second.
loops.push((async () => {
  while (Date.now() < end) {
    const earlier = asked.filter((a) => replyOf(a.id)).at(-1 - Math.floor(random() * 5));
    const reply = earlier && replyOf(earlier.id);
    const roll = random();
    if (roll < 0.2 && earlier) ask(pick(FOLLOW_UPS), fake.replyIdTo(earlier.id));
    else if (roll < 0.27 && reply) {
      const more = ((reply.body?.components as { components: { custom_id: string }[] }[] | undefined)?.[0]?.components ?? []).map((c) => c.custom_id).find((b) => b.startsWith('more:'));
      if (more) fake.click(more, reply);
    } else if (roll < 0.32 && reply) fake.click(random() < 0.5 ? 'vote:up' : 'vote:down', reply, String(500000000000030000n + BigInt(asked.length)));
    else ask(pick(QUESTIONS));
    await sleep(250 + random() * 250);
  }
})());
// A burst as big as the line, every minute.
loops.push((async () => {
  while (Date.now() + 60_000 < end) {
    await sleep(60_000);
    for (let i = 0; i < MAX_CONCURRENT + MAX_QUEUED; i++) ask(pick(QUESTIONS));
  }
})());
// The documents: edited, added and removed every few seconds, the corpus about the same size.
loops.push((async () => {
  let added = 6;
  while (Date.now() < end) {
    await sleep(3_000 + random() * 2_000);
    const present = [...history].filter(([name, versions]) => name.endsWith('.txt') && addresses.includes(name) && versions.at(-1)!.text !== null).map(([name]) => name);
    const roll = random();
    if (roll < 0.5 && present.length > 0) {
      const name = pick(present);
      const text = history.get(name)!.at(-1)!.text!;
      await put(name, `${text.replace(/\d+/, (n) => String(Number(n) + 1))}\n\nThis sentence was added by the soak at minute ${Math.floor((Date.now() - (end - minutes * 60_000)) / 60_000)}.\n`);
    } else if ((roll < 0.75 || present.length < 4) && added < addresses.length) {
      const name = addresses[added++ % addresses.length]!;
      await put(name, await readFile(join(sotuDataDir(), name), 'utf8'));
    } else if (present.length > 4) await put(pick(present), null);
  }
})());
// Discord misbehaving now and then: a dropped gateway connection, a run of 429s.
loops.push((async () => {
  while (Date.now() + 45_000 < end) {
    await sleep(45_000);
    fake.requestReconnect();
    let left = 3;
    fake.fail((r) => r.method === 'POST' && left-- > 0, 429, { times: 3, retryAfter: 0.2 });
  }
})());
await Promise.all(loops);

// --- the end: replies in flight, then the bot stops as systemd would stop it ---
const deadline = Date.now() + REPLY_TIMEOUT_MS;
while (asked.some((a) => !replyOf(a.id)) && Date.now() < deadline) await sleep(200);
const lost = asked.filter((a) => !replyOf(a.id)).length;
bot.kill('SIGTERM');
watcher.kill('SIGTERM');
const botExit = await new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
await new Promise((resolve) => watcher.on('exit', resolve));
await fake.stop();

// --- what was sent, against the versions current when it was answered ---
const logged = (await readFile(files.QUESTION_LOG_FILE, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { at: string; replyId: string | null; quotes: { doc: string; start: number; end: number }[]; ms: { total?: number } | null });
const sentById = new Map(fake.requests.flatMap((r) => {
  const id = r.method === 'POST' ? fake.messageIdOf(r) : undefined;
  return id ? [[id, r] as const] : [];
}));
const sent: SentQuote[] = logged.flatMap((line) => {
  const reply = line.replyId ? sentById.get(line.replyId) : undefined;
  if (!reply) return [];
  const to = Date.parse(line.at);
  const from = to - (line.ms?.total ?? 0) - 1000;
  const shown = String((reply.body?.embeds as { description?: string }[] | undefined)?.[0]?.description ?? '');
  return line.quotes.map((q) => ({ reply: line.replyId!, shown, doc: q.doc, start: q.start, end: q.end, from, to }));
});
const stale = staleQuotes(sent, history as History);

const start = end - minutes * 60_000;
const samples: MinuteSample[] = [];
for (let m = 1; m <= minutes; m++) {
  const inMinute = health.filter((h) => h.at > start + (m - 1) * 60_000 && h.at <= start + m * 60_000);
  if (inMinute.length === 0) continue;
  const repliedInMinute = asked.filter((a) => replyOf(a.id) && a.at > start + (m - 1) * 60_000 && a.at <= start + m * 60_000);
  samples.push({
    minute: m,
    rssMb: inMinute.at(-1)!.rssMb,
    // The least heap seen in the minute (live, after a full collection: the bot runs with --expose-gc).
    heapUsedMb: Math.min(...inMinute.map((h) => h.heapUsedMb)),
    fds: inMinute.at(-1)!.fds,
    loopDelayP99Ms: Math.max(...inMinute.map((h) => h.loopDelayP99Ms)),
    replyP95Ms: repliedInMinute.length > 0 ? percentile(repliedInMinute.map((a) => replyOf(a.id)!.at - a.at), 95) : null,
    generation: inMinute.at(-1)!.generation,
    asked: asked.filter((a) => a.at > start + (m - 1) * 60_000 && a.at <= start + m * 60_000).length,
    replied: repliedInMinute.length,
  });
}
const verdict = judge(samples, lost, stale.length);
const generations = new Set(samples.map((s) => s.generation)).size;
const result = { minutes, questions: asked.length, lostReplies: lost, quotesChecked: sent.length, staleQuotes: stale.slice(0, 10), generations, botExit, samples, verdict };
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(['minute  RSS MB  heap MB  fds  loop p99 ms  reply p95 ms  asked  replied  generation', ...samples.map((s) =>
    `${String(s.minute).padStart(6)}  ${s.rssMb.toFixed(0).padStart(6)}  ${s.heapUsedMb.toFixed(1).padStart(7)}  ${String(s.fds ?? '–').padStart(3)}  ${s.loopDelayP99Ms.toFixed(1).padStart(11)}  ${String(s.replyP95Ms ?? '–').padStart(12)}  ${String(s.asked).padStart(5)}  ${String(s.replied).padStart(7)}  ${s.generation}`),
  `${asked.length} questions, ${lost} lost; ${sent.length} quotes checked against the versions written, ${stale.length} stale; ${generations} index generations; bot exit ${botExit}`,
  `verdict: ${verdict.pass ? 'pass' : `FAIL: ${verdict.reasons.join('; ')}`} (RSS ${(verdict.rssGrowth * 100).toFixed(1)}%, heap ${(verdict.heapGrowth * 100).toFixed(1)}% from minute ${verdict.baselineMinute}${verdict.memoryJudged ? '' : `: not judged, shorter than ${JUDGED_FROM_MINUTES} minutes`})`].join('\n') + '\n');
}
await rm(dir, { recursive: true, force: true });
process.exit(verdict.pass && botExit === 0 ? 0 : 1);
