/**
 * One rank-and-quote function: what `npm run fit` and `npm run ablate` score
 * (src/evaluate/gold-runs.ts) must be exactly what the engine answers, and a
 * gold file beside a corpus of its own is asked of that corpus.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomes, runGold } from '../src/evaluate/gold-runs.js';
import { loadConfig } from '../src/config/env.js';
import { configForGold, liveCorpus, openEngine } from '../src/open.js';
import { createSearchEngine } from '../src/search/engine.js';
import { loadIndex } from '../src/store/read/load.js';
import { searchView } from '../src/store/read/search-view.js';
import { decide, type DecisionModel } from '../src/search/decide.js';
import { hitRank } from '../src/evaluate/metrics.js';
import { TUNED } from '../src/search/tuned.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const QUESTIONS = [
  { q: 'How many children were social workers working with?', expect: ['4,529'] },
  { q: 'Who chairs the safeguarding board?', expect: ['Amy Weir'] },
  { q: 'What did Ofsted find?', expect: ['inadequate'] },
  { q: "What's the weather in Coventry this weekend?", expect: [], unanswerable: true },
  { q: 'How old is the council leader?', expect: [], unanswerable: true },
];

describe('the fitting runs and the engine', () => {
  it('give every question the same verdict, the same features and the same quotes, on every path a verdict takes', async () => {
    const paths = await scratch();
    const goldFile = join(paths.dir, 'gold.jsonl');
    await writeFile(goldFile, QUESTIONS.map((q) => JSON.stringify(q)).join('\n'));
    const config = loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir });
    const embedder = fakeEmbedder();
    await openEngine(config, embedder);
    const index = await loadIndex(config.indexDir, embedder);
    // The tuned verdict, and ones that relate or refuse everything: each path is compared, whatever the fake model's verdicts.
    const decisions: DecisionModel[] = [
      TUNED.decision,
      { ...TUNED.decision, answers: { ...TUNED.decision.answers, threshold: 2 } },
      { ...TUNED.decision, onTopic: { ...TUNED.decision.onTopic, threshold: 2 } },
    ];
    const verdicts = new Set<string>();
    for (const decision of decisions) {
      const tuning = { ...TUNED, decision };
      const engine = createSearchEngine(searchView(index), embedder, { live: liveCorpus(config, index), tuning });
      for (const o of outcomes(await runGold(engine, [goldFile]), tuning)) {
        const answer = await engine.explain(o.run.gold.q);
        const verdict = decide(o.features, decision);
        verdicts.add(verdict);
        expect(o.features).toEqual(answer.features);
        expect(verdict).toBe(answer.verdict);
        if (!o.run.gold.unanswerable && verdict !== 'refused') {
          expect(verdict === 'answered' ? o.hit : o.relatedHit).toBe(hitRank(o.run.gold, verdict === 'answered' ? answer.quotes : answer.related));
        }
      }
    }
    expect(verdicts.has('related') && verdicts.has('refused')).toBe(true);
  });
});

describe('configForGold', () => {
  it('asks a gold file beside a corpus/ folder of that corpus, indexed apart; any other of the configured one', async () => {
    const { dir } = await scratch(false);
    const config = loadConfig({ CORPUS_DIR: join(dir, 'articles'), INDEX_DIR: join(dir, 'index') });
    await mkdir(join(dir, 'squad', 'corpus'), { recursive: true });
    expect(configForGold(config, join(dir, 'squad', 'dev.jsonl'))).toMatchObject({ corpusDir: join(dir, 'squad', 'corpus'), indexDir: join(dir, 'index', 'eval', 'squad') });
    expect(configForGold(config, join(dir, 'dev.jsonl'))).toBe(config);
  });
});
