/**
 * Writes one generation folder, the mirror of store/read/load: every file through
 * the atomic path (temp name, fsync, rename, folder fsync), the manifest last
 * with each file's size and CRC-32, so a generation whose manifest exists is
 * complete, and `--verify` can prove it still is. A failed write (a full
 * disk) removes the partial folder and names the file; nothing is published.
 */
import { appendFile, copyFile, link, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type hnswlib from 'hnswlib-node';
import { fail, oneLine, QuotebotError } from '../../errors.js';
import { syncPath, writeFileAtomic, writeFileAtomicWith } from '../../fs/atomic.js';
import { checkOfBytes, checkOfFile, extendCheck, type FileCheck } from '../../fs/checksum.js';
import type { Manifest, Passage, StoredDocument } from '../files/format.js';
import { graphFileProblem } from '../files/hnsw-file.js';
import { BASE_FILES, FILES, newGenerationName, OVERLAY_FILES } from '../files/layout.js';
import { encodePassages } from '../files/passages-file.js';

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
  /** lexical.bin's bytes (store/files/lexical-file). */
  lexical: Uint8Array;
  /** templates.bin's bytes (store/files/templates-file). */
  templates: Uint8Array;
}

/** What an overlay generation writes itself; its base files are linked from the generation it follows. */
export interface OverlayContent {
  manifest: Omit<Manifest, 'files'>;
  /** The generation whose base files are linked, and their checks as its manifest records them. */
  base: { dir: string; files: Manifest['files'] };
  /** The overlay's files; none when the corpus is back to what the base indexed. */
  overlay?: Pick<GenerationContent, 'store' | 'vectors' | 'graph' | 'lexical'>;
}

interface Writer {
  dir: string;
  files: Record<string, FileCheck>;
  /** Writes `name` atomically and records its check. */
  put(name: string, data: string | Uint8Array): Promise<void>;
  /** Writes a graph through hnswlib, checked against its own layout first (hnsw-file). */
  putGraph(name: string, graph: hnswlib.HierarchicalNSW): Promise<void>;
  /** Sets the file a failure is reported against. */
  writing(file: string): void;
}

/**
 * Creates a new generation folder under indexDir, lets `fill` write its
 * files, then the manifest with every file's check; returns its name.
 * Publishing it is the caller's step.
 */
async function newGeneration(indexDir: string, manifest: Omit<Manifest, 'files'>, fill: (writer: Writer) => Promise<void>): Promise<string> {
  const generation = newGenerationName();
  const dir = join(indexDir, generation);
  let file: string = dir;
  try {
    await mkdir(indexDir, { recursive: true });
    // Not recursive: the folder must be new, never one a reader may be using.
    await mkdir(dir);
    const files: Record<string, FileCheck> = {};
    const writer: Writer = {
      dir,
      files,
      writing: (name) => (file = join(dir, name)),
      async put(name, data) {
        writer.writing(name);
        files[name] = checkOfBytes(data);
        await writeFileAtomic(file, data);
      },
      async putGraph(name, graph) {
        writer.writing(name);
        await writeFileAtomicWith(file, async (temp) => {
          await graph.writeIndex(temp);
          const problem = await graphFileProblem(temp, { count: graph.getCurrentCount(), maxElements: graph.getMaxElements() });
          if (problem) throw new Error(`hnswlib wrote ${problem}`);
          files[name] = await checkOfFile(temp);
        });
      },
    };
    await fill(writer);
    await writer.put(FILES.manifest, JSON.stringify({ ...manifest, files } satisfies Manifest, null, 2));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw writeFailure(file, error);
  }
  return generation;
}

const asBytes = (vectors: Float32Array) => new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);

/** Writes a new generation folder under indexDir and returns its name; publishing it is the caller's step. */
export function writeGeneration(indexDir: string, content: GenerationContent): Promise<string> {
  return newGeneration(indexDir, content.manifest, async (writer) => {
    const rows = asBytes(content.vectors);
    const before = content.vectorsBefore;
    if (before) {
      writer.writing(FILES.vectors);
      await writeFileAtomicWith(join(writer.dir, FILES.vectors), async (temp) => {
        await copyFile(before.file, temp);
        // Checked at load, but the copy is what the recorded CRC is continued from: it must be all of it.
        const { size } = await stat(temp);
        if (size !== before.check.bytes) throw new Error(`the previous vectors.f32 copied as ${size} bytes, its manifest says ${before.check.bytes}`);
        await appendFile(temp, rows);
      });
      writer.files[FILES.vectors] = extendCheck(before.check, rows);
    } else await writer.put(FILES.vectors, rows);
    await writer.putGraph(FILES.graph, content.graph);
    await writer.put(FILES.lexical, content.lexical);
    await writer.put(FILES.templates, content.templates);
    await writer.put(FILES.store, encodePassages(content.store.documents, content.store.passages));
  });
}

/**
 * Writes an overlay generation: the base files hard-linked (never written
 * again: a link is a new name for the same bytes, so their checks are the
 * base manifest's), then the overlay's own small files. A file system
 * without hard links gets copies.
 */
export function writeOverlayGeneration(indexDir: string, content: OverlayContent): Promise<string> {
  return newGeneration(indexDir, content.manifest, async (writer) => {
    for (const name of BASE_FILES) {
      const check = content.base.files[name];
      if (!check) throw new Error(`the base manifest does not list ${name}`);
      writer.writing(name);
      const target = join(writer.dir, name);
      await link(join(content.base.dir, name), target).catch(async () => {
        // A copy is new bytes, unlike a link: durable before the manifest vouches for them.
        await copyFile(join(content.base.dir, name), target);
        await syncPath(target);
      });
      writer.files[name] = check;
    }
    // The links are entries of the folder: made durable before the manifest that vouches for them.
    await syncPath(writer.dir);
    const overlay = content.overlay;
    if (!overlay) return;
    await writer.put(OVERLAY_FILES.vectors, asBytes(overlay.vectors));
    await writer.putGraph(OVERLAY_FILES.graph, overlay.graph);
    await writer.put(OVERLAY_FILES.lexical, overlay.lexical);
    await writer.put(OVERLAY_FILES.store, encodePassages(overlay.store.documents, overlay.store.passages));
  });
}

/** The catalog's INDEX_WRITE_FAILED for a failed write of `file`, a full disk said in words. */
export function writeFailure(file: string, error: unknown): QuotebotError {
  if (error instanceof QuotebotError) return error;
  return fail('INDEX_WRITE_FAILED', file, (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : oneLine(error));
}
