/**
 * Embeds a large batch of texts on several worker threads, each running one
 * single-threaded encoder: on 2 cores, two 1-thread sessions do about twice
 * the work of one, while one session with more threads does not.
 * Results come back in the input's order, whatever order the chunks finish in.
 */
import { Worker } from 'node:worker_threads';
import { fail, QuotebotError } from '../errors.js';
import type { OnVectors } from './embedder.js';
import type { EncoderOptions } from './encoder.js';
import type { WorkerReply, WorkerRequest } from './encode-worker.js';

/** Small enough to balance the tail across workers, large enough that messaging is noise. */
const CHUNK = 16;

/**
 * Under tsx or vitest this module is TypeScript source, and a worker does not
 * inherit the parent's TypeScript loader, so it registers tsx itself first.
 * Compiled to JavaScript, the worker file is loaded directly.
 */
function spawn(options: EncoderOptions): Worker {
  const url = new URL(`./encode-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: options });
  const shim = `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return new Worker(shim, { eval: true, workerData: options });
}

export function embedInWorkers(
  texts: readonly string[],
  options: EncoderOptions & { workers: number },
  onProgress?: (done: number) => void,
  onVectors?: OnVectors,
): Promise<Float32Array[]> {
  if (texts.length === 0) return Promise.resolve([]);
  // Longest first, so no worker is left with one long text at the end.
  const order = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length);
  const chunks: number[][] = [];
  for (let i = 0; i < order.length; i += CHUNK) chunks.push(order.slice(i, i + CHUNK));
  const results: Float32Array[] = new Array<Float32Array>(texts.length);
  const { workers: count, ...encoderOptions } = options;
  const pool = Array.from({ length: Math.max(1, Math.min(count, chunks.length)) }, () => spawn(encoderOptions));
  let settled = false;
  let next = 0;
  let done = 0;

  return new Promise<Float32Array[]>((resolve, reject) => {
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      void Promise.all(pool.map((w) => w.terminate())).then(() => (error ? reject(error) : resolve(results)));
    };
    pool.forEach((worker) => {
      // Two chunks in flight per worker: the next is already queued when one finishes, even while
      // this thread is busy (adding graph points, say). A worker answers its chunks in order.
      const inFlight: number[][] = [];
      let dims = 0;
      const feed = () => {
        const chunk = chunks[next++];
        if (!chunk) return;
        inFlight.push(chunk);
        worker.postMessage({ texts: chunk.map((i) => texts[i]!) } satisfies WorkerRequest);
      };
      worker.on('message', (reply: WorkerReply) => {
        if ('error' in reply) {
          return finish(reply.code ? new QuotebotError(reply.code, reply.error) : fail('MODEL_LOAD_FAILED', options.model, reply.error));
        }
        if ('ready' in reply) {
          dims = reply.dims;
          feed();
        } else {
          const chunk = inFlight.shift()!;
          const vectors = chunk.map((index, k) => (results[index] = reply.vectors.subarray(k * dims, (k + 1) * dims)));
          done += chunk.length;
          onVectors?.(chunk, vectors);
          onProgress?.(done);
          if (done === texts.length) return finish();
        }
        feed();
      });
      worker.on('error', (error) => finish(fail('MODEL_LOAD_FAILED', options.model, error.message)));
    });
  });
}
