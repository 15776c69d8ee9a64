/**
 * The reader on its own thread (read-worker.ts), as a Reader: started in its
 * session turn, alive as long as the process (a thread holding an
 * onnxruntime-node 1.14 session must never be terminated: worker-pool.ts),
 * and unreferenced while idle so it never keeps the process up.
 */
import { fail, QuotebotError } from '../errors.js';
import type { ReadReply, ReadRequest } from './read-worker.js';
import type { Reader, ReaderOptions } from './reader.js';
import { sessionTurn } from './session-turns.js';
import { spawnWorker } from './spawn-worker.js';

export function startReaderThread(options: ReaderOptions): Promise<Reader> {
  const turn = sessionTurn();
  return turn.ready.then(
    () =>
      new Promise<Reader>((resolve, reject) => {
        const worker = spawnWorker('read-worker', options);
        const waiting = new Map<number, { resolve: (logits: Float32Array) => void; reject: (error: Error) => void }>();
        let next = 0;
        let broken: Error | undefined;
        const stop = (error: Error) => {
          broken ??= error;
          turn.done();
          reject(broken);
          for (const request of waiting.values()) request.reject(broken);
          waiting.clear();
          worker.unref();
        };
        worker.on('message', (reply: ReadReply) => {
          if ('ready' in reply) {
            turn.done();
            worker.unref();
            return resolve({
              id: reply.ready,
              score(question, passages) {
                if (broken) return Promise.reject(broken);
                if (passages.length === 0) return Promise.resolve(new Float32Array(0));
                const id = next++;
                if (waiting.size === 0) worker.ref();
                return new Promise<Float32Array>((settle, refuse) => {
                  waiting.set(id, { resolve: settle, reject: refuse });
                  worker.postMessage({ id, question, passages: [...passages] } satisfies ReadRequest);
                });
              },
            });
          }
          const error = 'error' in reply ? (reply.code ? new QuotebotError(reply.code, reply.error) : fail('READER_UNREADABLE', 'the reader thread', reply.error)) : undefined;
          const request = reply.id !== undefined ? waiting.get(reply.id) : undefined;
          if (reply.id === undefined) return stop(error!);
          waiting.delete(reply.id);
          if (waiting.size === 0) worker.unref();
          if (error) request?.reject(error);
          else if ('logits' in reply) request?.resolve(reply.logits);
        });
        worker.on('error', (error) => stop(fail('READER_UNREADABLE', 'the reader thread', error.message)));
        worker.on('exit', (code) => stop(fail('READER_UNREADABLE', 'the reader thread', `it exited (code ${code})`)));
      }),
  );
}
