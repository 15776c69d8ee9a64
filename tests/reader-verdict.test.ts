/**
 * The reader in the answer (issue 28), on a fixture corpus with the real
 * model: an adversarial question (written like its answerable twin, about
 * something the article does not say) is held back as "related", while its
 * twin is answered with the right sentence first.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { openEmbedder, openEngine } from '../src/open.js';
import type { SearchEngine } from '../src/search/engine.js';
import { scratch } from './support/temp.js';

const ARTICLE = `Stoneford bridge to reopen after two years of repairs

Tuesday, 3 March 2026

The old Stoneford bridge will reopen to traffic on Monday morning after two years of repairs, the county council said.

Engineers from Carter and Hale finished the strengthening work three weeks ahead of schedule.

The repairs cost £4.2 million, paid for by a government grant and the council's own reserves.

Local businesses said the closure had cut their trade by a third since the bridge shut in 2024.

The council's transport chief, Maria Lopez, said a new footpath would open beside the bridge in the summer.
`;

let engine: SearchEngine;

beforeAll(async () => {
  const { dir } = await scratch(false);
  const corpusDir = join(dir, 'corpus');
  await mkdir(corpusDir, { recursive: true });
  await writeFile(join(corpusDir, 'bridge.txt'), ARTICLE);
  const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: join(dir, 'index') });
  engine = await openEngine(config, await openEmbedder(config));
});

describe('the reader in the verdict', () => {
  it.each([
    ['When will the new footpath open?', 'When will the new cycle lane open?', 'a new footpath would open beside the bridge in the summer'],
    ['How much did the repairs cost?', 'How much did the new footpath cost?', 'The repairs cost £4.2 million'],
  ])('answers "%s" with the right sentence first, and holds back its twin "%s"', async (answerable, adversarial, right) => {
    const answered = await engine.ask(answerable);
    expect(answered.verdict).toBe('answered');
    expect(answered.quotes[0]!.text).toContain(right);
    const held = await engine.ask(adversarial);
    expect(held.verdict).toBe('related');
    expect(held.quotes).toEqual([]);
    // The reader said so: its best logit for the twin is below the answered question's.
    expect(held.trace!.scores.reader).toBeLessThan(answered.trace!.scores.reader);
  });
});
