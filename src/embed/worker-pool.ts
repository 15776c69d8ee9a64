/**
 * Embeds a large batch of texts on several worker threads, each running one
 * single-threaded encoder: on 2 cores, two 1-thread sessions do about twice
 * the work of one, while one session with more threads does not.
 * Results come back in the input's order, whatever order the chunks finish in.
 *
 * The workers live as long as the process, one pool per model setting, and
 * are reused by every later batch: terminating a worker thread that holds an
 * onnxruntime-node 1.14 session and starting another corrupts the native heap
 * ("corrupted size vs. prev_size", reproduced on the second pool of a
 * process). Idle workers are unref'd, so they never keep a process alive.
 */
import type { Worker } from 'node:worker_threads';
import { fail, QuotebotError } from '../errors.js';
import type { EncoderOptions } from './encoder.js';
import type { WorkerReply, WorkerRequest } from './encode-worker.js';
import { sessionTurn, type SessionTurn } from './session-turns.js';
import { spawnWorker } from './spawn-worker.js';

/** Small enough to balance the tail across workers, large enough that messaging is noise. */
const CHUNK = 16;
/** Chunks queued per worker: the next is already there when one finishes, even while this thread is busy. */
const IN_FLIGHT = 2;

/** One encoder thread: answers its requests in the order they were sent. */
class EncodeWorker {
  /** Vector width, once the model has loaded. */
  readonly ready: Promise<number>;
  private worker: Worker | undefined;
  private readonly waiting: { resolve: (vectors: Float32Array) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;

  /** The thread starts in its turn (session-turns.ts), which ends once its model has loaded or failed to. */
  constructor(options: EncoderOptions, turn: SessionTurn) {
    let loaded!: (dims: number) => void;
    let refused!: (error: Error) => void;
    this.ready = new Promise<number>((resolve, reject) => ((loaded = resolve), (refused = reject)));
    this.ready.catch(() => undefined).finally(() => turn.done()); // the error also reaches whoever awaits it
    const broken = (error: Error) => {
      this.failure ??= error;
      refused(this.failure);
      for (const request of this.waiting.splice(0)) request.reject(this.failure);
      this.worker?.unref();
    };
    void turn.ready.then(() => {
      const worker = (this.worker = spawnWorker('encode-worker', options));
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          // Referenced while loading (the caller awaits only a promise, which keeps no process alive), not after.
          if (this.waiting.length === 0) worker.unref();
          return loaded(reply.dims);
        }
        if ('error' in reply) {
          const error = reply.code ? new QuotebotError(reply.code, reply.error) : fail('MODEL_LOAD_FAILED', options.model, reply.error);
          // Before `ready` the model failed to load, and the worker is of no further use; after, one chunk failed.
          return this.waiting.length > 0 ? this.settle().reject(error) : broken(error);
        }
        this.settle().resolve(reply.vectors);
      });
      worker.on('error', (error) => broken(fail('MODEL_LOAD_FAILED', options.model, error.message)));
      worker.on('exit', (code) => broken(fail('MODEL_LOAD_FAILED', options.model, `its worker thread exited (code ${code})`)));
    });
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  /** The vectors of `texts`, packed one after another. */
  /** The vectors of `texts`, packed one after another. Only after `ready`. */
  encode(texts: string[]): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.worker!;
    if (this.waiting.length === 0) worker.ref();
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      worker.postMessage({ texts } satisfies WorkerRequest);
    });
  }

  private settle() {
    const request = this.waiting.shift()!;
    if (this.waiting.length === 0) this.worker?.unref();
    return request;
  }
}

const pools = new Map<string, EncodeWorker[]>();

/** Each batch's input indices and vectors as they are ready, in any order: a caller can use them before the rest exist. */
export type OnVectors = (indices: number[], vectors: Float32Array[]) => void;

/**
 * The process's pool for these options, started on first use; a pool with a
 * failed worker is replaced. Workers start one after another, each in its
 * turn once every session before it has loaded (session-turns.ts): started
 * in turn, 50 builds in a row ran clean (`npm run test:builds`). The first
 * worker embeds while the next loads, so little time is lost.
 */
function poolFor(options: EncoderOptions, count: number): EncodeWorker[] {
  const key = JSON.stringify([options.modelsDir, options.model, options.precision, options.threads, count]);
  let pool = pools.get(key);
  if (!pool || !pool.every((w) => w.usable)) {
    pool = Array.from({ length: count }, () => new EncodeWorker(options, sessionTurn()));
    pools.set(key, pool);
  }
  return pool;
}

export async function embedInWorkers(
  texts: readonly string[],
  options: EncoderOptions & { workers: number },
  onProgress?: (done: number) => void,
  onVectors?: OnVectors,
): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  // Longest first, so no worker is left with one long text at the end.
  const order = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length);
  const chunks: number[][] = [];
  for (let i = 0; i < order.length; i += CHUNK) chunks.push(order.slice(i, i + CHUNK));
  const { workers: count, ...encoderOptions } = options;
  const pool = poolFor(encoderOptions, Math.max(1, Math.min(count, chunks.length)));
  const results: Float32Array[] = new Array<Float32Array>(texts.length);
  let next = 0;
  let done = 0;
  let stopped = false;

  const feed = async (worker: EncodeWorker, dims: number) => {
    while (!stopped && next < chunks.length) {
      const chunk = chunks[next++]!;
      const packed = await worker.encode(chunk.map((i) => texts[i]!));
      const vectors = chunk.map((index, k) => (results[index] = packed.subarray(k * dims, (k + 1) * dims)));
      done += chunk.length;
      onVectors?.(chunk, vectors);
      onProgress?.(done);
    }
  };
  try {
    await Promise.all(
      pool.map(async (worker) => {
        const dims = await worker.ready;
        await Promise.all(Array.from({ length: IN_FLIGHT }, () => feed(worker, dims)));
      }),
    );
  } catch (error) {
    stopped = true;
    throw error;
  }
  return results;
}
