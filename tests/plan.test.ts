/** The build plan, decided without a model, a graph or a file: which labels survive, what is copied, what is embedded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENSER_GRAPH, DENSER_GRAPH_FROM, graphParameters, HNSW_DEFAULTS, NO_BYTES, type GraphParameters, type Passage } from '../src/store/files/format.js';
import { planBuild, type PlannedDocument, type PreviousIndex } from '../src/store/write/plan.js';

/** One paragraph per sentence, laid out in order: enough for the plan, which reads only text, offsets and paragraphs. */
function doc(name: string, texts: string[]): PlannedDocument {
  let at = 0;
  const sentences = texts.map((text, i) => {
    const s = { start: at, end: at + text.length, text, paragraph: i + 1 };
    at = s.end + 2;
    return s;
  });
  return { name, sha256: name + texts.join('|'), text: texts.join('\n\n'), textIsFile: true, sentences, annotations: texts.map(() => ({ tags: '', context: '' })) };
}

/** What a previous build of these documents would have stored, labels in reading order. */
function previousOf(documents: PlannedDocument[], deletedCount = 0, hnsw: GraphParameters = HNSW_DEFAULTS): PreviousIndex {
  const plan = planBuild(documents, undefined);
  return {
    manifest: { labelCount: plan.labelCount, deletedCount, hnsw, documents: Object.fromEntries(documents.map((d) => [d.name, { sha256: d.sha256, sentences: d.sentences.length }])) },
    documents,
    passages: plan.passages,
  };
}

const labels = (passages: Passage[]) => passages.map((p) => `${p.text}#${p.label}`);

