/**
 * The threshold of insights' grouping by meaning (src/insights/group.ts
 * SAME_MEANING), measured on the fixture written before the grouping:
 * tests/gold/unanswered-groups.jsonl, 30 unanswered questions in 6 groups of
 * paraphrases. For each candidate threshold: the groups recovered exactly
 * (the same five questions, nothing else) and the number of groups found.
 *
 *   npx tsx scripts/fit-grouping.ts
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../src/config/env.js';
import { groupByMeaning } from '../src/insights/group.js';
import { openEmbedder } from '../src/open.js';

const rows = (await readFile('tests/gold/unanswered-groups.jsonl', 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { q: string; group: string });
const embedder = await openEmbedder(loadConfig({}));
const vectors = await embedder.embed(rows.map((r) => r.q));
const truth = new Map<string, string[]>();
for (const r of rows) truth.set(r.group, [...(truth.get(r.group) ?? []), r.q].sort());
const exact = (groups: string[][]) => groups.filter((g) => [...truth.values()].some((t) => JSON.stringify(t) === JSON.stringify([...g].sort()))).length;
for (let t = 0.3; t <= 0.801; t += 0.05) {
  const groups = groupByMeaning(rows.map((r, i) => ({ item: r.q, vector: vectors[i]! })), t);
  console.log(`threshold ${t.toFixed(2)}: ${exact(groups)} of ${truth.size} groups exact, ${groups.length} groups`);
}
