/**
 * `npm run bench -- --scale N[,N…] [--json]`: an archive of about N sentences
 * without N real embeddings, built and read as a real one is, to measure how
 * the index grows. The State of the Union addresses are copied as distinct
 * corpus files until they hold N sentences (real text, so quotes verify
 * against the files); their sentences are embedded once by the real model
 * (cached under the OS temp folder by model id), and each later copy of a
 * sentence gets that vector slightly perturbed (seeded by its label,
 * renormalised), so the graph sees realistic neighbourhoods instead of
 * exact duplicates. The build runs the real plan → execute → write path, in
 * a child process (scripts/lib/scale-build.ts). Then: size on disk, cold
 * start of the bundled CLI, a reader's RSS, warm latencies and recall@10
 * against exact search (scripts/lib/scale-reader.ts, a fresh process), an
 * incremental `index` after one document is edited, and the reader figures
 * again over the generation that update wrote (an overlay, store/write/overlay).
 *
 * Past ~1 million sentences the build needs a larger heap than Node's default:
 *   NODE_OPTIONS=--max-old-space-size=16384 npm run bench -- --scale 2000000
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/env.js';
import { readCorpus } from '../src/corpus/read.js';
import { segmentCorpus } from '../src/segment/document.js';
import { currentGeneration } from '../src/store/files/layout.js';
import { copySotu } from './lib/sotu.js';
import { ARCHIVE_QUESTIONS } from './lib/questions.js';

export interface ScaleOptions {
  sentences: number;
  /** Warm queries timed by the reader. */
  queries: number;
  /** Probes of the recall measurement. */
  probes: number;
}

