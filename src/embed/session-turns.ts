/**
 * One onnxruntime session created at a time, across the process's threads.
 * onnxruntime-node 1.14 crashed (SIGSEGV, or glibc's "free(): unaligned
 * chunk", always during start-up) in about one forced build in ten when two
 * threads created sessions at the same moment (docs/reliability.md). Every
 * session the process creates takes a turn here: the in-process encoder,
 * each embedding worker's, and the reader's thread.
 */
export interface SessionTurn {
  /** Resolves once every earlier turn is done. */
  ready: Promise<void>;
  /** Ends this turn (its session is created, or failed to be). */
  done(): void;
}

let last: Promise<void> = Promise.resolve();

export function sessionTurn(): SessionTurn {
  const ready = last;
  let done!: () => void;
  last = new Promise<void>((resolve) => (done = resolve));
  return { ready, done };
}

/** Creates a session in this thread, in its turn. */
export async function inTurn<T>(create: () => Promise<T>): Promise<T> {
  const turn = sessionTurn();
  await turn.ready;
  try {
    return await create();
  } finally {
    turn.done();
  }
}
