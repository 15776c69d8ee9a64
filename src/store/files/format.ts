/**
 * What an index generation holds on disk, and the checks a reader makes
 * before trusting it. Versioned like minisearch's toJSON/loadJSON: a file
 * from another format or model is rejected with a message that says what to run.
 */
import { z } from 'zod';
import type { StoredTags } from '../../annotate/tags.js';
import { fail } from '../../errors.js';

/**
 * 2: BM25 postings persisted in lexical.bin. 3: passages carry typed values (tags) and speaker/subject context.
 * 4: the manifest records every file's size and CRC-32.
 * 5: passages in passages.bin, columns instead of JSON (store/files/passages-file); vectors read by row, not loaded whole.
 * 6: a passage's four strings adjacent in passages.bin, so a large table reads its text from disk, one read a passage.
 * 7: a passage's byte offset in its file, so the verbatim check reads a quote's own bytes, not its whole document.
 * 8: overlay generations (store/write/overlay) and each document's template keys (templates.bin) that make them safe.
 */
export const FORMAT_VERSION = 8;

export const HNSW_DEFAULTS = { space: 'cosine' as const, m: 16, efConstruction: 200, ef: 100 };

/**
 * A graph built for at least this many sentences keeps more links per point
 * and looks further while linking (DENSER_GRAPH). At 2 M sentences with the
 * defaults, recall@10 stopped at 0.926 however large the ef: points the graph
 * never linked well cannot be found by searching harder. M 24 alone gave
 * 0.958 for 123 MB more RSS; M 24 with efConstruction 400 gave 1.000 at
 * ef 401 (build 1,914 → 2,948 s). A fitted constant: from `npm run bench --
 * --scale 500000,2000000` on the synthetic archives (docs/performance.md#scale),
 * no gold question involved; at 500 k the defaults still reach 0.990, so
 * smaller archives keep them.
 */
export const DENSER_GRAPH_FROM = 1_000_000;
export const DENSER_GRAPH = { m: 24, efConstruction: 400 };

export type GraphParameters = typeof HNSW_DEFAULTS;

/** The parameters a graph built for `sentences` points gets. */
export function graphParameters(sentences: number): GraphParameters {
  return sentences >= DENSER_GRAPH_FROM ? { ...HNSW_DEFAULTS, ...DENSER_GRAPH } : HNSW_DEFAULTS;
}

/**
 * Graphs up to this many points are searched at the manifest's ef; larger
 * ones at an ef in proportion to their size. At a fixed ef 100, recall@10
 * fell from 0.996 at 61.6 k sentences to 0.990 at 500 k and 0.834 at 2 M. A
 * fitted constant: from `npm run bench -- --scale 500000,2000000` (recall and
 * search time by ef, in docs/performance.md#scale), on the synthetic archives
 * only; no gold question is answered from a graph this large.
 */
export const EF_GROWS_FROM = 500_000;

/** The ef a query searches a graph of `count` points with. */
export function searchEf(base: number, count: number): number {
  return Math.max(base, Math.ceil((base * count) / EF_GROWS_FROM));
}

const metaSchema = z.object({
  title: z.string().optional(),
  publisher: z.string().optional(),
  date: z.string().optional(),
  byline: z.string().optional(),
  url: z.string().optional(),
});

const hnswSchema = z.object({ space: z.literal('cosine'), m: z.number(), efConstruction: z.number(), ef: z.number() });

export const manifestSchema = z.object({
  format: z.number(),
  model: z.object({ id: z.string(), dims: z.number().int().positive() }),
  /** The base graph's (an overlay's graph has its own, below). */
  hnsw: hnswSchema,
  documents: z.record(z.string(), z.object({ sha256: z.string(), stamp: z.string().optional(), sentences: z.number().int().nonnegative() })),
  /** One past the highest label ever used in the base; its vectors.f32 has this many rows. */
  labelCount: z.number().int().nonnegative(),
  /** Labels marked deleted in the graph, reused never; a full rebuild clears them. */
  deletedCount: z.number().int().nonnegative(),
  builtAt: z.string(),
  /**
   * Present when the generation is an overlay (store/write/overlay): the base files are the ones a full build wrote,
   * linked, and the overlay files hold the documents added or changed since, over the base documents it masks.
   */
  overlay: z
    .object({
      /** Base documents the overlay replaces or that are gone, each with the hash the base indexed it with. */
      masked: z.record(z.string(), z.string()),
      /** The overlay graph's points: labels 0 … labelCount − 1, none deleted. */
      labelCount: z.number().int().nonnegative(),
      hnsw: hnswSchema,
    })
    .optional(),
  /** Every other file of the generation: its size (checked at load) and CRC-32 (checked by `index --verify`). */
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), crc32: z.number().int().nonnegative() })),
});
export type Manifest = z.infer<typeof manifestSchema>;

export interface Passage {
  label: number;
  doc: number;
  start: number;
  end: number;
  /** UTF-8 offset of `start` in the file as indexed; NO_BYTES when the text is not the file's bytes (an HTML page). */
  byteStart: number;
  paragraph: number;
  text: string;
  /** The exact characters between this sentence and the next one of its paragraph ('' at the paragraph's end). */
  after: string;
  /** Typed values in the sentence (src/annotate/tags.ts). */
  tags: StoredTags;
  /** Resolved speaker and subject names ('' when none): searched, never quoted. */
  context: string;
}

/** The byteStart of a passage whose document's text is extracted (HTML), not its file's bytes. */
export const NO_BYTES = -1;

export const documentsSchema = z.array(z.object({ name: z.string(), meta: metaSchema }));
/** A document of the index: its file name and the metadata quotes are cited with. */
export type StoredDocument = z.infer<typeof documentsSchema>[number];

/** Parses one JSON file of an index, turning any defect into INDEX_CORRUPT / INDEX_VERSION. */
export function parseIndexFile<T>(file: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw fail('INDEX_CORRUPT', file, 'not valid JSON');
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== FORMAT_VERSION) throw fail('INDEX_VERSION', format, FORMAT_VERSION);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail('INDEX_CORRUPT', file, `${issue.path.join('.') || 'root'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Whether an index was built by this model: same id (weights hash, precision) and dimension. */
export function sameModel(manifest: Manifest, model: { id: string; dims: number }): boolean {
  return manifest.model.id === model.id && manifest.model.dims === model.dims;
}

export function assertModel(manifest: Manifest, model: { id: string; dims: number }): void {
  if (!sameModel(manifest, model)) {
    throw fail('INDEX_MODEL_MISMATCH', `${manifest.model.id} (${manifest.model.dims}-d)`, `${model.id} (${model.dims}-d)`);
  }
}
