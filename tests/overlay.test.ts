/**
 * Overlay generations (store/write/overlay): an update that links the base's files
 * and writes only the changed documents must answer exactly as a full build
 * of the same corpus does, and must fall back to the full build whenever it
 * could not.
 */
import { mkdir, readdir, rm, stat, writeFile, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { liveDocuments } from '../src/corpus/live.js';
import { queryTerms } from '../src/lexical/terms.js';
import { createSearchEngine } from '../src/search/engine.js';
import { overlayBoilerplate } from '../src/store/write/boilerplate-shift.js';
import { buildIndex } from '../src/store/write/build.js';
import { currentGeneration, FILES, OVERLAY_FILES } from '../src/store/files/layout.js';
import { loadIndex, loadIndexOrPrevious, type LoadedIndex } from '../src/store/read/load.js';
import { OVERLAY_MAX_SHARE } from '../src/store/write/overlay.js';
import { searchView } from '../src/store/read/search-view.js';
import { decodeTemplateKeys, encodeTemplateKeys } from '../src/store/files/templates-file.js';
import { verifyIndex } from '../src/store/read/verify.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const WORDS = ('council budget school teacher road bridge flood river report board hospital nurse police court judge park library ' +
  'museum train station harbour ferry market tax housing rent mayor election vote bus cycle lane tree garden festival').split(' ');

/** A deterministic article: a headline, a shared site template, three paragraphs of distinct sentences. */
function article(n: number, seed = 0): string {
  let state = (n * 7919 + seed * 104729 + 1) >>> 0;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) % WORDS.length;
  const sentence = (s: number) => {
    const words = Array.from({ length: 6 + (s % 5) }, () => WORDS[next()]!);
    return `${words[0]![0]!.toUpperCase()}${words[0]!.slice(1)} ${words.slice(1).join(' ')} in story ${n} part ${s}.`;
  };
  const paragraphs = [0, 1, 2].map((p) => [0, 1, 2].map((s) => sentence(p * 3 + s + seed * 10)).join(' '));
  return [`Headline number ${n}`, 'Advertise with the Gazette', ...paragraphs, 'Public Notices'].join('\n\n');
}

const DOCS = 160;
const name = (n: number) => `story-${String(n).padStart(3, '0')}.txt`;

let paths: Awaited<ReturnType<typeof scratch>>;
beforeEach(async () => {
  paths = await scratch(false);
  await mkdir(paths.corpusDir, { recursive: true });
  for (let n = 0; n < DOCS; n++) await writeFile(join(paths.corpusDir, name(n)), article(n));
});

/** A full build of the same corpus in a folder of its own: what the overlay must equal. */
async function fullBuildOf(corpusDir: string): Promise<LoadedIndex> {
  const indexDir = `${corpusDir}-full-${Math.random().toString(36).slice(2)}`;
  await buildIndex({ corpusDir, indexDir, embedder: fakeEmbedder(), force: true });
  return loadIndex(indexDir);
}

const QUESTIONS = ['What did the council say about the budget?', 'Was the bridge closed by the flood?', 'Who won the mayor election?', 'rent housing tax', 'festival garden tree'];

/** Every answer's quotes, as the reader would be shown them. */
async function answers(index: LoadedIndex, corpusDir: string) {
  const engine = createSearchEngine(searchView(index), fakeEmbedder(), { live: liveDocuments(corpusDir) });
  const out = [];
  for (const question of QUESTIONS) {
    const answer = await engine.ask(question, 5);
    const shown = (quotes: typeof answer.quotes) => quotes.map((q) => ({ doc: q.doc, start: q.start, end: q.end, text: q.text, score: q.score }));
    out.push({ verdict: answer.verdict, quotes: shown(answer.quotes), related: shown(answer.related) });
  }
  return out;
}

/** Every live passage's BM25 score for each question, keyed by document and offset (numbering differs between the two). */
function lexicalScores(index: LoadedIndex) {
  const view = searchView(index);
  const masked = index.overlay?.maskedSpans ?? [];
  const scores = new Map<string, number[]>();
  const hits = QUESTIONS.map((q) => view.lexical.search(queryTerms(q), 10));
  for (let p = 0; p < view.passages.length; p++) {
    if (masked.some(([a, b]) => p >= a && p < b)) continue;
    const passage = view.passages.at(p)!;
    scores.set(`${view.documents[passage.doc]!.name}@${passage.start}`, hits.map((h) => h.scoreOf(p)));
  }
  return scores;
}

async function inode(dir: string, file: string) {
  return (await stat(join(dir, file))).ino;
}