const SCALE_ROOT = join(tmpdir(), 'quotebot-scale');

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/** Runs a command to its end; `progress` passes its stderr straight through (a long build's progress lines) instead of keeping it. */
function runNode(args: string[], env: Record<string, string>, input?: string, progress = false): { ms: number; stdout: string; stderr: string } {
  const started = performance.now();
  const stdio = ['pipe', 'pipe', progress ? 'inherit' : 'pipe'] as const;
  const child = spawnSync(args[0]!, args.slice(1), { env: { ...process.env, ...env }, input, stdio: [...stdio], encoding: 'utf8', maxBuffer: 1 << 28 });
  const stderr = child.stderr ?? '';
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed (${child.status ?? child.signal}): ${stderr.slice(-2000)}`);
  return { ms: performance.now() - started, stdout: child.stdout, stderr };
}

export async function runScaleBench(options: ScaleOptions, log: (line: string) => void = () => {}): Promise<Record<string, number>> {
  const work = join(SCALE_ROOT, String(options.sentences));
  const sourceDir = join(SCALE_ROOT, 'sotu');
  const corpusDir = join(work, 'corpus');
  const indexDir = join(work, 'index');
  await rm(work, { recursive: true, force: true });
  await mkdir(corpusDir, { recursive: true });
  const files = await copySotu(sourceDir, 233);
  // Copies until N sentences, each file counted as it segments among the addresses (later copies lose a few short
  // blocks to the boilerplate rule: the figures report the sentences the build indexed).
  const { documents } = await readCorpus(sourceDir);
  const segmented = segmentCorpus(documents.map((d) => d.text));
  const perFile = new Map(documents.map((d, i) => [d.name, segmented[i]!.sentences.length]));
  let planned = 0;
  const names: string[] = [];
  for (let copy = 0; planned < options.sentences; copy++) {
    for (const file of files) {
      if (planned >= options.sentences) break;
      const name = `${String(copy).padStart(3, '0')}-${file}`;
      await copyFile(join(sourceDir, file), join(corpusDir, name));
      names.push(name);
      planned += perFile.get(file) ?? 0;
    }
  }
  log(`corpus: ${names.length} files, ~${planned} sentences`);

  const results: Record<string, number> = {};
  // Built in a child process, so nothing measured after it shares a process or memory with the build.
  const build = runNode([process.execPath, '--import', 'tsx', join(PROJECT_ROOT, 'scripts/lib/scale-build.ts'), sourceDir, corpusDir, indexDir], {}, undefined, true);
  const built = JSON.parse(build.stdout.trim().split('\n').at(-1)!) as { sentences: number; seconds: number };
  results.scale_sentences = built.sentences;
  results.scale_build_s = built.seconds;
  results.scale_disk_mb = (await folderBytes((await currentGeneration(indexDir))!)) / 2 ** 20;
  log(`built: ${built.sentences} sentences in ${results.scale_build_s.toFixed(1)} s, ${results.scale_disk_mb.toFixed(0)} MB`);

  const first = measureReader(corpusDir, indexDir, options);
  results.scale_cold_start_ms = first.cold;
  results.scale_rss_mb = first.rss;
  log(`cold start ${first.cold.toFixed(0)} ms, reader RSS ${first.rss.toFixed(0)} MB`);
  const read = first.read;
  results.scale_query_p50_ms = read.p50;
  results.scale_query_p95_ms = read.p95;
  results.scale_query_p99_ms = read.p99;
  results.scale_retrieval_p95_ms = read.retrievalP95;
  results.scale_recall_at_10 = read.recall;
  results.scale_ef = read.ef;
  log(`queries p50 ${read.p50.toFixed(1)} ms p95 ${read.p95.toFixed(1)} ms (first asks ${read.p95FirstAsk.toFixed(1)}, repeats ${read.p95Repeat.toFixed(1)}), recall@10 ${read.recall.toFixed(4)} at ef ${read.ef}`);
  log(`stages (p50, p95 ms) ${JSON.stringify(read.stageMs)}; recall and median search ms by ef ${JSON.stringify(read.byEf)}`);

  // One document edited, then what a user runs: `npm run index` (the real model embeds the new sentence).
  const edited = join(corpusDir, names[0]!);
  await writeFile(edited, `${await readFile(edited, 'utf8')}\n\nThis closing sentence was added to measure an incremental update.\n`);
  const t = performance.now();
  runNode([process.execPath, join(PROJECT_ROOT, 'dist/cli.js'), 'index'], { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  results.scale_update_s = (performance.now() - t) / 1000;
  log(`update ${results.scale_update_s.toFixed(1)} s`);

  // Readers after an update answer from the base and an overlay beside it (store/write/overlay): measured again.
  const after = measureReader(corpusDir, indexDir, options);
  results.scale_updated_cold_start_ms = after.cold;
  results.scale_updated_rss_mb = after.rss;
  results.scale_updated_query_p95_ms = after.read.p95;
  results.scale_updated_recall_at_10 = after.read.recall;
  log(`after the update: cold start ${after.cold.toFixed(0)} ms, RSS ${after.rss.toFixed(0)} MB, p95 ${after.read.p95.toFixed(1)} ms, recall@10 ${after.read.recall.toFixed(4)}`);
  return results;
}

interface ReaderFigures {
  p50: number;
  p95: number;
  retrievalP95: number;
  p99: number;
  p95FirstAsk: number;
  p95Repeat: number;
  recall: number;
  ef: number;
  byEf: unknown;
  stageMs: unknown;
}

/** Cold start, a reader's RSS, and warm latencies and recall (scripts/lib/scale-reader.ts, a fresh process) of the index as it is now. */
function measureReader(corpusDir: string, indexDir: string, options: ScaleOptions): { cold: number; rss: number; read: ReaderFigures } {
  const env = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir };
  const cli = join(PROJECT_ROOT, 'dist/cli.js');
  // Cold start: a fresh process of the bundled CLI to its first answer, the page cache warm (the median of three).
  const cold = [0, 1, 2].map(() => runNode([process.execPath, cli, 'ask', '--json', ARCHIVE_QUESTIONS[0]!], env).ms).sort((a, b) => a - b);
  // A reader's peak RSS as the OS counts it: the bundled CLI after loading and answering every question.
  const timed = runNode(['/usr/bin/time', '-f', 'maxrss_kb=%M', process.execPath, cli, 'ask', '--json'], env, ARCHIVE_QUESTIONS.join('\n'));
  const reader = runNode(
    [process.execPath, '--import', 'tsx', join(PROJECT_ROOT, 'scripts/lib/scale-reader.ts'), corpusDir, indexDir, String(options.queries), String(options.probes)],
    {},
  );
  return {
    cold: cold[1]!,
    rss: Number(/maxrss_kb=(\d+)/.exec(timed.stderr)![1]) / 1024,
    read: JSON.parse(reader.stdout.trim().split('\n').at(-1)!) as ReaderFigures,
  };
}

/** How a figure grows per 4× more data between two scales: (b / a) ^ (log 4 / log(nb / na)). */
export function perFourfold(a: number, b: number, na: number, nb: number): number {
  return (b / a) ** (Math.log(4) / Math.log(nb / na));
}

export async function scaleMain(scales: number[], json: boolean): Promise<void> {
  const runs: Record<string, number>[] = [];
  for (const sentences of scales) {
    const results = await runScaleBench({ sentences, queries: 200, probes: 50 }, (line) => process.stderr.write(`[${sentences}] ${line}\n`));
    runs.push(results);
    process.stdout.write(json ? `${JSON.stringify(results)}\n` : `${Object.entries(results).map(([k, v]) => `${k.padEnd(22)} ${Number.isInteger(v) ? v : v.toFixed(3)}`).join('\n')}\n\n`);
  }
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [runs[i - 1]!, runs[i]!];
    const growth = Object.fromEntries(
      Object.keys(b).filter((k) => k !== 'scale_sentences').map((k) => [k, perFourfold(a[k]!, b[k]!, a.scale_sentences!, b.scale_sentences!)]),
    );
    const label = `growth per 4× data, ${a.scale_sentences} → ${b.scale_sentences}`;
    process.stdout.write(json ? `${JSON.stringify({ growth: label, ...growth })}\n` : `${label}\n${Object.entries(growth).map(([k, v]) => `${k.padEnd(22)} ×${v.toFixed(2)}`).join('\n')}\n\n`);
  }
}
