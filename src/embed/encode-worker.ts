/**
 * Worker thread body: one single-threaded encoder, answering chunks of texts
 * with their vectors packed into one transferable buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { oneLine, QuotebotError, type ErrorCode } from '../errors.js';
import { loadEncoder, type EncoderOptions } from './encoder.js';

export type WorkerRequest = { texts: string[] };
export type WorkerReply = { ready: true; dims: number } | { vectors: Float32Array } | { error: string; code?: ErrorCode };

const port = parentPort!;
try {
  const encoder = await loadEncoder(workerData as EncoderOptions);
  // One request at a time, in arrival order: the pool matches replies to requests by order.
  let previous = Promise.resolve();
  port.on('message', ({ texts }: WorkerRequest) => {
    previous = previous.then(async () => {
      try {
        const vectors = new Float32Array(texts.length * encoder.dims);
        for (const [i, text] of texts.entries()) vectors.set(await encoder.encode(text), i * encoder.dims);
        port.postMessage({ vectors } satisfies WorkerReply, [vectors.buffer]);
      } catch (error) {
        port.postMessage(failure(error));
      }
    });
  });
  port.postMessage({ ready: true, dims: encoder.dims } satisfies WorkerReply);
} catch (error) {
  port.postMessage(failure(error));
}

/** Our own errors cross the thread boundary with their code, so the caller rethrows them unchanged. */
function failure(error: unknown): WorkerReply {
  return error instanceof QuotebotError ? { error: error.message, code: error.code } : { error: oneLine(error) };
}