describe('overlay update', () => {
  it('links the base files, embeds only new text, and answers exactly as a full build of the same corpus', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const base = (await currentGeneration(paths.indexDir))!;

    // One article edited, one added, one removed.
    const edited = join(paths.corpusDir, name(5));
    await writeFile(edited, `${await readFile(edited, 'utf8')}\n\nThe mayor opened a new library beside the harbour today.`);
    await writeFile(join(paths.corpusDir, 'story-new.txt'), article(500));
    await rm(join(paths.corpusDir, name(7)));
    embedder.calls.length = 0;
    const report = await buildIndex({ ...paths, embedder });

    expect(report).toMatchObject({ changed: [name(5)], added: ['story-new.txt'], removed: [name(7)], graph: 'overlay' });
    // The edited article's old sentences come from the base's vectors: only the new sentence and the new article are embedded.
    expect(embedder.calls).toContain('The mayor opened a new library beside the harbour today.');
    expect(embedder.calls.some((t) => t.includes('story 5 '))).toBe(false);
    expect(report.embedded).toBe(embedder.calls.length);

    const dir = (await currentGeneration(paths.indexDir))!;
    for (const file of [FILES.graph, FILES.vectors, FILES.store, FILES.lexical, FILES.templates]) expect(await inode(dir, file)).toBe(await inode(base, file));
    const index = await loadIndex(paths.indexDir);
    expect(Object.keys(index.manifest.overlay!.masked).sort()).toEqual([name(5), name(7)]);
    expect(index.overlay!.passages.documents.map((d) => d.name).sort()).toEqual([name(5), 'story-new.txt']);

    const full = await fullBuildOf(paths.corpusDir);
    expect(report.sentences).toBe(full.passages.length);
    // What a refusal lists as covered: the removed article is gone, the edited one listed once.
    expect(searchView(index).covered).toEqual(full.documents);
    expect(lexicalScores(index)).toEqual(lexicalScores(full));
    expect(await answers(index, paths.corpusDir)).toEqual(await answers(full, paths.corpusDir));
    // Every file of both parts is as its manifest says, and loads.
    expect((await verifyIndex(paths.indexDir)).flatMap((g) => g.files).filter((f) => f.problem)).toEqual([]);
  });

  it('makes each overlay afresh against the base, so edits never stack, and a reverted edit masks nothing', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const first = join(paths.corpusDir, name(1));
    const second = join(paths.corpusDir, name(2));
    const original = await readFile(first, 'utf8');
    await writeFile(first, `${original}\n\nA first late sentence about the ferry timetable.`);
    await buildIndex({ ...paths, embedder });
    await writeFile(second, `${await readFile(second, 'utf8')}\n\nA second late sentence about the museum roof.`);
    embedder.calls.length = 0;
    await buildIndex({ ...paths, embedder });
    // The first edit's sentence is the previous overlay's: reused, not embedded again.
    expect(embedder.calls).toEqual(['A second late sentence about the museum roof.']);
    let index = await loadIndex(paths.indexDir);
    expect(Object.keys(index.manifest.overlay!.masked).sort()).toEqual([name(1), name(2)]);

    await writeFile(first, original);
    embedder.calls.length = 0;
    await buildIndex({ ...paths, embedder });
    expect(embedder.calls).toEqual([]);
    index = await loadIndex(paths.indexDir);
    expect(Object.keys(index.manifest.overlay!.masked)).toEqual([name(2)]);
    expect(await answers(index, paths.corpusDir)).toEqual(await answers(await fullBuildOf(paths.corpusDir), paths.corpusDir));
  });

  it('writes a removal alone as an overlay of no documents, which hides the removed one', async () => {
    await buildIndex({ ...paths, embedder: fakeEmbedder() });
    await rm(join(paths.corpusDir, name(9)));
    const report = await buildIndex({ ...paths, embedder: fakeEmbedder() });
    expect(report).toMatchObject({ removed: [name(9)], embedded: 0, graph: 'overlay' });
    const index = await loadIndex(paths.indexDir);
    expect(index.overlay!.passages.length).toBe(0);
    // The removed article's own sentence, asked by its exact vector: its point is in the base graph, and never found.
    const [first, end] = index.overlay!.maskedSpans[0]!;
    const [own] = await fakeEmbedder().embed([index.passages.at(first)!.text]);
    const found = searchView(index).nearest(own!, 5);
    expect(found).toHaveLength(5);
    expect(found.filter((p) => p >= first && p < end)).toEqual([]);
    expect(await answers(index, paths.corpusDir)).toEqual(await answers(await fullBuildOf(paths.corpusDir), paths.corpusDir));
  });

  it('runs the full build when an edit moves another document\'s boilerplate, and then answers as a full build', async () => {
    // "Subscribe to our weekly newsletter." appears in two articles only: a template while both hold it.
    for (const n of [10, 11]) {
      const file = join(paths.corpusDir, name(n));
      await writeFile(file, (await readFile(file, 'utf8')).replace('Public Notices', 'Subscribe to our weekly newsletter.\n\nPublic Notices'));
    }
    await buildIndex({ ...paths, embedder: fakeEmbedder() });
    let index = await loadIndex(paths.indexDir);
    expect([...index.passages].some((p) => p.text.startsWith('Subscribe'))).toBe(false);

    // Removed from one: in the other it is now a paragraph of its own, which only a full build indexes.
    const file = join(paths.corpusDir, name(10));
    await writeFile(file, (await readFile(file, 'utf8')).replace('Subscribe to our weekly newsletter.\n\n', ''));
    const messages: string[] = [];
    await buildIndex({ ...paths, embedder: fakeEmbedder(), onMessage: (line) => messages.push(line) });
    index = await loadIndex(paths.indexDir);
    expect(index.manifest.overlay).toBeUndefined();
    expect(messages.join('\n')).toMatch(/boilerplate: a full update/);
    expect([...index.passages].filter((p) => p.text.startsWith('Subscribe')).map((p) => index.documents[p.doc]!.name)).toEqual([name(11)]);
    expect(lexicalScores(index)).toEqual(lexicalScores(await fullBuildOf(paths.corpusDir)));
  });

  it(`folds the overlay into a new base once it passes ${OVERLAY_MAX_SHARE * 100} % of the base, re-embedding nothing it holds`, async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    await writeFile(join(paths.corpusDir, name(3)), `${article(3)}\n\nAn overlay sentence about the night bus.`);
    await buildIndex({ ...paths, embedder });
    expect((await loadIndex(paths.indexDir)).manifest.overlay).toBeDefined();

    // Six more articles rewritten: past the share, so the full build patches the base graph.
    for (let n = 20; n < 26; n++) await writeFile(join(paths.corpusDir, name(n)), article(n, 1));
    embedder.calls.length = 0;
    const report = await buildIndex({ ...paths, embedder });
    const index = await loadIndex(paths.indexDir);
    expect(index.manifest.overlay).toBeUndefined();
    expect(report.graph).toBe('patched');
    expect(embedder.calls).not.toContain('An overlay sentence about the night bus.');
    expect(report.embedded).toBe(embedder.calls.length);
    expect(await answers(index, paths.corpusDir)).toEqual(await answers(await fullBuildOf(paths.corpusDir), paths.corpusDir));
  });

  it('names a damaged overlay file, and readers fall back to the generation before it', async () => {
    await buildIndex({ ...paths, embedder: fakeEmbedder() });
    await writeFile(join(paths.corpusDir, 'story-new.txt'), article(600));
    await buildIndex({ ...paths, embedder: fakeEmbedder() });
    const dir = (await currentGeneration(paths.indexDir))!;
    expect((await readdir(dir)).filter((f) => f.startsWith('overlay.')).sort()).toEqual(Object.values(OVERLAY_FILES).sort());
    await truncate(join(dir, OVERLAY_FILES.store), 10);
    await expect(loadIndex(paths.indexDir)).rejects.toThrow(/overlay\.passages\.bin/);
    const [current] = await verifyIndex(paths.indexDir);
    expect(current!.files.filter((f) => f.problem).map((f) => f.file)).toEqual([join(dir, OVERLAY_FILES.store)]);
    const warnings: string[] = [];
    const fallback = await loadIndexOrPrevious(paths.indexDir, fakeEmbedder(), (line) => warnings.push(line));
    expect(fallback.overlay).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/overlay\.passages\.bin.*answering from the previous index/);
  });
});

describe('overlayBoilerplate', () => {
  const base = decodeTemplateKeys(encodeTemplateKeys([['advertise', 'subscribe'], ['advertise', 'subscribe'], ['advertise', 'short note']]));

  it('lays an overlay document out with the keys now in two or more documents', () => {
    // Document 2 replaced by one that also holds "short note" and a key of its own.
    expect(overlayBoilerplate(base, [2], [['advertise', 'fresh line']])).toEqual(new Set(['advertise']));
  });

  it('refuses a change that moves a kept document across the two-document line, either way', () => {
    // Removing document 1 leaves "subscribe" in document 0 alone: no longer a template there.
    expect(overlayBoilerplate(base, [1], [])).toBeUndefined();
    // A new document holding document 2's "short note" makes it a template in document 2.
    expect(overlayBoilerplate(base, [], [['short note']])).toBeUndefined();
    // Replacing document 1 by one that keeps "subscribe" moves nothing.
    expect(overlayBoilerplate(base, [1], [['subscribe']])).toEqual(new Set(['subscribe']));
  });
});
