/**
 * Starts one of the model's worker threads (embed/encode-worker.ts,
 * embed/read-worker.ts). Under tsx or vitest this module is TypeScript
 * source, and a worker does not inherit the parent's TypeScript loader, so
 * it registers tsx itself first. Compiled to JavaScript (dist/, where each
 * worker is bundled beside the entry that starts it), the worker file is
 * loaded directly.
 */
import { Worker } from 'node:worker_threads';

export function spawnWorker(name: 'encode-worker' | 'read-worker', workerData: unknown): Worker {
  const url = new URL(`./${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const shim = `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return new Worker(shim, { eval: true, workerData });
}
