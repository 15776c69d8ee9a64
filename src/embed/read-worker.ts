/**
 * Worker thread body: the reader (reader.ts), scoring one question's pool
 * at a time. A pool takes tens of milliseconds of onnxruntime, which runs
 * synchronously: here it never holds up the thread that answers Discord.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { oneLine, QuotebotError, type ErrorCode } from '../errors.js';
import { loadReader, type ReaderOptions } from './reader.js';

export type ReadRequest = { id: number; question: string; passages: string[] };
export type ReadReply = { ready: string } | { id: number; logits: Float32Array } | { id?: number; error: string; code?: ErrorCode };

const port = parentPort!;
const failure = (error: unknown) => (error instanceof QuotebotError ? { error: error.message, code: error.code } : { error: oneLine(error) });
try {
  const reader = await loadReader(workerData as ReaderOptions);
  port.on('message', ({ id, question, passages }: ReadRequest) => {
    reader.score(question, passages).then(
      (logits) => port.postMessage({ id, logits } satisfies ReadReply, [logits.buffer as ArrayBuffer]),
      (error: unknown) => port.postMessage({ id, ...failure(error) } satisfies ReadReply),
    );
  });
  port.postMessage({ ready: reader.id } satisfies ReadReply);
} catch (error) {
  port.postMessage(failure(error) satisfies ReadReply);
}
