/**
 * Writes one generation folder, the mirror of store/load: every file through
 * the atomic path (temp name, fsync, rename, folder fsync), the manifest last
 * with each file's size and CRC-32, so a generation whose manifest exists is
 * complete, and `--verify` can prove it still is. A failed write (a full
 * disk) removes the partial folder and names the file; nothing is published.
 */
import { appendFile, copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type hnswlib from 'hnswlib-node';
import { fail, oneLine, QuotebotError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicWith } from '../fs/atomic.js';
import { checkOfBytes, checkOfFile, extendCheck, type FileCheck } from '../fs/checksum.js';
import type { Manifest, Passage, StoredDocument } from './format.js';
import { graphFileProblem } from './hnsw-file.js';
import { FILES, newGenerationName } from './layout.js';
import { encodePassages } from './passages-file.js';

export interface GenerationContent {
  manifest: Omit<Manifest, 'files'>;
  store: { documents: readonly StoredDocument[]; passages: readonly Passage[] };
  /** Rows of vectors.f32 from the end of `vectorsBefore` on (all of them without it), row after row. */
  vectors: Float32Array;
  /**
   * The previous generation's vectors.f32 and the check its manifest records, when the new file is that one with
   * rows appended: copied by the kernel, never read into memory, and its CRC-32 continued rather than recomputed.
   */
  vectorsBefore?: { file: string; check: FileCheck };
  graph: hnswlib.HierarchicalNSW;
  /** lexical.bin's bytes (store/lexical-file). */
  lexical: Uint8Array;
}

/** Writes a new generation folder under indexDir and returns its name; publishing it is the caller's step. */
export async function writeGeneration(indexDir: string, content: GenerationContent): Promise<string> {
  const generation = newGenerationName();
  const dir = join(indexDir, generation);
  let file: string = dir;
  try {
    await mkdir(indexDir, { recursive: true });
    // Not recursive: the folder must be new, never one a reader may be using.
    await mkdir(dir);
    const files: Record<string, FileCheck> = {};
    const put = async (name: string, data: string | Uint8Array) => {
      file = join(dir, name);
      files[name] = checkOfBytes(data);
      await writeFileAtomic(file, data);
    };
    const rows = new Uint8Array(content.vectors.buffer, content.vectors.byteOffset, content.vectors.byteLength);
    const before = content.vectorsBefore;
    if (before) {
      file = join(dir, FILES.vectors);
      await writeFileAtomicWith(file, async (temp) => {
        await copyFile(before.file, temp);
        // Checked at load, but the copy is what the recorded CRC is continued from: it must be all of it.
        const { size } = await stat(temp);
        if (size !== before.check.bytes) throw new Error(`the previous vectors.f32 copied as ${size} bytes, its manifest says ${before.check.bytes}`);
        await appendFile(temp, rows);
      });
      files[FILES.vectors] = extendCheck(before.check, rows);
    } else await put(FILES.vectors, rows);
    file = join(dir, FILES.graph);
    await writeFileAtomicWith(file, async (temp) => {
      await content.graph.writeIndex(temp);
      const problem = await graphFileProblem(temp, { count: content.graph.getCurrentCount(), maxElements: content.graph.getMaxElements() });
      if (problem) throw new Error(`hnswlib wrote ${problem}`);
      files[FILES.graph] = await checkOfFile(temp);
    });
    await put(FILES.lexical, content.lexical);
    await put(FILES.store, encodePassages(content.store.documents, content.store.passages));
    await put(FILES.manifest, JSON.stringify({ ...content.manifest, files } satisfies Manifest, null, 2));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw writeFailure(file, error);
  }
  return generation;
}

/** The catalog's INDEX_WRITE_FAILED for a failed write of `file`, a full disk said in words. */
export function writeFailure(file: string, error: unknown): QuotebotError {
  if (error instanceof QuotebotError) return error;
  return fail('INDEX_WRITE_FAILED', file, (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : oneLine(error));
}
