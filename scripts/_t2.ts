import { readFileSync, readdirSync } from 'node:fs';
import { segmentCorpus } from '../src/segment/document.js';
const files = readdirSync('corpus').filter(f => f.endsWith('.txt'));
const texts = files.map(f => readFileSync('corpus/' + f, 'utf8'));
const segs = segmentCorpus(texts);
segs.forEach((s, i) => {
  console.log('====', files[i], JSON.stringify(s.meta), 'paras', s.paragraphs.length, 'sents', s.sentences.length);
  for (const x of s.sentences) console.log(`  ¶${x.paragraph} [${x.start},${x.end}] ${x.text.slice(0, 110)}`);
});
