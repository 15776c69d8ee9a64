/**
 * `npm run test:builds [-- --runs 50] [-- --addresses 10]`: forced full
 * builds, one after another, each in a fresh process, counting the ones that
 * die natively (a signal, or glibc's abort). Issue 10 saw a segfault or a
 * "free(): unaligned chunk" in about 1 build of 12–15, always while the
 * embedding workers started; a run of 50 clean builds is the evidence a fix
 * holds. Too slow for every `npm test`, so CI runs it on demand.
 * Exits 1 when any build failed.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/env.js';
import { copySotu } from './bench.js';

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${args[at + 1]}"`);
  return value;
}

const args = process.argv.slice(2);
const runs = option(args, '--runs', 50);
const addresses = option(args, '--addresses', 10);
const work = await mkdtemp(join(tmpdir(), 'quotebot-builds-'));
try {
  const corpus = join(work, 'corpus');
  await mkdir(corpus);
  for (const f of await readdir(join(PROJECT_ROOT, 'corpus'))) await copyFile(join(PROJECT_ROOT, 'corpus', f), join(corpus, f));
  await copySotu(corpus, addresses);
  const env = { ...process.env, CORPUS_DIR: corpus, INDEX_DIR: join(work, 'index'), LOG_LEVEL: 'error' };
  const failures: string[] = [];
  for (let i = 1; i <= runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/cli.js'), 'index', '--force'], { env, encoding: 'utf8' });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const outcome = child.signal ? `signal ${child.signal}` : `exit ${child.status}`;
    process.stdout.write(`build ${i}/${runs}: ${outcome} in ${seconds} s\n`);
    if (child.status !== 0) failures.push(`build ${i}: ${outcome}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  process.stdout.write(`${failures.join('\n')}${failures.length ? '\n' : ''}${runs} forced builds, ${failures.length} failed\n`);
  process.exitCode = failures.length > 0 ? 1 : 0;
} finally {
  await rm(work, { recursive: true, force: true });
}