describe('planning a build', () => {
  it('labels everything fresh and embeds each distinct text once when there is no previous index', () => {
    const plan = planBuild([doc('a', ['One.', 'Two.', 'One.'])], undefined);
    expect(labels(plan.passages)).toEqual(['One.#0', 'Two.#1', 'One.#2']);
    expect(plan.toEmbed).toEqual([{ text: 'One.', labels: [0, 2] }, { text: 'Two.', labels: [1] }]);
    expect(plan).toMatchObject({ rebuildGraph: true, labelCount: 3, deletions: [], copies: [] });
  });

  it('keeps the labels of sentences that stay, deletes the ones that go, and embeds only new text', () => {
    const before = [doc('a', ['One.', 'Two.', 'Three.']), doc('b', ['Four.'])];
    const plan = planBuild([doc('a', ['One.', 'Two and a half.', 'Three.']), doc('b', ['Four.'])], previousOf(before));
    // "Two." (label 1) is gone; the new sentence gets the next unused label, never a reused one.
    expect(labels(plan.passages)).toEqual(['One.#0', 'Two and a half.#4', 'Three.#2', 'Four.#3']);
    expect(plan).toMatchObject({ rebuildGraph: false, labelCount: 5, deletions: [1], deletedCount: 1, copies: [] });
    expect(plan.toEmbed).toEqual([{ text: 'Two and a half.', labels: [4] }]);
  });

  it('keeps a label exactly for the same text at the same occurrence in the same document, labels the rest afresh, deletes the rest and copies or embeds each new label once', () => {
    const sentence = fc.constantFrom('One.', 'Two.', 'Three.', 'Four.');
    const corpus = fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), texts: fc.array(sentence, { minLength: 1, maxLength: 6 }) }), {
      selector: (d) => d.name,
      maxLength: 4,
    });
    /** "document | text | how many times the text came before in it", for every sentence in reading order. */
    const occurrences = (documents: { name: string; texts: string[] }[]) =>
      documents.flatMap(({ name, texts }) => texts.map((text, i) => `${name}|${text}|${texts.slice(0, i).filter((t) => t === text).length}`));
    fc.assert(
      fc.property(corpus, corpus, (was, now) => {
        const previous = previousOf(was.map((d) => doc(d.name, d.texts)));
        const plan = planBuild(now.map((d) => doc(d.name, d.texts)), previous);
        // A first build labels in reading order, so the n-th old occurrence holds label n.
        const oldLabel = new Map(occurrences(was).map((key, label) => [key, label]));
        const keys = occurrences(now);
        const firstNew = previous.manifest.labelCount;
        keys.forEach((key, i) => expect(plan.passages[i]!.label).toBe(oldLabel.get(key) ?? plan.passages[i]!.label));
        const fresh = plan.passages.filter((_, i) => !oldLabel.has(keys[i]!));
        expect(fresh.map((p) => p.label)).toEqual(fresh.map((_, k) => firstNew + k));
        expect(plan.deletions).toEqual([...oldLabel].filter(([key]) => !keys.includes(key)).map(([, label]) => label));
        const oldTexts = previous.passages as Passage[];
        expect([...plan.copies.map(([label]) => label), ...plan.toEmbed.flatMap((e) => e.labels)].sort((x, y) => x - y)).toEqual(fresh.map((p) => p.label));
        for (const [label, from] of plan.copies) expect(oldTexts[from]!.text).toBe(plan.passages.find((p) => p.label === label)!.text);
        for (const { text } of plan.toEmbed) expect(oldTexts.some((p) => p.text === text)).toBe(false);
        expect(new Set(plan.toEmbed.map((e) => e.text)).size).toBe(plan.toEmbed.length);
      }),
    );
  });

  it('copies the vector of a text the previous index holds elsewhere instead of embedding it again', () => {
    const before = [doc('a', ['Shared line.', 'Only in a.'])];
    const plan = planBuild([doc('a', ['Shared line.', 'Only in a.']), doc('b', ['Shared line.'])], previousOf(before));
    expect(plan.copies).toEqual([[2, 0]]);
    expect(plan.toEmbed).toEqual([]);
  });

  it('gives each sentence of a plain-text file the UTF-8 offset of its start, and none to an HTML page\'s extracted text', () => {
    const file = doc('a.txt', ['\uFEFF“Curly” quotes.', 'Emoji 😀 and café.', 'Plain.']);
    const page = { ...doc('b.html', ['Extracted text.']), textIsFile: false };
    const { passages } = planBuild([file, page], undefined);
    const bytes = Buffer.from(file.text);
    for (const p of passages.slice(0, 3)) expect(bytes.subarray(p.byteStart, p.byteStart + Buffer.byteLength(p.text)).toString()).toBe(p.text);
    expect(passages.map((p) => p.byteStart)).toEqual([0, 24, 47, NO_BYTES]);
  });

  it('rebuilds the graph once deletions pass a quarter of it, still copying every vector it knows', () => {
    const before = [doc('a', ['One.', 'Two.', 'Three.', 'Four.'])];
    const plan = planBuild([doc('a', ['One.', 'Two.', 'Three.', 'Four.'])], previousOf(before, 2));
    expect(plan).toMatchObject({ rebuildGraph: true, deletions: [], deletedCount: 0, labelCount: 4 });
    expect(plan.copies).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    expect(plan.toEmbed).toEqual([]);
  });

  it('rebuilds a graph sparser than the archive\'s size calls for, and patches one denser than it needs', () => {
    const before = [doc('a', ['One.', 'Two.'])];
    const after = [doc('a', ['One.', 'Two.', 'Three.'])];
    // A graph built with fewer links than a small archive gets: the next update builds it anew, with the defaults.
    const sparse = planBuild(after, previousOf(before, 0, { ...HNSW_DEFAULTS, m: 8 }));
    expect(sparse).toMatchObject({ rebuildGraph: true, hnsw: HNSW_DEFAULTS, deletions: [] });
    // A graph built when the archive was large keeps its links as the archive shrinks: no rebuild to go sparser.
    const dense = { ...HNSW_DEFAULTS, ...DENSER_GRAPH };
    expect(planBuild(after, previousOf(before, 0, dense))).toMatchObject({ rebuildGraph: false, hnsw: dense });
    expect(planBuild(after, previousOf(before))).toMatchObject({ rebuildGraph: false, hnsw: HNSW_DEFAULTS });
  });

  it('gives archives from DENSER_GRAPH_FROM sentences more links per point and a wider search while linking', () => {
    expect(graphParameters(DENSER_GRAPH_FROM - 1)).toEqual(HNSW_DEFAULTS);
    const dense = graphParameters(DENSER_GRAPH_FROM);
    expect(dense.m).toBeGreaterThan(HNSW_DEFAULTS.m);
    expect(dense.efConstruction).toBeGreaterThan(HNSW_DEFAULTS.efConstruction);
    // Only the graph's construction changes: the search's ef and the space are the store's.
    expect({ ef: dense.ef, space: dense.space }).toEqual({ ef: HNSW_DEFAULTS.ef, space: HNSW_DEFAULTS.space });
  });
});
