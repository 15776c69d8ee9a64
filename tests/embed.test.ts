/** The pure and file-level parts of embedding, without the model. */
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachedFileHash } from '../src/embed/file-hash.js';
import { meanPoolNormalized } from '../src/embed/pooling.js';
import { embedInWorkers } from '../src/embed/worker-pool.js';
import { QuotebotError } from '../src/errors.js';
import { scratch } from './support/temp.js';

describe('meanPoolNormalized', () => {
  it('averages the token rows and scales the mean to unit length', () => {
    // Tokens (3, 0) and (1, 4): mean (2, 2), unit length (√½, √½).
    const v = meanPoolNormalized([3, 0, 1, 4], 2, 2);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('returns unit vectors for any non-zero input and rejects a shape that does not match', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.infiniteStream(fc.float({ min: -10, max: 10, noNaN: true })), (tokens, dims, values) => {
        const hidden = Array.from({ length: tokens * dims }, () => values.next().value as number);
        const v = meanPoolNormalized(hidden, tokens, dims);
        const norm = Math.hypot(...v);
        if (hidden.some((x) => x !== 0) && norm > 0) expect(norm).toBeCloseTo(1, 4);
      }),
    );
    expect(() => meanPoolNormalized([1, 2, 3], 2, 2)).toThrow(RangeError);
  });
});

describe('cachedFileHash', () => {
  it('hashes a file once and recomputes only when its size or modification time changes', async () => {
    const { dir: root } = await scratch(false);
    const file = join(root, 'weights.bin');
    const cache = join(root, 'cache', 'weights.sha256.json');
    const fixed = 1_700_000_000;
    await writeFile(file, 'first weights');
    await utimes(file, fixed, fixed);
    const first = await cachedFileHash(file, cache, 'm');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(await readFile(cache, 'utf8'))).toMatchObject({ sha256: first });

    // Same size and mtime: the cached hash is trusted without reading the file.
    await writeFile(file, 'other weights');
    await utimes(file, fixed, fixed);
    expect(await cachedFileHash(file, cache, 'm')).toBe(first);

    await writeFile(file, 'different, longer weights');
    const changed = await cachedFileHash(file, cache, 'm');
    expect(changed).not.toBe(first);
  });

  it('re-hashes instead of failing when the cache file is garbled (a crash or a full disk mid-write)', async () => {
    const { dir: root } = await scratch(false);
    const file = join(root, 'weights.bin');
    const cache = join(root, 'weights.sha256.json');
    await writeFile(file, 'some weights');
    for (const garbage of ['{"size": 12, "mtimeMs"', 'null', '[]']) {
      await writeFile(cache, garbage);
      expect(await cachedFileHash(file, cache, 'm')).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('names the model when its file is missing', async () => {
    const { dir: root } = await scratch(false);
    const error = await cachedFileHash(join(root, 'absent.onnx'), join(root, 'c.json'), 'my-model').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotebotError);
    expect((error as QuotebotError).code).toBe('MODEL_LOAD_FAILED');
    expect((error as Error).message).toContain('my-model');
  });
});

describe('embedInWorkers', () => {
  it('rejects with one catalog error when the workers cannot load the model', async () => {
    const { dir } = await scratch(false);
    const texts = Array.from({ length: 40 }, (_, i) => `sentence ${i}`);
    const error = await embedInWorkers(texts, { modelsDir: dir, model: 'no-such-model', precision: 'int8', threads: 1, workers: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotebotError);
    expect((error as QuotebotError).code).toBe('MODEL_LOAD_FAILED');
    expect((error as Error).message).toMatch(/^Could not load the embedding model "no-such-model": /);
  });

  it('returns nothing for no texts without starting a worker', async () => {
    expect(await embedInWorkers([], { modelsDir: '/nonexistent', model: 'x', precision: 'int8', threads: 1, workers: 2 })).toEqual([]);
  });
});
